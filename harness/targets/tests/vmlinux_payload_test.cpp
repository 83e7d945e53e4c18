// A bzImage's kernel unpacked on the host for a PVH boot: each compression
// Debian uses, the size check, the errors, and the PVH note found or not.
// The images are made here, laid out as the x86 boot protocol and the
// kernel's build (arch/x86/boot/compressed, scripts/Makefile.lib) lay them.
#include <gtest/gtest.h>

#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <string>

#include "harness/targets/vmlinux_payload.hpp"

namespace clonediff::targets {
namespace {

void put_le(std::string& s, std::size_t at, std::uint64_t v, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string le32(std::uint64_t v) {
  std::string s(4, '\0');
  put_le(s, 0, v, 4);
  return s;
}

// An ELF64 header with one PT_NOTE holding `notes`, then filler: a stand-in
// for vmlinux.bin.
std::string fake_elf(const std::string& notes, std::size_t filler = 100000) {
  std::string elf(64 + 56, '\0');
  elf.replace(0, 4, "\x7f" "ELF");
  elf[4] = 2;  // ELFCLASS64
  elf[5] = 1;  // little-endian
  put_le(elf, 0x20, 64, 8);  // e_phoff
  put_le(elf, 0x36, 56, 2);  // e_phentsize
  put_le(elf, 0x38, 1, 2);   // e_phnum
  put_le(elf, 64, 4, 4);     // PT_NOTE
  put_le(elf, 64 + 8, elf.size(), 8);
  put_le(elf, 64 + 0x20, notes.size(), 8);
  elf += notes;
  for (std::size_t i = 0; i < filler; ++i) elf += static_cast<char>("clone3 "[i % 7]);
  return elf;
}

std::string note(const std::string& owner, std::uint32_t type, const std::string& desc) {
  std::string name = owner + '\0';
  std::string n = le32(name.size()) + le32(desc.size()) + le32(type) + name;
  n.resize((n.size() + 3) & ~std::size_t{3}, '\0');
  n += desc;
  n.resize((n.size() + 3) & ~std::size_t{3}, '\0');
  return n;
}

std::string pvh_elf() { return fake_elf(note("Xen", 6, "linux") + note("Xen", 18, le32(0x1000000))); }

// A bzImage around a packed payload: setup_sects 3, payload_offset 0x100.
std::string fake_bzimage(const std::string& packed, std::size_t unpacked_size, unsigned protocol = 0x20f) {
  const std::size_t setup_sects = 3, payload_offset = 0x100;
  std::string image((setup_sects + 1) * 512 + payload_offset, '\0');
  image[0x1f1] = static_cast<char>(setup_sects);
  image.replace(0x202, 4, "HdrS");
  put_le(image, 0x206, protocol, 2);
  const std::string payload = packed + le32(unpacked_size);  // size_append
  put_le(image, 0x248, payload_offset, 4);
  put_le(image, 0x24c, payload.size(), 4);
  return image + payload + std::string(512, '\0');
}

// As the kernel's build packs it (`zstd -22 --ultra`): the zstd tool puts a
// checksum in the frame.
std::string zstd_packed(const std::string& s) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 19);
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
  std::string out(ZSTD_compressBound(s.size()), '\0');
  out.resize(ZSTD_compress2(c, out.data(), out.size(), s.data(), s.size()));
  ZSTD_freeCCtx(c);
  return out;
}

std::string gzip_packed(const std::string& s) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(s.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// `lz4 -l`: the legacy magic, then blocks of at most `block` bytes unpacked.
std::string lz4_legacy_packed(const std::string& s, std::size_t block) {
  std::string out = le32(0x184c2102);
  for (std::size_t at = 0; at < s.size(); at += block) {
    const std::string part = s.substr(at, block);
    std::string packed(static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(part.size()))), '\0');
    packed.resize(static_cast<std::size_t>(
        LZ4_compress_default(part.data(), packed.data(), static_cast<int>(part.size()), static_cast<int>(packed.size()))));
    out += le32(packed.size()) + packed;
  }
  return out;
}

TEST(VmlinuxPayload, EachCompressionDebianUsesUnpacksToTheKernel) {
  const std::string elf = pvh_elf();
  for (const auto& [name, packed] : {std::pair<std::string, std::string>{"zstd", zstd_packed(elf)},
                                     {"gzip", gzip_packed(elf)},
                                     {"lz4", lz4_legacy_packed(elf, 8u << 20)},
                                     {"lz4 in several blocks", lz4_legacy_packed(elf, 30000)}}) {
    auto unpacked = bzimage_vmlinux(fake_bzimage(packed, elf.size()));
    ASSERT_TRUE(unpacked) << name << ": " << unpacked.error().message;
    EXPECT_EQ(*unpacked, elf) << name;
  }
}

