#include "harness/targets/target_run.hpp"

namespace clonediff::targets {

TargetRun run_outer_target(const TargetSpec& t, const GuestSelection& s, const TargetEnvironment& env) {
  if (t.kind == TargetKind::kernel) return run_kernel_target(t, s, env);
  return run_emulator_target(t, s, env);
}

}  // namespace clonediff::targets
