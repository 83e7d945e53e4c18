#include "harness/targets/bzimage.hpp"

#include <fstream>

namespace clonediff::targets {
namespace {

unsigned read_u16(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) | (static_cast<unsigned>(static_cast<unsigned char>(s[at + 1])) << 8);
}

}  // namespace

Result<std::string> bzimage_release(std::string_view head) {
  constexpr std::size_t kMagic = 0x202, kVersion = 0x206, kKernelVersion = 0x20e;
  if (head.size() < kKernelVersion + 2 || head.substr(kMagic, 4) != "HdrS")
    return make_error("not an x86 bzImage (no \"HdrS\" setup header)");
  if (read_u16(head, kVersion) < 0x200) return make_error("boot protocol older than 2.00 names no kernel version");
  const std::size_t at = read_u16(head, kKernelVersion) + 0x200u;
  if (read_u16(head, kKernelVersion) == 0 || at >= head.size()) return make_error("the setup header names no kernel version");
  const std::string_view text = head.substr(at, head.find('\0', at) - at);
  const std::string_view release = text.substr(0, text.find(' '));
  if (release.empty() || release.size() > 64) return make_error("the setup header's kernel version is unreadable");
  for (char c : release)
    if (c < 0x21 || c > 0x7e) return make_error("the setup header's kernel version is unreadable");
  return std::string(release);
}

Result<std::string> bzimage_release_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read '" + path + "'");
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  auto r = bzimage_release(head);
  if (!r) return make_error(path + ": " + r.error().message);
  return r;
}

}  // namespace clonediff::targets
