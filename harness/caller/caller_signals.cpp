#include "harness/caller/caller_signals.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "model/signal_set.hpp"
#include "probes/sys/raw_syscall.hpp"

extern "C" void clonediff_signal_return();

namespace clonediff::harness {
namespace {

constexpr unsigned long kSaSiginfo = 0x4;
constexpr unsigned long kSaRestorer = 0x04000000;
constexpr unsigned long kSaRestart = 0x10000000;

// What the handlers of 32 and 33 saw: written only by the handler, read and
// cleared by take_arrived_signals() with both signals blocked.
std::atomic<std::uint64_t> handled_all{0};
std::atomic<std::uint64_t> handled_notices{0};

bool is_child_notice(const siginfo_t& info) { return info.si_code >= CLD_EXITED && info.si_code <= CLD_CONTINUED; }

// Async-signal-safe: two atomic ORs.
void log_internal_signal(int sig, siginfo_t* info, void*) {
  const std::uint64_t bit = model::signal_bit(sig);
  handled_all.fetch_or(bit, std::memory_order_relaxed);
  if (info && is_child_notice(*info)) handled_notices.fetch_or(bit, std::memory_order_relaxed);
}

void caught_handler(int) {}

void raise_test_signals() {
  const long pid = sys::raw_syscall(SYS_getpid);
  sys::raw_syscall(SYS_tgkill, pid, sys::raw_syscall(SYS_gettid), kThreadPendingSignal);
  sys::raw_syscall(SYS_kill, pid, kProcessPendingSignal);
}

// Whether a dequeued signal is one of raise_test_signals()'.
bool is_test_signal(const siginfo_t& info, long own_pid) {
  if (info.si_pid != own_pid) return false;
  return (info.si_signo == kThreadPendingSignal && info.si_code == SI_TKILL) ||
         (info.si_signo == kProcessPendingSignal && info.si_code == SI_USER);
}

std::uint64_t blocked_set() {
  std::uint64_t set = 0;
  sys::raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, reinterpret_cast<long>(&set), 8);
  return set;
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

bool arm_caller_signals(ChildExpectations& expect) {
  // 32 and 33 cannot be blocked through glibc; a handler keeps a child's
  // exit signal of that number from killing the caller, and notes it.
  // The kernel's struct sigaction, with an SA_SIGINFO handler.
  struct {
    void (*handler)(int, siginfo_t*, void*);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
  } logger{&log_internal_signal, kSaSiginfo | kSaRestart | kSaRestorer, &clonediff_signal_return, ~0UL};
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
  expect.blocked_mask = blocked_set();
  expect.caught_signal = kCaughtSignal;
  expect.ignored_signal = kIgnoredSignal;
  expect.thread_pending_signal = kThreadPendingSignal;
  expect.process_pending_signal = kProcessPendingSignal;
  return true;
}

ArrivedSignals take_arrived_signals() {
  ArrivedSignals out;
  const long own_pid = sys::raw_syscall(SYS_getpid);
  const std::uint64_t waitable = blocked_set();
  const timespec zero{0, 0};
  for (int i = 0; i < 256; ++i) {
    siginfo_t info{};
    const long sig = sys::raw_syscall(SYS_rt_sigtimedwait, reinterpret_cast<long>(&waitable),
                                      reinterpret_cast<long>(&info), reinterpret_cast<long>(&zero), 8);
    if (sig <= 0) break;  // -EAGAIN: nothing left
    if (is_test_signal(info, own_pid)) continue;
    out.all |= model::signal_bit(sig);
    if (is_child_notice(info)) out.child_notices |= model::signal_bit(sig);
  }
  // 32 and 33 are delivered to their handler, not queued: take its log with
  // them blocked, so that nothing is lost between the read and the clear.
  std::uint64_t internal = model::signal_bit(32) | model::signal_bit(33), saved = 0;
  sys::raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, reinterpret_cast<long>(&internal), reinterpret_cast<long>(&saved), 8);
  out.all |= handled_all.exchange(0);
  out.child_notices |= handled_notices.exchange(0);
  sys::raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&saved), 0, 8);
  raise_test_signals();
  return out;
}

}  // namespace clonediff::harness
