// The legacy clone(2) system call through an x86-64 trampoline (raw_clone_x86_64.S):
// the child runs fn(arg) on its own stack and leaves with SYS_exit. glibc's
// clone() takes an int and would drop the high bits of the flags word; this
// passes all 64 to the kernel.
#pragma once

extern "C" long clonediff_raw_clone(unsigned long flags, void* stack_top, int* parent_tid, int* child_tid,
                                    unsigned long tls, int (*fn)(void*) noexcept, void* arg) noexcept;
