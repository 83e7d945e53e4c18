// Runs after clone: compiled without the stack protector and sanitizers (see
// probes/CMakeLists.txt). Raw system calls only.
#include <signal.h>
#include <sys/syscall.h>

#include "probes/behaviour.hpp"
#include "probes/sys/raw_syscall.hpp"

namespace clonediff::probes {
namespace {
constexpr long kIoprioWhoProcess = 1;
}  // namespace

unsigned behaviour_act(const BehaviourPlan& plan) noexcept {
  using sys::raw_syscall;
  unsigned acted = 0;

  *plan.vm_word = plan.vm_token;
  acted |= acted_bit(model::Resource::vm);

  if (raw_syscall(SYS_dup2, plan.files_source_fd, plan.files_slot) == plan.files_slot)
    acted |= acted_bit(model::Resource::files);

  raw_syscall(SYS_umask, static_cast<long>(plan.child_umask));
  acted |= acted_bit(model::Resource::fs);

  sys::KernelSigaction ignore;
  ignore.handler = SIG_IGN;
  ignore.flags = 0;
  ignore.restorer = nullptr;
  ignore.mask = 0;
  if (raw_syscall(SYS_rt_sigaction, plan.sighand_signal, reinterpret_cast<long>(&ignore), 0, 8) == 0)
    acted |= acted_bit(model::Resource::sighand);

  if (raw_syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, plan.child_ioprio) == 0)
    acted |= acted_bit(model::Resource::io);
  return acted;
}

}  // namespace clonediff::probes
