// Whether an ELF executable can run without a dynamic loader: an initramfs
// holds no C library, so every program put there must be static.
#pragma once

#include <string_view>

namespace clonediff::targets {

// An ELF64 image with no PT_INTERP program header. False for anything else
// (not ELF, 32-bit, truncated, dynamically linked).
bool is_static_elf64(std::string_view image);

}  // namespace clonediff::targets
