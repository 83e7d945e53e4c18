#include "model/signals.hpp"

namespace clonediff::model {

SignalFate exit_signal_fate(long long sig, const Caller& caller) {
  const std::uint64_t bit = signal_bit(sig);
  // sigprocmask() can block neither SIGKILL nor SIGSTOP, nor set a handler for them.
  const bool unblockable = sig == kSigkill || sig == kSigstop;
  // sig_ignored(): a blocked signal is never ignored.
  if (!unblockable && (caller.signals_blocked & bit)) return SignalFate::pending;
  const bool ignored = !unblockable && (caller.signals_ignored & bit);
  const bool caught = !unblockable && (caller.signals_caught & bit);
  const bool by_default = !ignored && !caught;
  // sig_task_ignored(): an init of a pid namespace (SIGNAL_UNKILLABLE) drops
  // what it has not asked for; the exit notification is not forced (the
  // child is in the init's namespace or below it).
  if (caller.pidns_init && by_default) return SignalFate::dropped;
  // sig_handler_ignored(): SIG_IGN, or SIG_DFL of a signal ignored by default.
  if (ignored || (by_default && (kIgnoredByDefault & bit))) return SignalFate::dropped;
  return SignalFate::pending;
}

}  // namespace clonediff::model
