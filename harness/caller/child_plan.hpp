// What a freshly created child does, and the function it runs.
#pragma once

#include <cstdint>

#include "harness/caller/protocol.hpp"
#include "probes/behaviour.hpp"
#include "probes/self_look.hpp"

namespace clonediff::harness {

// Built by the caller before the call; read by the child after it (its own
// copy, or the caller's under CLONE_VM). Never written by the child.
struct ChildPlan {
  probes::BehaviourPlan behaviour;
  probes::ChildExpectations expect;  // what the child compares its self-look with
  int child_socket_fd = -1;  // the child's end of the host<->child socket
  std::uint32_t seq = 0;
  Fault fault = Fault::none;
  // after=leader_exit: once released, start a thread that outlives the
  // leader (see clonediff_child_main).
  bool leader_exits_alone = false;
};

// The child's whole life: look at itself (probes/self_look.hpp), act for the
// behavioural witnesses, report ready
// (with the kernel attaching its credentials), wait for the host's release,
// return. With leader_exits_alone it starts a thread first, which waits for
// probes::kLastThreadSignal (at most kLastThreadWait) and then leaves too. Runs after clone on the child's own stack: raw system calls only, no
// TLS, no libc, no allocation (compiled without the stack protector). Returns
// the exit status for the thread.
extern "C" int clonediff_child_main(void* plan) noexcept;

// For injected faults: a real invalid access, so the kernel forces SIGSEGV
// through any blocked mask. Safe after clone (no TLS, no libc).
[[noreturn]] inline void crash_now() noexcept {
  volatile std::uintptr_t unmapped = 8;
  for (;;) *reinterpret_cast<volatile int*>(unmapped) = 0;
}

}  // namespace clonediff::harness
