#include "model/names.hpp"

#include <gtest/gtest.h>

namespace clonediff::model {
namespace {

TEST(Names, ErrnoRoundTrip) {
  for (int e : {1, 7, 11, 12, 22, 28, 38, 513}) {
    auto back = parse_result_name(errno_name(e));
    ASSERT_TRUE(back.ok()) << e;
    EXPECT_EQ(*back, e);
  }
  EXPECT_EQ(errno_name(22), "EINVAL");
  EXPECT_EQ(*parse_result_name("ok"), 0);
  EXPECT_EQ(errno_name(4000), "E4000");
  EXPECT_EQ(*parse_result_name("E4000"), 4000);
  EXPECT_FALSE(parse_result_name("EWHAT").ok());
  EXPECT_FALSE(parse_result_name("").ok());
}

TEST(Names, Signals) {
  EXPECT_EQ(*parse_signal("SIGCHLD"), 17);
  EXPECT_EQ(*parse_signal("CHLD"), 17);
  EXPECT_EQ(*parse_signal("255"), 255);
  EXPECT_EQ(*parse_signal("0x41"), 65);
  EXPECT_EQ(*parse_signal("SIGRTMIN+3"), 35);
  EXPECT_EQ(signal_name(17), "SIGCHLD");
  EXPECT_EQ(signal_name(0), "none");
  EXPECT_EQ(signal_name(35), "SIGRTMIN+3");
  EXPECT_EQ(signal_name(255), "255");
  EXPECT_FALSE(parse_signal("SIGNOPE").ok());
  EXPECT_FALSE(parse_signal("").ok());
}

}  // namespace
}  // namespace clonediff::model
