// Keeps the calling thread, and every task it creates while kept (they
// inherit its CPU mask), on one CPU: the one it was running on.
//
// A case is a chain of hand-overs (the run wakes its caller, the caller
// creates the child, the child wakes the run, ...) in which one task at a
// time has work. Spread over CPUs, each hand-over wakes another CPU: an
// interrupt to it, and on a virtual machine an exit from and entry into the
// hypervisor. On this kind of machine (2 vCPUs) the sweep's 12,288 cases took
// 2.9-5.3 s spread and 1.7-2.0 s on one CPU. Which CPU the tasks run on is
// nothing a case observes.
//
// One CPU must not become a trap when something else needs it: review()
// watches how long the thread waited for its CPU, and when that was more
// than a quarter of the time since the last look, lets the kernel place it
// afresh (it wakes on an idle CPU if there is one) and keeps it there.
//
// Ownership: a OneCpu belongs to the thread that made it; only that thread may
// call review() or destroy it. Destroying it puts the thread's own mask back;
// tasks created meanwhile keep the one CPU.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <chrono>
#include <optional>

#include "probes/sys/errors.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::sys {

class OneCpu {
 public:
  // Errors carry errno (sched_getaffinity, sched_getcpu, sched_setaffinity).
  static Result<OneCpu> keep_here();

  OneCpu(OneCpu&& o) noexcept;
  OneCpu& operator=(OneCpu&&) = delete;
  OneCpu(const OneCpu&) = delete;
  OneCpu& operator=(const OneCpu&) = delete;
  ~OneCpu();

  int cpu() const { return cpu_; }

  // At most every kLookEvery: the new CPU if the thread waited for its CPU
  // more than a quarter of the time since the last look and moved; else
  // nothing. Tasks created from here on follow; earlier ones need keep().
  std::optional<int> review();
  // Lets the kernel place the thread afresh and keeps it where it woke.
  // Returns the CPU (perhaps the same one).
  Result<int> replace();
  // The thread's time waiting for a CPU so far, if the kernel says
  // (/proc/thread-self/schedstat).
  std::optional<std::chrono::nanoseconds> waited() const;
  // Puts another task on this CPU (the thread's callers, after a move).
  Status keep(pid_t task) const;

  static constexpr std::chrono::milliseconds kLookEvery{10};

 private:
  OneCpu(cpu_set_t before, int cpu, UniqueFd schedstat);

  cpu_set_t before_;  // the thread's mask before; given back on destruction
  int cpu_ = -1;
  bool engaged_ = true;
  UniqueFd schedstat_;  // /proc/thread-self/schedstat, read again at each look
  std::chrono::steady_clock::time_point looked_;
  std::chrono::nanoseconds waited_at_look_{0};
};

}  // namespace clonediff::sys
