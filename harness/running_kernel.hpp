// The kernel this process runs on, as the model needs it.
#pragma once

#include "model/kernel.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

// uname(2) release, and vendor knobs read from /proc/sys.
Result<model::Kernel> running_kernel();

}  // namespace clonediff::harness
