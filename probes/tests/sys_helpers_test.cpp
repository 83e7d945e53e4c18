// The small system helpers of probes/sys: errors that keep their errno, the
// cleanup guard, owned descriptor pairs, the async-signal-safe check and
// in_forked_process().
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "probes/sys/check.hpp"
#include "probes/sys/cleanup.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/in_forked_process.hpp"
#include "probes/sys/text_file.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::sys {
namespace {

TEST(Errors, AFailedSystemCallKeepsItsErrnoAndItsMessage) {
  auto missing = read_text_file("/nonexistent/x", "catalogue file");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "cannot read catalogue file '/nonexistent/x': No such file or directory");
  EXPECT_EQ(missing.error().errnum, ENOENT);
  auto dir = read_text_file("/");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().errnum, EISDIR);
  const Error e = errno_error("seccomp_load", EACCES);
  EXPECT_EQ(e.message, "seccomp_load: Permission denied");
  EXPECT_EQ(e.errnum, EACCES);
  EXPECT_EQ(make_error("no system call").errnum, 0);
}

TEST(Cleanup, RunsOnceWhenItGoesOutOfScopeUnlessReleased) {
  int runs = 0;
  {
    Cleanup a([&] { ++runs; });
    Cleanup moved(std::move(a));  // the moved-from guard runs nothing
  }
  EXPECT_EQ(runs, 1);
  {
    Cleanup b([&] { ++runs; });
    b.release();
  }
  EXPECT_EQ(runs, 1);
}

TEST(UniqueFd, APipePairIsOwnedAndConnected) {
  auto pipe = pipe_pair();
  ASSERT_TRUE(pipe.ok()) << pipe.error().message;
  ASSERT_EQ(::write(pipe->second.get(), "x", 1), 1);
  pipe->second.reset();
  char c = 0;
  EXPECT_EQ(::read(pipe->first.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
  EXPECT_EQ(::read(pipe->first.get(), &c, 1), 0);  // the write end is closed
}

TEST(InForkedProcess, AFunctionThatReturnsPasses) {
  const ForkedEnd end = in_forked_process([] { CLONEDIFF_CHECK(1 + 1 == 2); });
  EXPECT_TRUE(end.passed()) << end.account();
  EXPECT_EQ(end.err, "");
}

TEST(InForkedProcess, AFailedCheckNamesItsExpressionAndErrno) {
  const ForkedEnd end = in_forked_process([] {
    errno = 0;
    CLONEDIFF_CHECK(::close(-1) == 0);
  });
  EXPECT_FALSE(end.passed());
  EXPECT_NE(end.account().find("exited with status " + std::to_string(kFailedCheckStatus)), std::string::npos)
      << end.account();
  EXPECT_NE(end.err.find("failed check at "), std::string::npos) << end.err;
  EXPECT_NE(end.err.find(": ::close(-1) == 0 (errno " + std::to_string(EBADF) + ")"), std::string::npos) << end.err;
}

TEST(InForkedProcess, AFailedStatusSaysWhy) {
  const ForkedEnd end = in_forked_process([] { CLONEDIFF_CHECK_OK(write_file("/nonexistent/x", "1")); });
  EXPECT_FALSE(end.passed());
  EXPECT_NE(end.err.find("write_file(\"/nonexistent/x\", \"1\"): open /nonexistent/x: No such file or directory (errno " +
                         std::to_string(ENOENT) + ")"),
            std::string::npos)
      << end.err;
}

TEST(InForkedProcess, ADeathBySignalIsNoPass) {
  const ForkedEnd end = in_forked_process([] { ::raise(SIGKILL); });
  EXPECT_FALSE(end.passed());
  EXPECT_EQ(end.account(), "the forked process was killed by signal 9");
}

}  // namespace
}  // namespace clonediff::sys
