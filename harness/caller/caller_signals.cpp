#include "harness/caller/caller_signals.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "model/signal_set.hpp"
#include "probes/sys/raw_syscall.hpp"

extern "C" void clonediff_signal_return();

namespace clonediff::harness {
namespace {

constexpr unsigned long kSaSiginfo = 0x4;
constexpr unsigned long kSaRestorer = 0x04000000;
constexpr unsigned long kSaRestart = 0x10000000;

void caught_handler(int) {}

void raise_test_signals() {
  const long pid = sys::raw_syscall(SYS_getpid);
  sys::raw_syscall(SYS_tgkill, pid, sys::raw_syscall(SYS_gettid), kThreadPendingSignal);
  sys::raw_syscall(SYS_kill, pid, kProcessPendingSignal);
}

// Whether a dequeued signal is one of raise_test_signals()'.
bool is_test_signal(const siginfo_t& info) {
  if (info.si_pid != sys::raw_syscall(SYS_getpid)) return false;
  return (info.si_signo == kThreadPendingSignal && info.si_code == SI_TKILL) ||
         (info.si_signo == kProcessPendingSignal && info.si_code == SI_USER);
}

}  // namespace

void reset_caller_signals() {
  // Raw, so that glibc's reserved signals are reset too.
  const sys::KernelSigaction dfl{SIG_DFL, 0, nullptr, 0};
  for (int sig = 1; sig <= 64; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) sys::raw_syscall(SYS_rt_sigaction, sig, reinterpret_cast<long>(&dfl), 0, 8);
  // glibc leaves 32 and 33 out of any set it is given to block.
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
}

bool arm_caller_signals(probes::ChildExpectations& expect) {
  // 32 and 33 cannot be blocked through glibc; a handler keeps a child's
  // exit signal of that number from killing the caller, and notes it.
  // The kernel's struct sigaction, with an SA_SIGINFO handler.
  struct {
    void (*handler)(int, siginfo_t*, void*);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
  } logger{&probes::log_arrived_signal, kSaSiginfo | kSaRestart | kSaRestorer, &clonediff_signal_return, ~0UL};
  static_assert(sizeof logger == sizeof(sys::KernelSigaction));
  for (int sig : {32, 33})
    if (sys::raw_syscall(SYS_rt_sigaction, sig, reinterpret_cast<long>(&logger), 0, 8) != 0) return false;
  struct sigaction caught {};
  caught.sa_handler = caught_handler;
  struct sigaction ignored {};
  ignored.sa_handler = SIG_IGN;
  if (::sigaction(kCaughtSignal, &caught, nullptr) != 0 || ::sigaction(kIgnoredSignal, &ignored, nullptr) != 0)
    return false;
  raise_test_signals();
  expect.blocked_mask = probes::blocked_signals();
  expect.caught_signal = kCaughtSignal;
  expect.ignored_signal = kIgnoredSignal;
  expect.thread_pending_signal = kThreadPendingSignal;
  expect.process_pending_signal = kProcessPendingSignal;
  return true;
}

probes::ArrivedSignals take_arrived_signals() {
  const probes::ArrivedSignals arrived =
      probes::take_arrived_signals(model::signal_bit(32) | model::signal_bit(33), is_test_signal);
  raise_test_signals();
  return arrived;
}

}  // namespace clonediff::harness
