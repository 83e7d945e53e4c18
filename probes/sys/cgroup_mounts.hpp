// The cgroup hierarchies a process sees mounted, from /proc/self/mountinfo:
// one reader for the scratch cgroups, the pids_max lease and the caller's facts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clonediff::sys {

struct CgroupMount {
  std::string fstype;   // "cgroup2", or "cgroup" for a v1 hierarchy
  std::string root;     // the hierarchy's directory mounted there ("/" for all of it)
  std::string point;    // where it is mounted
  std::string options;  // super options: a v1 hierarchy's controllers are among them

  bool v1_with(std::string_view controller) const;
};

// The cgroup and cgroup2 lines of a mountinfo text, in its order.
std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo);
// This process's: /proc/self/mountinfo, parsed; empty if unreadable.
std::vector<CgroupMount> cgroup_mounts();

}  // namespace clonediff::sys
