// Runs after clone: see the contract in child_plan.hpp. Compiled without the
// stack protector and sanitizers (harness/CMakeLists.txt).
#include <signal.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include "harness/caller/child_plan.hpp"
#include "probes/sys/raw_syscall.hpp"

using clonediff::sys::raw_syscall;

namespace {

using clonediff::harness::ChildExpectations;
using clonediff::harness::TraitBits;
using clonediff::model::Trait;

constexpr long kArchGetFs = 0x1003;
constexpr long kPrGetPdeathsig = 2;
constexpr int kSsDisable = 2;

struct KernelStack {  // stack_t
  void* sp;
  int flags;
  unsigned long size;
};

bool in_set(std::uint64_t set, int sig) { return sig > 0 && (set >> (sig - 1)) & 1u; }

unsigned long disposition(int sig) {
  clonediff::sys::KernelSigaction old{};
  raw_syscall(SYS_rt_sigaction, sig, 0, reinterpret_cast<long>(&old), 8);
  return reinterpret_cast<unsigned long>(old.handler);
}

// What the child can see of itself, before it changes anything.
TraitBits look_at_self(const ChildExpectations& e) {
  TraitBits t;
  if (e.child_tid_slot) t.set(Trait::child_settid, *static_cast<const volatile int*>(e.child_tid_slot) ==
                                                      raw_syscall(SYS_gettid));
  if (e.tls_meaningful) {
    unsigned long fs = 0;
    if (raw_syscall(SYS_arch_prctl, kArchGetFs, reinterpret_cast<long>(&fs)) == 0) t.set(Trait::tls_set, fs == e.tls);
  }
  int pdeath = -1;
  if (raw_syscall(SYS_prctl, kPrGetPdeathsig, reinterpret_cast<long>(&pdeath)) == 0)
    t.set(Trait::pdeath_signal_reset, pdeath == 0);
  KernelStack ss{};
  // Disabled: reset. The caller's own: kept. Another stack: something that
  // ran in the child before this look put it there (a sanitizer runtime's
  // thread start, under pthread_create), and the kernel's doing cannot be told.
  if (raw_syscall(SYS_sigaltstack, 0, reinterpret_cast<long>(&ss)) == 0) {
    if (ss.flags & kSsDisable) t.set(Trait::sigaltstack_reset, true);
    else if (ss.sp == e.altstack) t.set(Trait::sigaltstack_reset, false);
  }
  std::uint64_t blocked = 0;
  if (raw_syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, reinterpret_cast<long>(&blocked), 8) == 0)
    t.set(Trait::blocked_mask_inherited, blocked == e.blocked_mask);
  std::uint64_t pending = 0;
  if (raw_syscall(SYS_rt_sigpending, reinterpret_cast<long>(&pending), 8) == 0) {
    t.set(Trait::pending_inherited, in_set(pending, e.thread_pending_signal));
    t.set(Trait::shared_pending_visible, in_set(pending, e.process_pending_signal));
  }
  t.set(Trait::caught_signal_reset, disposition(e.caught_signal) == reinterpret_cast<unsigned long>(SIG_DFL));
  t.set(Trait::ignored_signal_kept, disposition(e.ignored_signal) == reinterpret_cast<unsigned long>(SIG_IGN));
  return t;
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
  ready.traits = look_at_self(plan.expect);
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
