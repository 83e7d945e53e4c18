// The harness's own contract: a case that crashes, hangs or forks without end
// costs that case its verdict, never the run, and leaves nothing behind: no
// process of its group, no child of ours unreaped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "harness/engine/case_host.hpp"
#include "model/flags.hpp"

namespace clonediff::harness {
namespace {

using namespace std::chrono_literals;

// Processes whose process group is pgid, read from /proc (zombies included).
int members_of_group(pid_t pgid) {
  int n = 0;
  DIR* proc = ::opendir("/proc");
  while (dirent* e = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    const pid_t g = ::getpgid(pid);
    if (g == pgid) ++n;
  }
  ::closedir(proc);
  return n;
}

// Lines of /proc/sysvipc/sem: the SysV semaphore sets on the machine, plus a header.
int semaphore_sets() {
  int n = 0;
  if (std::FILE* f = std::fopen("/proc/sysvipc/sem", "r")) {
    for (int c; (c = std::fgetc(f)) != EOF;) n += c == '\n';
    std::fclose(f);
  }
  return n;
}

bool has_unreaped_children() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 && info.si_pid != 0;
}

class Isolation : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = CaseHost::start(CaseHostOptions{"root", 400ms});
    ASSERT_TRUE(h.ok()) << h.error().message;
    host_ = std::move(h).value();
  }
  // A plain fork-like case runs and is observed after whatever came before.
  void expect_next_case_is_fine() {
    LiveCall r = host_->make_call(model::Request{model::Entry::clone, model::flag::VM, model::kSigchld});
    ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
    EXPECT_EQ(r.observed.error, 0);
    EXPECT_EQ(r.observed[model::Resource::vm], model::Fact::yes);
  }
  void expect_nothing_left_of(pid_t old_caller) {
    EXPECT_EQ(members_of_group(old_caller), 0) << "processes of the killed case's group remain";
    EXPECT_EQ(::kill(-old_caller, 0), -1);
    EXPECT_EQ(errno, ESRCH);
    EXPECT_FALSE(has_unreaped_children());
  }
  std::unique_ptr<CaseHost> host_;
};

TEST_F(Isolation, ACrashingChildCostsOneVerdict) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, model::kSigchld}, Fault::child_crash);
  EXPECT_EQ(r.status, LiveCall::Status::crash);
  EXPECT_NE(r.note.find("SIGSEGV"), std::string::npos) << r.note;
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

TEST_F(Isolation, ACrashingThreadTakesTheCallerAndCostsOneVerdict) {
  const pid_t caller = host_->caller_pid();
  const auto thread = model::flag::VM | model::flag::SIGHAND | model::flag::THREAD;
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, thread, model::kSigchld}, Fault::child_crash);
  EXPECT_EQ(r.status, LiveCall::Status::crash);
  EXPECT_NE(r.note.find("SIGSEGV"), std::string::npos) << r.note;
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

TEST_F(Isolation, AVforkChildThatCrashesCostsOneVerdict) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::vfork, 0, model::kSigchld}, Fault::child_crash);
  EXPECT_EQ(r.status, LiveCall::Status::crash);
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

TEST_F(Isolation, AHangingChildTimesOut) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, model::kSigchld}, Fault::child_hang);
  EXPECT_EQ(r.status, LiveCall::Status::timeout);
  EXPECT_GE(r.elapsed, 400ms);
  EXPECT_LT(r.elapsed, 3s);
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

TEST_F(Isolation, AHangingSiblingIsKilledToo) {
  // A CLONE_PARENT child is this process's own child, yet in the case's group.
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, model::flag::PARENT, model::kSigchld}, Fault::child_hang);
  EXPECT_EQ(r.status, LiveCall::Status::timeout);
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

TEST_F(Isolation, ACrashingCallerCostsOneVerdict) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, model::kSigchld}, Fault::caller_crash);
  EXPECT_EQ(r.status, LiveCall::Status::crash);
  EXPECT_NE(r.note.find("caller"), std::string::npos) << r.note;
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
  EXPECT_NE(host_->caller_pid(), caller);  // a fresh caller
}

TEST_F(Isolation, AHangingCallerTimesOut) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, model::flag::VFORK, model::kSigchld}, Fault::caller_hang);
  EXPECT_EQ(r.status, LiveCall::Status::timeout);
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

TEST_F(Isolation, AChildThatForksWithoutEndIsStoppedWholly) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, model::kSigchld}, Fault::child_forks);
  EXPECT_EQ(r.status, LiveCall::Status::timeout);
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

// Only a child sees clone return 0: in the caller it means the harness lost
// track of who is who. That is the harness's failure, never an observation.
TEST_F(Isolation, ACallReturningZeroInTheCallerIsAnErrorNotAnObservation) {
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, model::kSigchld}, Fault::caller_returns_zero);
  EXPECT_EQ(r.status, LiveCall::Status::error);
  EXPECT_NE(r.note.find("returned 0"), std::string::npos) << r.note;
  expect_next_case_is_fine();
}

