// Runs after clone: see the contract in self_look.hpp. Compiled without the
// stack protector and sanitizers (probes/CMakeLists.txt).
#include "probes/self_look.hpp"

#include <signal.h>
#include <sys/syscall.h>

#include "probes/sys/raw_syscall.hpp"

namespace clonediff::probes {
namespace {

using model::Trait;
using sys::raw_syscall;

constexpr long kArchGetFs = 0x1003;
constexpr long kPrGetPdeathsig = 2;
constexpr int kSsDisable = 2;

struct KernelStack {  // stack_t
  void* sp;
  int flags;
  unsigned long size;
};

bool in_set(std::uint64_t set, int sig) noexcept { return sig > 0 && (set >> (sig - 1)) & 1u; }

unsigned long disposition(int sig) noexcept {
  sys::KernelSigaction old{};
  raw_syscall(SYS_rt_sigaction, sig, 0, reinterpret_cast<long>(&old), 8);
  return reinterpret_cast<unsigned long>(old.handler);
}

}  // namespace

TraitBits look_at_self(const ChildExpectations& e) noexcept {
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
  // umask(2) only sets: set the caller's, and put back what was there if it
  // differed (under CLONE_FS the caller's own then changes for a moment).
  if (e.umask >= 0) {
    const long before = raw_syscall(SYS_umask, e.umask);
    if (before != e.umask) raw_syscall(SYS_umask, before);
    t.set(Trait::umask_copied, before == e.umask);
  }
  if (e.memory_word) t.set(Trait::memory_copied, *e.memory_word == e.memory_value);
  t.set(Trait::caught_signal_reset, disposition(e.caught_signal) == reinterpret_cast<unsigned long>(SIG_DFL));
  t.set(Trait::ignored_signal_kept, disposition(e.ignored_signal) == reinterpret_cast<unsigned long>(SIG_IGN));
  return t;
}

}  // namespace clonediff::probes
