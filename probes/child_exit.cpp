#include "probes/child_exit.hpp"

#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "probes/sys/raw_syscall.hpp"

namespace clonediff::probes {

bool child_gone(long child, bool is_thread, int child_pidfd) {
  if (is_thread) return sys::raw_syscall(SYS_tgkill, sys::raw_syscall(SYS_getpid), child, 0) == -ESRCH;
  if (child_pidfd >= 0) {
    pollfd p{child_pidfd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0)
    return info.si_pid != 0;
  return ::kill(static_cast<pid_t>(child), 0) != 0 && errno == ESRCH;
}

std::optional<bool> watch_cleartid(int* word, long child, bool is_thread, int child_pidfd) {
  for (;;) {
    const int seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    if (seen == 0) return std::nullopt;
    const timespec slice{0, 2'000'000};
    const long rc = ::syscall(SYS_futex, word, FUTEX_WAIT, seen, &slice, nullptr, 0);
    if (rc == 0 && __atomic_load_n(word, __ATOMIC_SEQ_CST) == 0) return true;
    if (rc == 0 || errno == EAGAIN || errno == EINTR) continue;  // another write (CHILD_SETTID's), or a handler
    if (errno != ETIMEDOUT) return std::nullopt;
    if (child_gone(child, is_thread, child_pidfd)) {
      if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0) return std::nullopt;
      return false;
    }
  }
}

}  // namespace clonediff::probes
