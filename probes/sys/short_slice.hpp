// A short time slice for the calling thread, and for every task it creates
// from here on (they inherit it), where the kernel takes one: EEVDF's custom
// slice, Linux 6.12 and later (sched_attr.sched_runtime of a SCHED_OTHER
// task, clamped to 0.1 .. 100 ms; kernel/sched/syscalls.c,
// __setscheduler_params()). Older kernels ignore the value.
//
// A case is a chain of hand-overs: the run wakes its caller, the caller
// creates the child, the child wakes the run, and so on, each then sleeping.
// Beside CPU-bound work a woken task with the default slice (3 ms) waits
// behind it; with a short one it is picked sooner. Its share of the CPU stays
// what fair scheduling gives it: only when it runs changes. A thread under
// another policy (SCHED_BATCH, SCHED_IDLE, a real-time one) is left as its
// user set it, and its nice value is kept.
#pragma once

#include <chrono>

#include "probes/sys/errors.hpp"

namespace clonediff::sys {

inline constexpr std::chrono::microseconds kShortSlice{100};  // the least the kernel takes

// Status carries errno when sched_getattr() or sched_setattr() refuses.
Status request_short_slice(std::chrono::microseconds slice = kShortSlice);

}  // namespace clonediff::sys
