// Runs after clone: see the contract in child_plan.hpp. Compiled without the
// stack protector and sanitizers (caller/CMakeLists.txt).
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include "harness/caller/child_plan.hpp"
#include "probes/sys/check.hpp"
#include "probes/self_look.hpp"
#include "probes/sys/raw_syscall.hpp"

using clonediff::sys::raw_syscall;

namespace {

// The child's exit status when the host went away before releasing it: not
// 0, so that the caller sees it as a death before release.
constexpr int kHostGoneStatus = 4;

}  // namespace

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
  ready.traits = clonediff::probes::look_at_self(plan.expect);
  ready.acted = clonediff::probes::behaviour_act(plan.behaviour);
  ready.tid_local = static_cast<std::int32_t>(raw_syscall(SYS_gettid));
  ready.pid_local = static_cast<std::int32_t>(raw_syscall(SYS_getpid));
  const long sent = raw_syscall(SYS_write, plan.child_socket_fd, reinterpret_cast<long>(&ready), sizeof ready);
  CLONEDIFF_CHILD_CHECK(sent == sizeof ready, sent);

  for (;;) {
    ChildReleaseMsg release;
    long n = raw_syscall(SYS_read, plan.child_socket_fd, reinterpret_cast<long>(&release), sizeof release);
    if (n == -EINTR) continue;
    if (n <= 0) return kHostGoneStatus;  // the host is gone: leave anyway
    if (n == sizeof release && release.kind == MsgKind::child_release && release.seq == plan.seq) return 0;
  }
}
