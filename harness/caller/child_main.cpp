// Runs after clone: see the contract in child_plan.hpp. Compiled without the
// stack protector and sanitizers (caller/CMakeLists.txt).
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include "harness/caller/child_plan.hpp"
#include "harness/caller/raw_clone.hpp"
#include "probes/pidfd_after.hpp"
#include "probes/sys/check.hpp"
#include "probes/self_look.hpp"
#include "probes/sys/raw_syscall.hpp"

using clonediff::sys::raw_syscall;

namespace {

// The child's exit status when the host went away before releasing it: not
// 0, so that the caller sees it as a death before release.
constexpr int kHostGoneStatus = 4;

// after=leader_exit's thread: its stack (one child at a time per caller uses
// it; under CLONE_VM it lies in the caller's memory, which nothing else there
// touches), how long it waits for the caller's signal at most, and how long
// it lingers after it, so that the caller's poll() is most likely waiting
// when the thread group empties.
alignas(16) char last_thread_stack[16 * 1024];
constexpr long kLastThreadWaitSeconds = 30;
constexpr long kLastThreadLingerNs = 20'000'000;
constexpr unsigned long kLastThreadMask = 1UL << (clonediff::probes::kLastThreadSignal - 1);

int last_thread_main(void*) noexcept {
  const long wait[2] = {kLastThreadWaitSeconds, 0};
  raw_syscall(SYS_rt_sigtimedwait, reinterpret_cast<long>(&kLastThreadMask), 0, reinterpret_cast<long>(wait),
              sizeof kLastThreadMask);
  const long linger[2] = {0, kLastThreadLingerNs};
  raw_syscall(SYS_nanosleep, reinterpret_cast<long>(linger), 0);
  return 0;  // the trampoline leaves with SYS_exit: the thread group is now empty
}

// Blocks the signal (the thread inherits the mask, so the signal stays queued
// for its sigtimedwait) and starts the thread; the leader then returns and
// leaves alone. Should the thread not start, the leader leaves all the same
// and the caller finds no thread outliving it.
void start_last_thread() noexcept {
  raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, reinterpret_cast<long>(&kLastThreadMask), 0, sizeof kLastThreadMask);
  constexpr unsigned long kThreadFlags =
      CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
  clonediff_raw_clone(kThreadFlags, last_thread_stack + sizeof last_thread_stack, nullptr, nullptr, 0,
                      &last_thread_main, nullptr);
}

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
    if (n == sizeof release && release.kind == MsgKind::child_release && release.seq == plan.seq) {
      if (plan.leader_exits_alone) start_last_thread();
      return 0;
    }
  }
}
