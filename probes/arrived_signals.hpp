// What reached the caller during a case, and which of it came from a child
// changing state (a child's exit signal); and the caller's SIGCHLD
// disposition, which a pid-namespace init sharing its handlers may have set
// to SIG_IGN as it died (zap_pid_ns_processes()).
//
// Runs in the caller process, never after clone in a child. The caller keeps
// every signal it can blocked (caller/caller_signals.hpp), so what arrives is
// queued for take_arrived_signals(); the signals it cannot block it gives
// log_arrived_signal() as their handler.
#pragma once

#include <signal.h>

#include <cstdint>

namespace clonediff::probes {

// Whether a signal's siginfo says a child changed state (si_code CLD_*).
bool is_child_notice(const siginfo_t& info);

// An SA_SIGINFO handler that notes the signal (and whether it was a child's
// notice) for take_arrived_signals(). Async-signal-safe: two atomic ORs.
void log_arrived_signal(int sig, siginfo_t* info, void*);

// The calling thread's blocked set (bit n-1: signal n).
std::uint64_t blocked_signals();

struct ArrivedSignals {
  std::uint64_t all = 0;            // bit n-1: signal n arrived
  std::uint64_t child_notices = 0;  // ... of those, the ones a child's change of state sent
};

// Takes every blocked signal pending on the caller, those `ignore` picks left
// out, and what log_arrived_signal() noted for the signals in `logged`
// (blocked while their log is read and cleared, so that nothing is lost).
ArrivedSignals take_arrived_signals(std::uint64_t logged, bool (*ignore)(const siginfo_t&));

// The caller's SIGCHLD disposition.
enum class Disposition { default_action, ignored, handled };
Disposition sigchld_disposition();

}  // namespace clonediff::probes
