// pidfds: a handle on a process that its pid's reuse cannot fool.
#pragma once

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace clonediff::sys {

// waitid(2) on a pidfd (Linux 5.4); glibc headers before 2.36 lack the name.
#ifdef P_PIDFD
inline constexpr idtype_t kWaitOnPidfd = P_PIDFD;
#else
inline constexpr idtype_t kWaitOnPidfd = static_cast<idtype_t>(3);
#endif

// pidfd_open(2)'s and fdinfo's flag for a pidfd that names one thread, not
// its thread group (Linux 6.9); glibc and kernel headers before it lack it.
inline constexpr unsigned kPidfdThread = O_EXCL;

// pidfd_open(2); -1 with errno on failure (EINVAL for a non-leader thread).
inline int pidfd_open(pid_t pid, unsigned flags = 0) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, flags));
}

}  // namespace clonediff::sys
