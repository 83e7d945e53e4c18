// SIGINT, SIGTERM and SIGHUP as a request to stop. They are blocked in this
// process and read from a signalfd, so no handler ever runs (nothing to be
// async-signal-safe about) and no call of the harness is interrupted: the
// loops that take cases ask stop_signal() between cases, stop taking them,
// and let the Runner kill, reap and release what it holds. A signal that
// arrives before watch_stop_signals() acts as it always does.
#pragma once

#include "model/result.hpp"

namespace clonediff::harness {

// Blocks the three and opens the signalfd. Once per process (later calls do
// nothing), before any thread starts: threads inherit the mask, and a thread
// without it would take the signal's default action. Processes forked from
// here inherit the mask too: the caller sets its own (caller_signals.hpp).
Status watch_stop_signals();

// 0, or the first of the three that arrived (read without waiting; once seen,
// it is the answer from then on).
int stop_signal();

// The exit status of a command stopped by `signal`: 128 + its number, as a
// shell reports a process the signal killed (130 SIGINT, 143 SIGTERM, 129 SIGHUP).
constexpr int stopped_exit_status(int signal) { return 128 + signal; }

}  // namespace clonediff::harness
