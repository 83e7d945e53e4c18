// A timer slack of a microsecond for the calling thread, and for every task
// it creates from here on (they inherit it): prctl(PR_SET_TIMERSLACK).
//
// The host waits for its callers in short timed sleeps (a held child's
// caller is looked at every 50 us: engine/case_host.cpp), and the kernel may
// end each such sleep up to the thread's slack late, 50 us by default: a
// vfork-like case waited for several of them. Only when a timed sleep ends
// changes; nothing a case observes reads the slack.
#pragma once

#include <chrono>

#include "probes/sys/errors.hpp"

namespace clonediff::sys {

inline constexpr std::chrono::nanoseconds kPreciseTimerSlack{1000};

// Status carries errno when prctl() refuses.
Status request_precise_timers(std::chrono::nanoseconds slack = kPreciseTimerSlack);

}  // namespace clonediff::sys
