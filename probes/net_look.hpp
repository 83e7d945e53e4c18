// What a network namespace holds, looked at from inside it: a short-lived
// thread of the prober enters the namespace of a task (setns(2) moves only
// that thread) and lists its devices. Runs in the prober, never after clone.
#pragma once

#include <sys/types.h>

#include "model/outcome.hpp"

namespace clonediff::probes {

// Whether the network namespace of `pid` holds only the loopback device, and
// that device is down; unknown if the namespace cannot be entered or read
// (the prober needs CAP_SYS_ADMIN over it: root in the initial user
// namespace has it).
model::Fact loopback_only_down(pid_t pid);

}  // namespace clonediff::probes
