// Who owns a lease (a chroot directory in /tmp, a pids cgroup, a cgroup for
// CLONE_INTO_CGROUP), and what a run does with the leases of runs that are
// gone. Every lease's name carries its owner as "<pid>-<start>": the pid of
// the process that made it and that process's start time (clock ticks after
// boot, /proc/<pid>/stat field 22), so that a reused pid is not taken for
// the owner:
//   /tmp/clonediff-chroot-<pid>-<start>-XXXXXX
//   <pids hierarchy>/clonediff-pids-<pid>-<start>-<n>
//   <cgroup v2 root>/clonediff-<pid>-<start>-<n>
// A process killed by SIGKILL cannot release its leases; the next run
// reclaims them (reclaim_dead_leases()).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace clonediff::harness {

// "<pid>-<start>" of a live process (0 as the start if /proc cannot say).
std::string lease_owner_tag(pid_t pid);

// Whether the owner a lease names is alive: that pid exists and started at
// that time. A name of the form before the start time (only "<pid>") counts
// as alive while any process holds that pid: never removed by mistake.
bool lease_owner_alive(pid_t pid, long long start, bool start_known);

// Removes every lease whose owner is gone: the processes left in its cgroup
// are killed first. A lease whose owner is alive (another run, a test suite)
// is not touched. Returns what was removed, by path (what could not be, too,
// with the reason), for a caller that wants to say so.
struct Reclaimed {
  std::vector<std::string> removed;
  std::vector<std::string> failed;  // "PATH: reason"
};
Reclaimed reclaim_dead_leases();

}  // namespace clonediff::harness
