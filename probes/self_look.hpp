// What a freshly created child sees of itself, before it changes anything:
// its tid where CLONE_CHILD_SETTID wrote it, its TLS, its parent-death
// signal, its alternate signal stack, its blocked and pending signals, the
// dispositions of a caught and an ignored signal, its umask, and a word of
// memory the caller set just before the call.
//
// Runs after clone, in the child, on its own stack: raw system calls only, no
// TLS, no libc, no allocation (self_look.cpp is compiled without the stack
// protector and sanitizers, like behaviour_child.cpp).
#pragma once

#include <cstdint>

#include "probes/trait_bits.hpp"

namespace clonediff::probes {

// What the caller set up for the child to compare with. Built by the caller
// before the call; read by the child after it (its own copy, or the caller's
// under CLONE_VM); never written by the child.
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
  int umask = -1;                       // the caller's umask; -1: not compared
  // A word of the caller's private memory and the value the caller stored
  // there just before the call; nullptr: not compared.
  const volatile std::uint64_t* memory_word = nullptr;
  std::uint64_t memory_value = 0;
};

TraitBits look_at_self(const ChildExpectations& e) noexcept;

}  // namespace clonediff::probes
