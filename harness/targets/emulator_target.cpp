// gVisor and qemu-user: the static clonediff under runsc or qemu-x86_64, on
// this machine, its records on standard output.
#include <unistd.h>

#include "harness/targets/outer_process.hpp"
#include "harness/targets/target_run.hpp"

namespace clonediff::targets {

TargetRun run_emulator_target(const TargetSpec& t, const GuestSelection& s, const TargetEnvironment& env) {
  TargetRun run;
  const bool gvisor = t.kind == TargetKind::gvisor;
  const char* program = gvisor ? "runsc" : "qemu-x86_64";
  auto path = find_program(program);
  if (!path) {
    run.reason = std::string(program) + " is not installed (Debian package " + (gvisor ? "runsc" : "qemu-user") + ")";
    return run;
  }
  if (gvisor && ::geteuid() != 0) {
    run.reason = "runsc do needs root";
    return run;
  }
  if (::access(env.static_binary.c_str(), X_OK) != 0) {
    run.reason = "no static clonediff at '" + env.static_binary + "' (the build's clonediff-static)";
    return run;
  }
  OuterCommand cmd;
  cmd.program = *path;
  if (gvisor) cmd.args = {"--network=none", "do"};
  cmd.args.push_back(env.static_binary);
  for (std::string& a : guest_run_args(s, "-", s.case_files)) cmd.args.push_back(std::move(a));
  cmd.workdir = env.workdir;
  cmd.timeout = env.timeout;
  cmd.stop_requested = env.stop_requested;
  auto ran = run_outer(cmd);
  if (!ran) {
    run.reason = ran.error().message;
    return run;
  }
  run.elapsed = ran->elapsed;
  run.log = ran->err;
  run.implementation = version_line(*path, env.workdir);
  take_output(s, ran->out, run);
  run.status = TargetRun::Status::failed;
  if (ran->end == OuterRun::End::stopped) {
    run.stopped = true;
    run.reason = "clonediff was asked to stop while " + std::string(program) + " ran: it was killed";
  } else if (ran->end == OuterRun::End::timed_out)
    run.reason = std::string(program) + " did not finish within " + std::to_string(env.timeout.count()) + " s";
  else if (ran->exit_code != 0 && ran->exit_code != 1)
    run.reason = std::string(program) + " exited with status " + std::to_string(ran->exit_code);
  else
    run.status = TargetRun::Status::ran;
  fail_on_broken_results(run);
  if (run.status == TargetRun::Status::failed) {
    const std::string tail = log_tail(run.log);
    run.reason += tail.empty() ? "; it wrote nothing on standard error" : "; its last lines on standard error:\n" + tail;
  }
  return run;
}

}  // namespace clonediff::targets
