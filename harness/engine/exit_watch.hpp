// Waiting for a child process of ours to exit, with poll(2) beside other
// descriptors. Where the kernel has pidfd_open(2) (Linux 5.3) the descriptor
// is the child's pidfd and polls readable when it exits. Where it has not
// (gVisor), it is a timerfd that ticks every kTick, and exited() looks with
// waitid(WNOHANG | WNOWAIT) at each tick: slower to notice, never wrong.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <optional>

#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {

class ExitWatch {
 public:
  static constexpr std::chrono::milliseconds kTick{2};

  ExitWatch() = default;
  // Watches `pid`, a child of this process (or of its subreaper chain).
  // Invalid only if neither a pidfd nor a timerfd can be had.
  static ExitWatch of(pid_t pid);

  bool valid() const { return fd_.valid(); }
  // For poll(2), POLLIN.
  int fd() const { return fd_.get(); }
  // Whether it polled readable because the process exited, not for a tick;
  // consumes the tick. The process is not reaped.
  bool exited() const;
  // Its exit as waitid() reports it, without reaping it; nothing if it has not
  // exited.
  std::optional<siginfo_t> peek() const;
  // Reaps it (it must have exited: see exited()).
  void reap() const;
  // Waits up to `limit` for it to exit; true if it did (not reaped).
  bool wait_exit(std::chrono::milliseconds limit) const;
  void reset() { fd_.reset(); }

 private:
  ExitWatch(sys::UniqueFd fd, pid_t pid, bool ticks) : fd_(std::move(fd)), pid_(pid), ticks_(ticks) {}
  sys::UniqueFd fd_;
  pid_t pid_ = 0;
  bool ticks_ = false;  // fd_ is a timerfd, not a pidfd
};

}  // namespace clonediff::harness
