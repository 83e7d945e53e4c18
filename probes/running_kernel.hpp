// The kernel this process runs on, as the model needs it.
#pragma once

#include "model/kernel.hpp"
#include "model/result.hpp"

namespace clonediff::probes {

// uname(2) release, and the knobs read from /proc/sys (Debian's
// unprivileged_userns_clone, pid_max).
Result<model::Kernel> running_kernel();

}  // namespace clonediff::probes
