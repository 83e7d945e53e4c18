#include "harness/targets/vmlinux_payload.hpp"

#include <lz4.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "harness/targets/bzimage.hpp"

namespace clonediff::targets {
namespace {

// The kernel's legacy LZ4 framing (lib/decompress_unlz4.c): the magic, then
// blocks of at most 8 MiB unpacked, each its packed size (LE32) and the
// packed bytes; the magic again may start another stream.
constexpr std::uint32_t kLz4LegacyMagic = 0x184c2102;
constexpr std::size_t kLz4LegacyBlock = 8u << 20;

// Each unpacker writes into `out` and returns how many bytes it wrote; a
// payload larger than `out` (the size the image gives) is an error.
Error larger_than_said(std::size_t size) {
  return make_error("its payload unpacks to more than the " + std::to_string(size) + " bytes the image says");
}

Result<std::size_t> unpack_lz4_legacy(std::string_view in, std::span<char> out) {
  std::size_t written = 0;
  for (std::size_t at = 4; at + 4 <= in.size();) {
    const auto packed = static_cast<std::size_t>(little_endian(in, at, 4));
    at += 4;
    if (packed == kLz4LegacyMagic) continue;
    if (packed > in.size() - at) return make_error("its LZ4 payload is cut short");
    const std::size_t room = std::min(kLz4LegacyBlock, out.size() - written);
    const int n = LZ4_decompress_safe(in.data() + at, out.data() + written, static_cast<int>(packed),
                                      static_cast<int>(room));
    if (n < 0) {
      // A block that does not fit where the image said it ends is one too big.
      if (room < kLz4LegacyBlock) return larger_than_said(out.size());
      return make_error("its LZ4 payload is corrupt");
    }
    written += static_cast<std::size_t>(n);
    at += packed;
  }
  return written;
}

Result<std::size_t> unpack_zstd(std::string_view in, std::span<char> out) {
  const std::size_t frame = ZSTD_findFrameCompressedSize(in.data(), in.size());
  if (ZSTD_isError(frame)) return make_error(std::string("its zstd payload is unreadable: ") + ZSTD_getErrorName(frame));
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), in.data(), frame);
  if (ZSTD_isError(n) && ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall) return larger_than_said(out.size());
  if (ZSTD_isError(n)) return make_error(std::string("its zstd payload is corrupt: ") + ZSTD_getErrorName(n));
  return n;
}

Result<std::size_t> unpack_gzip(std::string_view in, std::span<char> out) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return make_error("zlib cannot start inflating");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const std::size_t n = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return make_error("its gzip payload is corrupt or larger than it says");
  return n;
}

// The compression a payload starts with, by its magic, for errors.
std::string_view compression_of(std::string_view p) {
  if (p.starts_with("\xfd" "7zXZ")) return "xz";
  if (p.starts_with("\x5d\x00")) return "lzma";
  if (p.starts_with("BZh")) return "bzip2";
  if (p.starts_with("\x89LZO")) return "lzo";
  return "an unknown format";
}

}  // namespace

namespace {

// The payload (packed, without its size) and the size it unpacks to.
struct Payload {
  std::string_view packed;
  std::size_t size = 0;
};
Result<Payload> payload_of(std::string_view image) {
  constexpr std::size_t kSetupSects = 0x1f1, kPayloadOffset = 0x248, kPayloadLength = 0x24c;
  const auto protocol = bzimage_protocol(image);
  if (!protocol) return protocol.error();
  if (*protocol < 0x208 || image.size() < kPayloadLength + 4)
    return make_error("boot protocol older than 2.08 names no payload");
  const std::size_t setup_sects = static_cast<unsigned char>(image[kSetupSects]) == 0 ? 4 : static_cast<unsigned char>(image[kSetupSects]);
  const std::size_t start = (setup_sects + 1) * 512 + little_endian(image, kPayloadOffset, 4);
  const auto length = static_cast<std::size_t>(little_endian(image, kPayloadLength, 4));
  if (length < 8 || start > image.size() || length > image.size() - start)
    return make_error("its payload lies outside the file");
  const std::string_view payload = image.substr(start, length);
  // The build appends the unpacked size (LE32) to every payload (size_append).
  return Payload{payload.substr(0, length - 4), static_cast<std::size_t>(little_endian(payload, length - 4, 4))};
}

}  // namespace

