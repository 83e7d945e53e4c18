// Raw x86-64 system calls that touch neither errno nor TLS nor the stack
// protector: the only way to make a system call from code that runs after a
// raw clone (CLONE_VM children share the caller's TLS; CLONE_SETTLS children
// may have none). Every function here is async-signal-safe.
// Return value: the kernel's, i.e. -errno on failure.
#pragma once

#include <sys/syscall.h>

namespace clonediff::sys {

inline long raw_syscall(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) noexcept {
  long ret;
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  register long r9 asm("r9") = f;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return ret;
}

// The kernel's struct sigaction for rt_sigaction(2) on x86-64 (not glibc's).
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  unsigned long mask;
};

// Ends the calling thread only (SYS_exit, not exit_group): a CLONE_THREAD
// child must not take the caller's thread group with it.
[[noreturn]] inline void raw_exit_thread(int status) noexcept {
  for (;;) raw_syscall(SYS_exit, status);
}

}  // namespace clonediff::sys