TEST(VmlinuxPayload, ASizeOtherThanTheImageSaysIsAnError) {
  const std::string elf = pvh_elf();
  auto unpacked = bzimage_vmlinux(fake_bzimage(zstd_packed(elf), elf.size() + 1));
  ASSERT_FALSE(unpacked);
  EXPECT_NE(unpacked.error().message.find("the image says"), std::string::npos) << unpacked.error().message;
  // A payload larger than the image says stops where the image says it
  // ends (the kernel target unpacks into a file of that size), and says so.
  for (const auto& [name, packed] : {std::pair<std::string, std::string>{"zstd", zstd_packed(elf)},
                                     {"lz4", lz4_legacy_packed(elf, 8u << 20)},
                                     {"lz4 in several blocks", lz4_legacy_packed(elf, 30000)}}) {
    auto larger = bzimage_vmlinux(fake_bzimage(packed, elf.size() - 1));
    ASSERT_FALSE(larger) << name;
    EXPECT_EQ(larger.error().message,
              "its payload unpacks to more than the " + std::to_string(elf.size() - 1) + " bytes the image says")
        << name;
  }
  EXPECT_FALSE(bzimage_vmlinux(fake_bzimage(gzip_packed(elf), elf.size() - 1)));
}

TEST(VmlinuxPayload, UnpacksIntoMemoryOfTheSizeTheImageSays) {
  const std::string elf = pvh_elf();
  const std::string image = fake_bzimage(lz4_legacy_packed(elf, 30000), elf.size());
  auto size = bzimage_vmlinux_size(image);
  ASSERT_TRUE(size) << size.error().message;
  EXPECT_EQ(*size, elf.size());
  std::string out(*size, '\0');
  ASSERT_TRUE(bzimage_vmlinux_into(image, out));
  EXPECT_EQ(out, elf);
  std::string other(*size + 1, '\0');
  auto wrong = bzimage_vmlinux_into(image, other);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "unpacking into " + std::to_string(elf.size() + 1) + " bytes, but the image says " +
                                       std::to_string(elf.size()));
}

TEST(VmlinuxPayload, WhatItCannotUnpackIsAnErrorThatSaysWhy) {
  const std::string elf = pvh_elf();
  auto xz = bzimage_vmlinux(fake_bzimage(std::string("\xfd" "7zXZ\0\0", 6) + std::string(64, 'x'), elf.size()));
  ASSERT_FALSE(xz);
  EXPECT_NE(xz.error().message.find("compressed with xz"), std::string::npos) << xz.error().message;
  EXPECT_FALSE(bzimage_vmlinux(std::string(0x4000, '\0')));                                  // no HdrS
  EXPECT_FALSE(bzimage_vmlinux(fake_bzimage(zstd_packed(elf), elf.size(), 0x207)));         // no payload fields
  std::string cut = fake_bzimage(zstd_packed(elf), elf.size());
  cut.resize(cut.size() - 2000);  // the payload runs past the end of the file
  EXPECT_FALSE(bzimage_vmlinux(cut));
  std::string corrupt = zstd_packed(elf);
  corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
  EXPECT_FALSE(bzimage_vmlinux(fake_bzimage(corrupt, elf.size())));
  const std::string not_elf(50000, 'k');
  EXPECT_FALSE(bzimage_vmlinux(fake_bzimage(zstd_packed(not_elf), not_elf.size())));
}

TEST(VmlinuxPayload, ThePvhEntryIsXensPhys32EntryNote) {
  EXPECT_TRUE(has_pvh_entry(pvh_elf()));
  EXPECT_FALSE(has_pvh_entry(fake_elf(note("Xen", 6, "linux"))));             // Xen notes, none the entry
  EXPECT_FALSE(has_pvh_entry(fake_elf(note("GNU", 18, le32(0x1000000)))));    // type 18 of another owner
  EXPECT_FALSE(has_pvh_entry(fake_elf("")));
  std::string cut = pvh_elf();
  put_le(cut, 64 + 0x20, cut.size(), 8);  // a note segment past the end of the file
  EXPECT_FALSE(has_pvh_entry(cut));
  EXPECT_FALSE(has_pvh_entry("\x7f" "ELF"));
}

}  // namespace
}  // namespace clonediff::targets