Result<std::size_t> bzimage_vmlinux_size(std::string_view image) {
  auto payload = payload_of(image);
  if (!payload) return payload.error();
  if (payload->size == 0) return make_error("its payload unpacks to 0 bytes, the image says");
  return payload->size;
}

Status bzimage_vmlinux_into(std::string_view image, std::span<char> out) {
  auto payload = payload_of(image);
  if (!payload) return payload.error();
  if (out.size() != payload->size)
    return make_error("unpacking into " + std::to_string(out.size()) + " bytes, but the image says " +
                      std::to_string(payload->size));
  const std::string_view packed = payload->packed;
  Result<std::size_t> n = make_error("");
  if (packed.starts_with("\x1f\x8b"))
    n = unpack_gzip(packed, out);
  else if (packed.starts_with("\x28\xb5\x2f\xfd"))
    n = unpack_zstd(packed, out);
  else if (little_endian(packed, 0, 4) == kLz4LegacyMagic)
    n = unpack_lz4_legacy(packed, out);
  else
    return make_error("its payload is compressed with " + std::string(compression_of(packed)) +
                      ", which clonediff does not unpack (gzip, zstd and LZ4 only)");
  if (!n) return n.error();
  if (*n != out.size())
    return make_error("its payload unpacked to " + std::to_string(*n) + " bytes, but the image says " +
                      std::to_string(out.size()));
  if (!std::string_view(out.data(), out.size()).starts_with("\x7f" "ELF"))
    return make_error("its payload unpacked is not an ELF file");
  return ok_status();
}

Result<std::string> bzimage_vmlinux(std::string_view image) {
  auto size = bzimage_vmlinux_size(image);
  if (!size) return size.error();
  std::string out(*size, '\0');
  if (auto st = bzimage_vmlinux_into(image, out); !st) return st.error();
  return out;
}

bool has_pvh_entry(std::string_view elf) {
  constexpr std::uint32_t kPtNote = 4, kXenElfnotePhys32Entry = 18;
  if (elf.size() < 64 || !elf.starts_with("\x7f" "ELF") || elf[4] != 2 || elf[5] != 1) return false;  // ELF64, LE
  const std::uint64_t phoff = little_endian(elf, 0x20, 8);
  const std::uint64_t phentsize = little_endian(elf, 0x36, 2), phnum = little_endian(elf, 0x38, 2);
  if (phentsize < 0x38 || phoff > elf.size() || phnum > (elf.size() - phoff) / phentsize) return false;
  for (std::uint64_t i = 0; i < phnum; ++i) {
    const std::size_t ph = phoff + i * phentsize;
    if (little_endian(elf, ph, 4) != kPtNote) continue;
    const std::uint64_t offset = little_endian(elf, ph + 8, 8), filesz = little_endian(elf, ph + 0x20, 8);
    if (offset > elf.size() || filesz > elf.size() - offset) return false;
    const std::string_view notes = elf.substr(offset, filesz);
    for (std::size_t at = 0; at + 12 <= notes.size();) {
      const std::uint64_t namesz = little_endian(notes, at, 4), descsz = little_endian(notes, at + 4, 4),
                          type = little_endian(notes, at + 8, 4);
      const std::size_t name_at = at + 12, desc_at = name_at + ((namesz + 3) & ~std::uint64_t{3});
      const std::size_t next = desc_at + ((descsz + 3) & ~std::uint64_t{3});
      if (namesz > notes.size() || descsz > notes.size() || next > notes.size()) break;
      if (type == kXenElfnotePhys32Entry && namesz == 4 && notes.substr(name_at, 4) == std::string_view("Xen\0", 4))
        return true;
      at = next;
    }
  }
  return false;
}

}  // namespace clonediff::targets
