// What a freshly created child does, and the function it runs.
#pragma once

#include <cstdint>

#include "harness/caller/protocol.hpp"
#include "probes/behaviour.hpp"

namespace clonediff::harness {

// Built by the caller before the call; read by the child after it (its own
// copy, or the caller's under CLONE_VM). Never written by the child.
// What the caller set up for the child to look at (see caller_process.cpp).
struct ChildExpectations {
  const int* child_tid_slot = nullptr;  // raw entries: the child_tid argument; else nullptr
  std::uint64_t tls = 0;                // the tls argument (raw entries)
  bool tls_meaningful = false;
  std::uint64_t blocked_mask = 0;       // the caller's blocked set, as the kernel holds it
  const void* altstack = nullptr;       // the caller's alternate signal stack
  int caught_signal = 0;                // the caller has a handler for it
  int ignored_signal = 0;               // the caller ignores it
  int thread_pending_signal = 0;        // pending on the caller's thread (tgkill)
  int process_pending_signal = 0;       // pending on the caller's process (kill)
};

struct ChildPlan {
  probes::BehaviourPlan behaviour;
  ChildExpectations expect;
  int witness_fd = -1;  // the child's end of the host<->child socket
  std::uint32_t seq = 0;
  Fault fault = Fault::none;
};

// The child's whole life: act for the behavioural witnesses, report ready
// (with the kernel attaching its credentials), wait for the host's release,
// return. Runs after clone on the child's own stack: raw system calls only, no
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
