// The kernel a bzImage carries, unpacked on the host, so that qemu loads it
// through its PVH entry: under TCG the guest's own decompressor and the
// firmware's real-mode path into it took about 2 s of a 4-6 s boot.
//
// An x86 bzImage (boot protocol 2.08 on) holds its kernel as a compressed
// payload: the setup header gives setup_sects at 0x1f1 (0 means 4),
// payload_offset at 0x248 and payload_length at 0x24c, the payload starting
// payload_offset bytes into the protected-mode part ((setup_sects + 1) * 512
// bytes into the file). Unpacked, it is vmlinux.bin: the kernel as a stripped
// ELF (arch/x86/boot/compressed: objcopy -R .comment -S), followed on a
// relocatable kernel by its relocation table, which qemu's ELF loader ignores.
// A kernel built with CONFIG_PVH has Xen's PHYS32_ENTRY note, which qemu
// (hw/i386/x86.c) takes as the 32-bit entry of a direct boot.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::targets {

// The payload of a whole bzImage file, unpacked: gzip, zstd and LZ4 (the
// kernel's legacy LZ4 framing) are read, which covers Debian's kernels (6.1:
// LZ4, 6.12: zstd); any other compression is an error that names it.
Result<std::string> bzimage_vmlinux(std::string_view image);
// The same in two steps, into memory the caller chooses: the size the
// payload unpacks to, as the image says; then the payload unpacked into
// `out`, which must be that size (kernel_target.cpp unpacks into a file's
// shared mapping, so the kernel is written where qemu reads it, once).
Result<std::size_t> bzimage_vmlinux_size(std::string_view image);
Status bzimage_vmlinux_into(std::string_view image, std::span<char> out);

// Whether an ELF64 image has a PT_NOTE with Xen's XEN_ELFNOTE_PHYS32_ENTRY
// (type 18, owner "Xen"): the entry qemu's PVH boot needs.
bool has_pvh_entry(std::string_view elf);

}  // namespace clonediff::targets
