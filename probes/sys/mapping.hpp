// Owned memory mappings: a Mapping unmaps its range on destruction
// (move-only). map_file() maps a whole file to read; map_new_file() sizes a
// file and maps it to write, so that what is written there is the file's
// contents with no copy (the kernel a kernel target unpacks for qemu).
// Both ask for every page at once (MAP_POPULATE): on a virtual machine a
// page fault apiece is dear.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "model/result.hpp"

namespace clonediff::sys {

class Mapping {
 public:
  Mapping() = default;
  Mapping(void* at, std::size_t size) : at_(at), size_(size) {}
  Mapping(Mapping&& o) noexcept : at_(std::exchange(o.at_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  Mapping& operator=(Mapping&& o) noexcept {
    if (this != &o) {
      reset();
      at_ = std::exchange(o.at_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { reset(); }

  std::span<char> bytes() const { return {static_cast<char*>(at_), size_}; }
  std::string_view view() const { return {static_cast<const char*>(at_), size_}; }
  void reset();

 private:
  void* at_ = nullptr;
  std::size_t size_ = 0;
};

// The whole of `path`, read-only (a private mapping). An empty file, a
// directory or an unreadable path is an error naming it, with the errno.
Result<Mapping> map_file(const std::string& path);

// `path` created (or truncated) at `size` bytes, its blocks allocated (a
// full file system is an error here, ENOSPC, not a SIGBUS at a write), and
// mapped shared and writable: what is written through the mapping is the
// file's contents.
Result<Mapping> map_new_file(const std::string& path, std::size_t size);

}  // namespace clonediff::sys
