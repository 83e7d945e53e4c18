// The looks the caller takes after the call, against children whose answer is
// known: a pidfd names its child and polls readable once it has exited; a
// child's exit signal is told from a signal sent by kill(); a thread's exit
// clears and wakes CLONE_CHILD_CLEARTID's word (here: pthread's own).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/signal_set.hpp"
#include "probes/arrived_signals.hpp"
#include "probes/child_exit.hpp"
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
