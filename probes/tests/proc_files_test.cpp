#include "probes/sys/proc_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace clonediff::sys {
namespace {

TEST(ProcFiles, StatFieldsCountFromTheLastParenthesis) {
  // A command name with spaces and parentheses must not shift the fields.
  std::string line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560";
  for (int i = 10; i <= 38; ++i) line += " " + std::to_string(i * 100);
  line += "\n";
  EXPECT_EQ(stat_field(line, 4), 1);
  EXPECT_EQ(stat_field(line, 5), 4242);
  EXPECT_EQ(stat_field(line, 38), 3800);
  EXPECT_EQ(stat_field(line, 39), std::nullopt);
  EXPECT_EQ(stat_field("no parenthesis", 5), std::nullopt);
}

TEST(ProcFiles, StatusFieldsByKey) {
  const std::string status = "Name:\tx\nTgid:\t77\nPid:\t78\nPPid:\t1\nTracerPid:\t0\n";
  EXPECT_EQ(status_field(status, "Tgid"), 77);
  EXPECT_EQ(status_field(status, "PPid"), 1);
  EXPECT_EQ(status_field(status, "Pid"), 78);
  EXPECT_EQ(status_field(status, "Gid"), std::nullopt);
}

TEST(ProcFiles, StatusNumberLists) {
  const std::string status = "Name:\tx\nNSpid:\t4242\t17\t1\nNStgid:\t4242\n";
  EXPECT_EQ(status_numbers(status, "NSpid"), (std::vector<long long>{4242, 17, 1}));
  EXPECT_EQ(status_numbers(status, "NStgid"), (std::vector<long long>{4242}));
  EXPECT_EQ(status_numbers("NSpid:\t9\n", "NSpid"), (std::vector<long long>{9}));
  EXPECT_TRUE(status_numbers(status, "Gid").empty());
}

TEST(ProcFiles, ReadsOwnStatus) {
  auto dir = open_proc_dir(::getpid());
  ASSERT_TRUE(dir.ok()) << dir.error().message;
  char buf[4096];
  auto status = read_small_file(dir->get(), "status", buf, sizeof buf);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status_field(*status, "Tgid"), ::getpid());
  auto stat = read_small_file(dir->get(), "stat", buf, sizeof buf);
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat_field(*stat, 4), ::getppid());
  EXPECT_FALSE(open_proc_dir(-5).ok());
}

}  // namespace
}  // namespace clonediff::sys
