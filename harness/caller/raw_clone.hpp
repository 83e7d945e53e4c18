// Legacy clone(2) and clone3(2) through an x86-64 trampoline
// (raw_clone_x86_64.S): the child runs fn(arg) and leaves with SYS_exit.
// glibc's clone() takes an int and would drop the high bits of the flags word;
// these pass every argument to the kernel as given.
#pragma once

#include <cstdint>

extern "C" long clonediff_raw_clone(unsigned long flags, void* stack_top, int* parent_tid, int* child_tid,
                                    unsigned long tls, int (*fn)(void*) noexcept, void* arg) noexcept;
extern "C" long clonediff_raw_clone3(void* clone_args, unsigned long size, int (*fn)(void*) noexcept,
                                     void* arg) noexcept;

namespace clonediff::harness {

// include/uapi/linux/sched.h: struct clone_args, CLONE_ARGS_SIZE_VER2 (88 bytes).
struct CloneArgs {
  std::uint64_t flags;
  std::uint64_t pidfd;
  std::uint64_t child_tid;
  std::uint64_t parent_tid;
  std::uint64_t exit_signal;
  std::uint64_t stack;
  std::uint64_t stack_size;
  std::uint64_t tls;
  std::uint64_t set_tid;
  std::uint64_t set_tid_size;
  std::uint64_t cgroup;
};
static_assert(sizeof(CloneArgs) == 88);

}  // namespace clonediff::harness
