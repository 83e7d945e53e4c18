#include "probes/arrived_signals.hpp"

#include <sys/syscall.h>
#include <time.h>

#include <atomic>

#include "model/signal_set.hpp"
#include "probes/sys/raw_syscall.hpp"

namespace clonediff::probes {
namespace {

// What log_arrived_signal() saw: written only by the handler, read and
// cleared by take_arrived_signals() with the logged signals blocked.
std::atomic<std::uint64_t> logged_all{0};
std::atomic<std::uint64_t> logged_notices{0};

}  // namespace

bool is_child_notice(const siginfo_t& info) { return info.si_code >= CLD_EXITED && info.si_code <= CLD_CONTINUED; }

void log_arrived_signal(int sig, siginfo_t* info, void*) {
  const std::uint64_t bit = model::signal_bit(sig);
  logged_all.fetch_or(bit, std::memory_order_relaxed);
  if (info && is_child_notice(*info)) logged_notices.fetch_or(bit, std::memory_order_relaxed);
}

std::uint64_t blocked_signals() {
  std::uint64_t set = 0;
  sys::raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, reinterpret_cast<long>(&set), 8);
  return set;
}

ArrivedSignals take_arrived_signals(std::uint64_t logged, bool (*ignore)(const siginfo_t&)) {
  ArrivedSignals out;
  const std::uint64_t waitable = blocked_signals();
  const timespec zero{0, 0};
  for (int i = 0; i < 256; ++i) {
    siginfo_t info{};
    const long sig = sys::raw_syscall(SYS_rt_sigtimedwait, reinterpret_cast<long>(&waitable),
                                      reinterpret_cast<long>(&info), reinterpret_cast<long>(&zero), 8);
    if (sig <= 0) break;  // -EAGAIN: nothing left
    if (ignore && ignore(info)) continue;
    out.all |= model::signal_bit(sig);
    if (is_child_notice(info)) out.child_notices |= model::signal_bit(sig);
  }
  // The logged signals are delivered to their handler, not queued: take its
  // log with them blocked, so that nothing is lost between the read and the clear.
  std::uint64_t saved = 0;
  sys::raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, reinterpret_cast<long>(&logged), reinterpret_cast<long>(&saved), 8);
  out.all |= logged_all.exchange(0);
  out.child_notices |= logged_notices.exchange(0);
  sys::raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&saved), 0, 8);
  return out;
}

Disposition sigchld_disposition() {
  struct sigaction chld {};
  ::sigaction(SIGCHLD, nullptr, &chld);
  if (chld.sa_handler == SIG_DFL) return Disposition::default_action;
  return chld.sa_handler == SIG_IGN ? Disposition::ignored : Disposition::handled;
}

}  // namespace clonediff::probes
