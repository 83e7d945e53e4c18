// The kernel release an x86 bzImage carries in its setup header, read before
// it boots: a kernel target is named by it ("kernel:6.1.0-50-cloud-amd64").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::targets {

// A little-endian number of `bytes` (at most 8) bytes at `at` in `s`; the
// caller has checked that they are there.
std::uint64_t little_endian(std::string_view s, std::size_t at, std::size_t bytes);

// The boot protocol version in an x86 setup header: its "HdrS" magic at
// 0x202, the version at 0x206. An error where there is none.
Result<unsigned> bzimage_protocol(std::string_view head);

// From the image's first bytes (at least the setup header and the version
// string it points at; 64 KiB is plenty): the x86 boot protocol's "HdrS"
// magic at 0x202 and, from protocol 2.00, kernel_version at 0x20e, an offset
// (less 0x200) of "RELEASE (builder) #N ..." in the file. The release is the
// text up to the first space.
Result<std::string> bzimage_release(std::string_view head);

// Reads the head of a file and calls the above; errors name the file.
Result<std::string> bzimage_release_of(const std::string& path);

}  // namespace clonediff::targets
