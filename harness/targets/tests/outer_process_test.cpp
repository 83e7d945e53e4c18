// run_outer's ends: a program that exits, and one stopped on request, whose
// whole process group is killed and reaped at once instead of awaited.
#include "harness/targets/outer_process.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace clonediff::targets {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  std::string path;
  TempDir() {
    std::string name = fs::temp_directory_path().string() + "/clonediff-outer-test-XXXXXX";
    if (::mkdtemp(name.data())) path = name;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// Whether a process whose command line holds `marker` is alive (pgrep).
bool alive(const std::string& marker, const std::string& workdir) {
  const auto ran = run_outer(OuterCommand{"/usr/bin/pgrep", {"-f", marker}, workdir, std::chrono::seconds(10), "", "", {}, std::nullopt});
  return ran && ran->end == OuterRun::End::exited && ran->exit_code == 0;
}

TEST(OuterProcess, AProgramThatExitsGivesItsStatusAndOutput) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  OuterCommand cmd{"/bin/sh", {"-c", "echo out; echo err >&2; exit 3"}, dir.path, std::chrono::seconds(30), "", "", {}, std::nullopt};
  cmd.stop_requested = [] { return false; };
  auto ran = run_outer(cmd);
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(ran->end, OuterRun::End::exited);
  EXPECT_EQ(ran->exit_code, 3);
  EXPECT_EQ(ran->out, "out\n");
  EXPECT_EQ(ran->err, "err\n");
}

// The program and a child it leaves in its group would run for a minute;
// the third ask says stop: both are killed, and nothing of the group is left.
TEST(OuterProcess, AStopRequestKillsTheWholeGroupAtOnce) {
  TempDir dir;
  ASSERT_FALSE(dir.path.empty());
  const std::string marker = "61.0" + std::to_string(::getpid());
  OuterCommand cmd{"/bin/sh", {"-c", "sleep " + marker + " & sleep " + marker}, dir.path, std::chrono::seconds(120),
                   "", "", {}, std::nullopt};
  int asked = 0;
  cmd.stop_requested = [&asked] { return ++asked >= 3; };
  auto ran = run_outer(cmd);
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(ran->end, OuterRun::End::stopped);
  EXPECT_EQ(asked, 3);
  EXPECT_LT(ran->elapsed.count(), 30.0) << "the run waited for the program instead of stopping it";
  EXPECT_FALSE(alive("sleep " + marker, dir.path)) << "a member of the group outlived the stop";
}

}  // namespace
}  // namespace clonediff::targets
