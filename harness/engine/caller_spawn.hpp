// Creating the caller process the way its context's recipe asks (ContextRecipe::spawn).
#pragma once

#include <sys/types.h>

#include "harness/caller/context_recipe.hpp"
#include "harness/caller/caller_process.hpp"
#include "harness/engine/caller_unavailable.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

struct SpawnedCaller {
  pid_t group = 0;  // the process group's leader: the caller, or the first of a chain
  // The caller itself, as this process numbers it: known now for direct
  // children, and from the kernel-attached credentials of its Facts otherwise.
  pid_t caller_pid = 0;
};

// In the host. The caller keeps setup's two descriptors and closes every
// other it inherits (the host's ends of the sockets among them). Privilege:
// root (new_pidns unshares this process's pid_for_children for one fork and
// restores it). Never returns in the child. A machine that refuses the pid
// namespace a spawn kind needs (gVisor has no setns() into one) is
// unsatisfiable; a failed fork is the harness's failure.
CallerResult<SpawnedCaller> spawn_caller(const ContextRecipe& recipe, CallerSetup setup);

}  // namespace clonediff::harness
