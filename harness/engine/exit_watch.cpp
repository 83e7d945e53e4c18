#include "harness/engine/exit_watch.hpp"

#include <poll.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>

#include "probes/sys/pidfd.hpp"

namespace clonediff::harness {

ExitWatch ExitWatch::of(pid_t pid) {
  sys::UniqueFd pidfd(sys::pidfd_open(pid));
  if (pidfd) return ExitWatch(std::move(pidfd), pid, false);
  sys::UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!timer) return ExitWatch();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(kTick).count();
  const timespec period{0, static_cast<long>(ns)};
  const itimerspec spec{period, period};
  ::timerfd_settime(timer.get(), 0, &spec, nullptr);
  return ExitWatch(std::move(timer), pid, true);
}

std::optional<siginfo_t> ExitWatch::peek() const {
  siginfo_t info{};
  const int rc = ticks_ ? ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT | __WALL)
                        : ::waitid(sys::kWaitOnPidfd, static_cast<id_t>(fd_.get()), &info,
                                   WEXITED | WNOHANG | WNOWAIT | __WALL);
  if (rc != 0 || info.si_pid == 0) return std::nullopt;
  return info;
}

bool ExitWatch::exited() const {
  if (!ticks_) return true;  // a pidfd polls readable only once the process has exited
  std::uint64_t ticks = 0;
  while (::read(fd_.get(), &ticks, sizeof ticks) > 0) {
  }
  return peek().has_value();
}

void ExitWatch::reap() const {
  siginfo_t info{};
  if (ticks_)
    ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | __WALL);
  else
    ::waitid(sys::kWaitOnPidfd, static_cast<id_t>(fd_.get()), &info, WEXITED | __WALL);
}

bool ExitWatch::wait_exit(std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left > 0 ? left : 0)) == 1 && exited()) return true;
    if (left <= 0) return peek().has_value();
  }
}

}  // namespace clonediff::harness
