// An initramfs image: a cpio archive in the "newc" format the kernel unpacks
// into its root file system at boot (Documentation/driver-api/early-userspace/
// buffer-format.rst), uncompressed. Entries are written in the order added; a
// directory must be added before what it holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clonediff::targets {

class Initramfs {
 public:
  // Paths are relative to the root, without a leading '/': "bin/sh".
  void directory(const std::string& path, unsigned mode = 0755);
  void file(const std::string& path, std::string contents, unsigned mode = 0644);
  void symlink(const std::string& path, const std::string& target);
  void char_device(const std::string& path, unsigned major, unsigned minor, unsigned mode = 0600);

  // The archive, ending with the TRAILER!!! entry.
  std::string archive() const;

 private:
  struct Entry {
    std::string path;
    std::uint32_t mode = 0;  // type and permission bits
    std::string data;        // file contents or symlink target
    unsigned rdev_major = 0, rdev_minor = 0;
  };
  std::vector<Entry> entries_;
};

}  // namespace clonediff::targets
