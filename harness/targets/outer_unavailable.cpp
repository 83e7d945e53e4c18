// The static clonediff's stand-in for outer targets: it is the program they
// run, and carries neither Boost.Process nor the means to start them.
#include "harness/targets/target_run.hpp"

namespace clonediff::targets {

TargetRun run_outer_target(const TargetSpec& t, const GuestSelection&, const TargetEnvironment&) {
  TargetRun r;
  r.status = TargetRun::Status::not_started;
  r.reason = "the static clonediff runs no outer targets (" + t.spec + "): use the clonediff it was built beside";
  return r;
}

}  // namespace clonediff::targets
