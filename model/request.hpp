// What a case asks for: the entry (which call the caller makes) and its
// arguments as the caller passes them; and what the kernel receives from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::model {

enum class Entry { fork, vfork, clone, clone3, pthread_create, posix_spawn, system };

std::string_view entry_name(Entry e);
Result<Entry> parse_entry(std::string_view name);

inline constexpr std::uint64_t kSigchld = 17;

struct Request {
  Entry entry = Entry::clone;
  // CLONE_* bits as the caller passes them. For legacy clone the low byte is
  // not part of this field: it is the exit signal, below. fork/vfork take none.
  std::uint64_t flags = 0;
  // Legacy clone: the low byte of its flags word (0..255, not validated by the
  // kernel). fork and vfork: SIGCHLD, implied by the call.
  std::uint64_t exit_signal = kSigchld;

  bool operator==(const Request&) const = default;
};

// Checks that the request can be made as written (a legacy clone cannot carry
// an exit signal above 255, fork takes no flags, ...).
Status validate(const Request& r);

// The system call that reaches kernel_clone() and the arguments it sees.
enum class Syscall { fork, vfork, clone, clone3 };
std::string_view syscall_name(Syscall s);

struct KernelCall {
  Syscall syscall = Syscall::clone;
  std::uint64_t flags = 0;        // args->flags as kernel_clone() sees them
  std::uint64_t exit_signal = 0;  // args->exit_signal
  std::uint64_t dropped = 0;      // bits the syscall layer discarded (legacy clone: 32..63)
  // Legacy clone passes one pointer as both args->pidfd and args->parent_tid.
  bool pidfd_aliases_parent_tid = false;
  std::string route;              // how the entry got here, for explanations
};

// How the entry reaches the kernel. fork() and vfork() are the C library's:
// the route is the one glibc 2.36 on x86-64 takes.
Result<KernelCall> kernel_call(const Request& r);

}  // namespace clonediff::model
