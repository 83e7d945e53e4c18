// The looks the caller takes after the call, against children whose answer is
// known: a pidfd names its child and polls readable once it has exited; a
// child's exit signal is told from a signal sent by kill(); a thread's exit
// clears and wakes CLONE_CHILD_CLEARTID's word (here: pthread's own).
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/signal_set.hpp"
#include "probes/arrived_signals.hpp"
#include "probes/child_exit.hpp"
#include "probes/pidfd_after.hpp"
#include "probes/pidfd_look.hpp"
#include "probes/sys/check.hpp"
#include "probes/sys/in_forked_process.hpp"
#include "probes/sys/pidfd.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::probes {
namespace {

TEST(PidfdLook, APidfdNamesItsChildAndPollsReadableOnceItHasExited) {
  sys::HeldChild held;
  const pid_t child = held.pid();
  ASSERT_GT(child, 0);
  const sys::UniqueFd pidfd(sys::pidfd_open(child));
  ASSERT_TRUE(pidfd.valid());
  TraitBits t;
  look_at_pidfd(pidfd.get(), child, 0, t);
  EXPECT_TRUE(t.known & (1u << static_cast<unsigned>(model::Trait::pidfd)));
  EXPECT_TRUE(t.value & (1u << static_cast<unsigned>(model::Trait::pidfd)));
  EXPECT_FALSE(t.value & (1u << static_cast<unsigned>(model::Trait::pidfd_thread)));
  EXPECT_FALSE(pidfd_readable(pidfd.get()));
  EXPECT_FALSE(child_gone(child, false, pidfd.get()));
  held.let_go();
  ::waitid(P_PID, static_cast<id_t>(child), nullptr, WEXITED | WNOWAIT);
  EXPECT_TRUE(pidfd_readable(pidfd.get()));
  EXPECT_TRUE(child_gone(child, false, pidfd.get()));
  held.reap();

  TraitBits none;
  look_at_pidfd(-1, child, 0, none);
  EXPECT_TRUE(none.known & (1u << static_cast<unsigned>(model::Trait::pidfd)));
  EXPECT_FALSE(none.value & (1u << static_cast<unsigned>(model::Trait::pidfd)));
}

// after=thread: pidfd_open(tid, PIDFD_THREAD) and the thread pidfd's fdinfo.
// Where /proc cannot be read (a chroot has none; here a tmpfs hides it in a
// mount namespace of the test's own), the fact stays unknown: a look that
// could not be made is no answer. Where it can, the look answers (yes from
// v6.9, no before, where the flag is EINVAL).
TEST(PidfdAfterLook, AThreadPidfdThatCannotBeLookedAtLeavesTheFactUnknown) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: hides /proc in a mount namespace of its own";
  const sys::ForkedEnd end = sys::in_forked_process([] {
    constexpr unsigned bit = 1u << static_cast<unsigned>(model::Trait::pidfd_open_thread);
    sys::HeldChild held;
    CLONEDIFF_CHECK(held.pid() > 0);
    TraitBits seen;
    look_while_running(model::AfterArg::thread, -1, held.pid(), 0, 0, seen);
    CLONEDIFF_CHECK((seen.known & bit) != 0);
    CLONEDIFF_CHECK(::unshare(CLONE_NEWNS) == 0);
    CLONEDIFF_CHECK(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0);
    CLONEDIFF_CHECK(::mount("none", "/proc", "tmpfs", 0, nullptr) == 0);
    TraitBits hidden;
    look_while_running(model::AfterArg::thread, -1, held.pid(), 0, 0, hidden);
    CLONEDIFF_CHECK((hidden.known & bit) == 0);
    held.reap();
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

// In a forked process: it blocks signals and takes what arrives.
TEST(ArrivedSignals, AChildsExitSignalIsToldFromAKill) {
  const sys::ForkedEnd end = sys::in_forked_process([] {
    sigset_t all;
    sigfillset(&all);
    CLONEDIFF_CHECK(::sigprocmask(SIG_BLOCK, &all, nullptr) == 0);
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    CLONEDIFF_CHECK(::waitid(P_PID, static_cast<id_t>(child), nullptr, WEXITED | WNOWAIT) == 0);
    CLONEDIFF_CHECK(::kill(::getpid(), SIGUSR1) == 0);
    const ArrivedSignals arrived = take_arrived_signals(0, nullptr);
    CLONEDIFF_CHECK(arrived.all == (model::signal_bit(SIGCHLD) | model::signal_bit(SIGUSR1)));
    CLONEDIFF_CHECK(arrived.child_notices == model::signal_bit(SIGCHLD));
    CLONEDIFF_CHECK(take_arrived_signals(0, nullptr).all == 0);  // taken, and so gone
    CLONEDIFF_CHECK(sigchld_disposition() == Disposition::default_action);
    ::signal(SIGCHLD, SIG_IGN);
    CLONEDIFF_CHECK(sigchld_disposition() == Disposition::ignored);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

}  // namespace
}  // namespace clonediff::probes
