#include "model/kernel.hpp"

#include <charconv>

namespace clonediff::model {

std::string KernelVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Result<KernelVersion> parse_kernel_version(std::string_view release) {
  KernelVersion v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  const char* p = release.data();
  const char* end = release.data() + release.size();
  for (int i = 0; i < 3; ++i) {
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc{}) {
      if (i >= 2) break;  // "6.12" has no patch level
      return make_error("cannot read a kernel version from '" + std::string(release) + "'");
    }
    p = next;
    if (p == end || *p != '.') break;
    ++p;
  }
  return v;
}

}  // namespace clonediff::model
