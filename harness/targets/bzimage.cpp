#include "harness/targets/bzimage.hpp"

#include <fstream>

namespace clonediff::targets {

std::uint64_t little_endian(std::string_view s, std::size_t at, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
  return v;
}

Result<unsigned> bzimage_protocol(std::string_view head) {
  constexpr std::size_t kMagic = 0x202, kVersion = 0x206;
  if (head.size() < kVersion + 2 || head.substr(kMagic, 4) != "HdrS")
    return make_error("not an x86 bzImage (no \"HdrS\" setup header)");
  return static_cast<unsigned>(little_endian(head, kVersion, 2));
}

Result<std::string> bzimage_release(std::string_view head) {
  constexpr std::size_t kKernelVersion = 0x20e;
  const auto protocol = bzimage_protocol(head);
  if (!protocol) return protocol.error();
  if (*protocol < 0x200) return make_error("boot protocol older than 2.00 names no kernel version");
  if (head.size() < kKernelVersion + 2) return make_error("the setup header names no kernel version");
  const std::size_t offset = little_endian(head, kKernelVersion, 2);
  const std::size_t at = offset + 0x200u;
  if (offset == 0 || at >= head.size()) return make_error("the setup header names no kernel version");
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
