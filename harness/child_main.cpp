// Runs after clone: see the contract in child_plan.hpp. Compiled without the
// stack protector and sanitizers (harness/CMakeLists.txt).
#include <signal.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include "harness/child_plan.hpp"
#include "probes/sys/raw_syscall.hpp"

using clonediff::sys::raw_syscall;

extern "C" int clonediff_child_main(void* arg) noexcept {
  using namespace clonediff::harness;
  const ChildPlan& plan = *static_cast<const ChildPlan*>(arg);

  if (plan.fault == Fault::child_crash) crash_now();
  if (plan.fault == Fault::child_hang)
    for (;;) raw_syscall(SYS_pause);
  if (plan.fault == Fault::child_forks) {
    // A chain without end, one process at a time: each waits while its child
    // forks again. Only the harness's kill of the process group ends it.
    for (;;) {
      const long pid = raw_syscall(SYS_fork);
      if (pid != 0)
        for (;;) raw_syscall(SYS_pause);
    }
  }

  ChildReadyMsg ready;
  ready.kind = MsgKind::child_ready;
  ready.seq = plan.seq;
  ready.acted = clonediff::probes::behaviour_act(plan.behaviour);
  ready.tid_local = static_cast<std::int32_t>(raw_syscall(SYS_gettid));
  ready.pid_local = static_cast<std::int32_t>(raw_syscall(SYS_getpid));
  if (raw_syscall(SYS_write, plan.witness_fd, reinterpret_cast<long>(&ready), sizeof ready) != sizeof ready)
    return 3;

  for (;;) {
    ChildReleaseMsg release;
    long n = raw_syscall(SYS_read, plan.witness_fd, reinterpret_cast<long>(&release), sizeof release);
    if (n == -EINTR) continue;
    if (n <= 0) return 4;  // the host is gone: leave anyway
    if (n == sizeof release && release.kind == MsgKind::child_release && release.seq == plan.seq) return 0;
  }
}
