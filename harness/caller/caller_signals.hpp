// The caller's signal state, and the signals that reach it during a case.
//
// Every case starts from the same state (model/signal_set.hpp has it as the
// presets' facts; the host reads it back from /proc): every signal blocked
// except SIGKILL and SIGSTOP, which cannot be, and 32 and 33, which glibc
// will not let a program block and which get logging handlers instead. A
// child's exit signal, whatever its number, therefore neither kills nor stops
// the caller, except SIGKILL and SIGSTOP, which the host watches for.
//
// Test signals the child's witnesses look at: one caught and one ignored
// signal (both blocked), and two real-time signals kept pending, one on the
// caller's thread and one on its process. Real-time signals queue, so a child
// whose exit signal is one of them still adds its own instance, which its
// siginfo tells apart.
//
// Runs in the caller process only, never after clone in a child.
#pragma once

#include <csignal>
#include <cstdint>

#include "probes/arrived_signals.hpp"
#include "probes/self_look.hpp"

namespace clonediff::harness {

// Signals the caller keeps in known states for the child to look at.
inline constexpr int kCaughtSignal = SIGURG;     // a handler (never run: blocked)
inline constexpr int kIgnoredSignal = SIGTTIN;   // SIG_IGN
inline constexpr int kThreadPendingSignal = 61;  // pending on the caller's thread
inline constexpr int kProcessPendingSignal = 62; // pending on the caller's process

// Every disposition back to SIG_DFL and every signal blocked (32 and 33 as
// above). Call first in the caller, before it builds its context.
void reset_caller_signals();

// Installs the witnesses' test signals and the handlers of 32 and 33
// (probes::log_arrived_signal), and fills in what the child is to compare
// with. Returns false with errno set on failure. Call once, after the context
// is built.
bool arm_caller_signals(probes::ChildExpectations& expect);

// What reached the caller since the last call (probes::take_arrived_signals()),
// the harness's own test signals left out; they are made pending again.
probes::ArrivedSignals take_arrived_signals();

}  // namespace clonediff::harness
