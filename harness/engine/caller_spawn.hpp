// Creating the caller process the way its context asks (ContextSpec::spawn).
#pragma once

#include <sys/types.h>

#include "harness/caller/caller_context.hpp"
#include "harness/caller/caller_process.hpp"
#include "harness/engine/caller_unavailable.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

struct SpawnedCaller {
  pid_t group = 0;  // the process group's leader: the caller, or the first of a chain
  // The caller itself, as this process numbers it: known now for direct
  // children, and from the kernel-attached credentials of its Facts otherwise.
  pid_t caller = 0;
};

// In the host. `close_in_child` are the host's ends of the sockets. Privilege:
// root (new_pidns unshares this process's pid_for_children for one fork and
// restores it). Never returns in the child. A machine that refuses the pid
// namespace a spawn kind needs (gVisor has no setns() into one) is
// unsatisfiable; a failed fork is the harness's failure.
CallerResult<SpawnedCaller> spawn_caller(const ContextSpec& spec, CallerSetup setup, int close_in_child_a,
                                   int close_in_child_b);

}  // namespace clonediff::harness
