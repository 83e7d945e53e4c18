#include "model/flags.hpp"

#include <gtest/gtest.h>

namespace clonediff::model {
namespace {

TEST(Flags, EveryTableEntryRoundTripsByName) {
  for (const FlagInfo& f : flag_table()) {
    auto parsed = parse_flags(f.name);
    ASSERT_TRUE(parsed.ok()) << f.name;
    EXPECT_EQ(*parsed, f.value) << f.name;
    EXPECT_EQ(format_flags(f.value), f.name);
  }
}

TEST(Flags, TableValuesAreDistinctSingleBits) {
  std::uint64_t seen = 0;
  for (const FlagInfo& f : flag_table()) {
    EXPECT_EQ(f.value & (f.value - 1), 0u) << f.name << " is not a single bit";
    EXPECT_EQ(seen & f.value, 0u) << f.name << " repeats a bit";
    seen |= f.value;
  }
  // Bits 7..33 are all defined: CLONE_NEWTIME through CLONE_INTO_CGROUP.
  EXPECT_EQ(seen, 0x3ffffff80ULL);
}

TEST(Flags, ShortNamesHexAndMixtures) {
  EXPECT_EQ(*parse_flags("VM|FS"), flag::VM | flag::FS);
  EXPECT_EQ(*parse_flags(" CLONE_VM | 0x10000000000 "), flag::VM | (1ULL << 40));
  EXPECT_EQ(*parse_flags("0x3d0f00"), 0x3d0f00u);
  EXPECT_EQ(*parse_flags("0"), 0u);
}

TEST(Flags, FormatsAscendingWithUnnamedBitsInHex) {
  EXPECT_EQ(format_flags(flag::FS | flag::VM), "CLONE_VM|CLONE_FS");
  EXPECT_EQ(format_flags((1ULL << 63) | flag::VM | (1ULL << 40)), "CLONE_VM|0x10000000000|0x8000000000000000");
  EXPECT_EQ(format_flags(0), "0");
  EXPECT_EQ(format_flags(0x11), "0x1|0x10");
}

TEST(Flags, RejectsWhatIsNotAFlag) {
  auto bad = parse_flags("CLONE_VM|CLONE_BOGUS");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("CLONE_BOGUS"), std::string::npos);
  EXPECT_FALSE(parse_flags("CLONE_VM||CLONE_FS").ok());
  EXPECT_FALSE(parse_flags("").ok());
  EXPECT_FALSE(parse_flags("0xZZ").ok());
  EXPECT_FALSE(parse_flags("clone_vm").ok());
}

}  // namespace
}  // namespace clonediff::model