// Exit signals the caller cannot block: SIGKILL kills it, SIGSTOP stops it.
// Either is seen as the signal the child's exit sent, and costs no verdict.
TEST_F(Isolation, AnExitSignalThatKillsTheCallerIsObservedAndTheRunGoesOn) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, 9});
  ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
  EXPECT_EQ(r.observed.parent_signal, 9);
  EXPECT_EQ(r.observed.exit_signal, 9);
  expect_nothing_left_of(caller);
  expect_next_case_is_fine();
}

// The caller's first looks at its child (its pidfd, its tid word) are made
// while the child is held, however late they come: the child of a call that
// cannot hold the caller in it is released only after the caller's Returned.
// Here the child's exit kills the caller (SIGKILL), so a child released
// before the look leaves the pidfd unknown.
TEST_F(Isolation, TheChildIsHeldUntilTheCallerHasLookedAtIt) {
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, model::flag::PIDFD, 9}, Fault::caller_looks_late);
  ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
  EXPECT_EQ(r.observed.parent_signal, 9);
  EXPECT_EQ(r.observed[model::Trait::pidfd], model::Fact::yes);
  expect_next_case_is_fine();
}

TEST_F(Isolation, AnExitSignalThatStopsTheCallerIsObservedAndTheCallerGoesOn) {
  const pid_t caller = host_->caller_pid();
  LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, 19});
  ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
  EXPECT_EQ(r.observed.parent_signal, 19);
  EXPECT_LT(r.elapsed, 400ms);
  EXPECT_EQ(host_->caller_pid(), caller);  // resumed, not replaced
  expect_next_case_is_fine();
}

// Signals the harness keeps pending for its own witnesses, and the two glibc
// will not block, are observed as any other exit signal.
TEST_F(Isolation, EveryExitSignalReachesTheCaller) {
  for (long long sig = 1; sig <= 64; ++sig) {
    LiveCall r = host_->make_call(model::Request{model::Entry::clone, 0, static_cast<std::uint64_t>(sig)});
    ASSERT_EQ(r.status, LiveCall::Status::completed) << sig << ": " << r.note;
    EXPECT_EQ(r.observed.parent_signal, sig);
  }
}

// A sibling (CLONE_PARENT) that suspends the caller (CLONE_VFORK) has left
// before the caller looks at its pidfd; the host used to reap it first, and
// the pidfd then named no one, in about half the runs.
TEST_F(Isolation, APidfdOfASiblingThatHasLeftStillNamesIt) {
  const auto flags = model::flag::PIDFD | model::flag::VFORK | model::flag::PARENT;
  for (int i = 0; i < 200; ++i) {
    LiveCall r = host_->make_call(model::Request{model::Entry::clone, flags, model::kSigchld});
    ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
    ASSERT_EQ(r.observed[model::Trait::pidfd], model::Fact::yes) << "run " << i;
  }
}

TEST(IsolationTeardown, NothingOutlivesTheHost) {
  pid_t caller = 0;
  const int sets_before = semaphore_sets();
  {
    auto h = CaseHost::start(CaseHostOptions{"root", 1s});
    ASSERT_TRUE(h.ok()) << h.error().message;
    caller = (*h)->caller_pid();
    LiveCall r = (*h)->make_call(model::Request{model::Entry::clone, model::flag::PARENT, model::kSigchld});
    ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
    EXPECT_EQ(::kill(caller, 0), 0);
  }
  EXPECT_EQ(members_of_group(caller), 0);
  EXPECT_FALSE(has_unreaped_children());
  EXPECT_EQ(semaphore_sets(), sets_before) << "a SysV semaphore set was left behind";
}

TEST(IsolationStart, AnUnbuildableContextIsAnErrorNotACrash) {
  auto h = CaseHost::start(CaseHostOptions{"no_such_context", 1s});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().kind, CallerUnavailable::Kind::failed);
  EXPECT_NE(h.error().message.find("context 'no_such_context' has no recipe in this harness (contexts: root, "),
            std::string::npos)
      << h.error().message;
}

// A caller that does not report in time is the harness failing, not a
// context this machine cannot satisfy; nothing of it is left behind.
TEST(IsolationStart, ACallerThatDoesNotReportInTimeIsAFailure) {
  auto h = CaseHost::start(CaseHostOptions{"pidns_depth", 1ms});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().kind, CallerUnavailable::Kind::failed);
  EXPECT_EQ(h.error().message, "the caller process for context 'pidns_depth' did not report within 1 ms");
  EXPECT_FALSE(has_unreaped_children());
}

// The caller built its context and then its own setup failed (a stack, the
// witnesses' baseline): the harness's failure, not the context's.
TEST(IsolationStart, ACallerWhoseOwnSetupFailsIsAFailureNotAnUnbuildableContext) {
  CaseHostOptions options{"root", 1s};
  options.setup_fault = true;
  auto h = CaseHost::start(options);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().kind, CallerUnavailable::Kind::failed);
  EXPECT_NE(h.error().message.find("a setup fault injected by a test"), std::string::npos) << h.error().message;
  EXPECT_FALSE(has_unreaped_children());
}

}  // namespace
}  // namespace clonediff::harness
