#include "harness/targets/initramfs.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace clonediff::targets {
namespace {

// One header, its name and the padding after each: "070701", then 13 fields
// of 8 hex digits (ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
// devminor, rdevmajor, rdevminor, namesize with the NUL, check), the name
// NUL-terminated, padded to 4 bytes; then the data, padded to 4 bytes.
void append_entry(std::string& out, std::uint32_t ino, std::uint32_t mode, std::uint32_t nlink, unsigned rdev_major,
                  unsigned rdev_minor, const std::string& name, const std::string& data) {
  char header[111];
  std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0u, 0u,
                nlink, 0u, static_cast<unsigned>(data.size()), 0u, 0u, rdev_major, rdev_minor,
                static_cast<unsigned>(name.size() + 1), 0u);
  out.append(header, 110);
  out += name;
  out += '\0';
  out.append((4 - out.size() % 4) % 4, '\0');
  out += data;
  out.append((4 - out.size() % 4) % 4, '\0');
}

}  // namespace

void Initramfs::directory(const std::string& path, unsigned mode) { entries_.push_back({path, S_IFDIR | mode, {}, 0, 0}); }

void Initramfs::file(const std::string& path, std::string contents, unsigned mode) {
  entries_.push_back({path, S_IFREG | mode, std::move(contents), 0, 0});
}

void Initramfs::symlink(const std::string& path, const std::string& target) {
  entries_.push_back({path, S_IFLNK | 0777, target, 0, 0});
}

void Initramfs::char_device(const std::string& path, unsigned major, unsigned minor, unsigned mode) {
  entries_.push_back({path, S_IFCHR | mode, {}, major, minor});
}

std::string Initramfs::archive() const {
  std::string out;
  std::uint32_t ino = 1;
  for (const Entry& e : entries_)
    append_entry(out, ino++, e.mode, S_ISDIR(e.mode) ? 2 : 1, e.rdev_major, e.rdev_minor, e.path, e.data);
  append_entry(out, 0, 0, 1, 0, 0, "TRAILER!!!", {});
  return out;
}

}  // namespace clonediff::targets
