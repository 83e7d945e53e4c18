// The small system helpers of probes/sys: errors that keep their errno, the
// cleanup guard, owned descriptor pairs and mappings, the async-signal-safe
// check and in_forked_process().
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdlib>

#include "probes/sys/check.hpp"
#include "probes/sys/cleanup.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/in_forked_process.hpp"
#include "probes/sys/mapping.hpp"
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

TEST(Mapping, ANewFileHoldsWhatWasWrittenThroughItsMapping) {
  char dir_template[] = "/tmp/clonediff-mapping-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string path = dir + "/file";
  {
    auto out = map_new_file(path, 10000);
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_EQ(out->bytes().size(), 10000u);
    std::memset(out->bytes().data(), 'k', 10000);
    out->bytes()[9999] = 'z';
  }  // unmapped: the file holds it
  EXPECT_EQ(read_text_or_empty(path), std::string(9999, 'k') + "z");
  {
    auto in = map_file(path);
    ASSERT_TRUE(in) << in.error().message;
    EXPECT_EQ(in->view(), std::string(9999, 'k') + "z");
    Mapping moved = std::move(*in);
    EXPECT_EQ(moved.view().size(), 10000u);
    EXPECT_TRUE(in->view().empty());
  }
  auto directory = map_file(dir);
  ASSERT_FALSE(directory);
  EXPECT_EQ(directory.error().errnum, EISDIR);
  ASSERT_TRUE(write_file(path, "", Create::yes));
  auto empty = map_file(path);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "cannot read '" + path + "': it is empty");
  auto missing = map_file(dir + "/none");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().errnum, ENOENT);
  EXPECT_FALSE(map_new_file(dir + "/none/file", 10));
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
}

// On a full file system the new file is refused with ENOSPC, where a write
// through the mapping would have been a SIGBUS: in a forked process, in a
// mount namespace of its own, on a 64 KiB tmpfs.
TEST(Mapping, ANewFileTooLargeForItsFileSystemIsAnError) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: mounts a small tmpfs in a mount namespace of its own";
  char dir_template[] = "/tmp/clonediff-mapping-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const ForkedEnd end = in_forked_process([&] {
    CLONEDIFF_CHECK(::unshare(CLONE_NEWNS) == 0);
    CLONEDIFF_CHECK(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
    CLONEDIFF_CHECK(::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") == 0);
    auto out = map_new_file(dir + "/file", 1 << 20);
    CLONEDIFF_CHECK(!out);
    CLONEDIFF_CHECK(out.error().errnum == ENOSPC);
  });
  EXPECT_TRUE(end.passed()) << end.account();
  ::rmdir(dir.c_str());
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
