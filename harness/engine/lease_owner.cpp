#include "harness/engine/lease_owner.hpp"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string_view>

#include "harness/engine/cgroup_scratch.hpp"
#include "harness/engine/context_lease.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::harness {
namespace {

std::optional<long long> start_time_of(pid_t pid) {
  char buf[1024];
  auto stat = sys::read_proc_file(pid, "stat", buf, sizeof buf);
  if (!stat) return std::nullopt;
  return sys::stat_field(*stat, 22);
}

std::optional<long long> number(std::string_view s) {
  long long v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// The owner a lease's name gives after its prefix: "<pid>-<start>-<rest>"
// (today's names) or "<pid>-<rest>" (before the start time was in them).
struct Owner {
  pid_t pid = 0;
  long long start = 0;
  bool start_known = false;
};
std::optional<Owner> owner_of(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const std::size_t dash = name.find('-', at);
    parts.push_back(name.substr(at, dash == std::string_view::npos ? std::string_view::npos : dash - at));
    if (dash == std::string_view::npos) break;
    at = dash + 1;
  }
  const auto pid = parts.size() >= 2 ? number(parts[0]) : std::nullopt;
  if (!pid || *pid <= 0 || *pid > 0x3fffffff) return std::nullopt;
  Owner o;
  o.pid = static_cast<pid_t>(*pid);
  if (parts.size() == 3) {
    const auto start = number(parts[1]);
    if (!start) return std::nullopt;
    o.start = *start;
    o.start_known = true;
  } else if (parts.size() != 2) {
    return std::nullopt;
  }
  return o;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d))
    if (e->d_type == DT_DIR) out.emplace_back(e->d_name);
  ::closedir(d);
  return out;
}

// A cgroup of a dead run: what is still in it was its (a caller, a child)
// and is killed; then the directory goes.
bool empty_and_remove_cgroup(const std::string& path, std::string& why) {
  for (int round = 0; round < 200; ++round) {
    const std::string procs = sys::read_text_or_empty(path + "/cgroup.procs");
    if (procs.find_first_not_of(" \n") == std::string::npos) break;
    for (std::size_t at = 0; at < procs.size();) {
      const std::size_t nl = procs.find('\n', at);
      if (auto pid = number(std::string_view(procs).substr(at, nl == std::string::npos ? std::string::npos : nl - at)))
        ::kill(static_cast<pid_t>(*pid), SIGKILL);
      if (nl == std::string::npos) break;
      at = nl + 1;
    }
    ::usleep(5000);
  }
  sys::remove_dir_when_free(path);
  if (::access(path.c_str(), F_OK) != 0) return true;
  why = std::strerror(EBUSY);
  return false;
}

void reclaim_in(const std::string& dir, std::string_view prefix, bool is_cgroup, Reclaimed& out) {
  if (dir.empty()) return;
  for (const std::string& name : entries(dir)) {
    const auto owner = owner_of(name, prefix);
    if (!owner || lease_owner_alive(owner->pid, owner->start, owner->start_known)) continue;
    const std::string path = dir + "/" + name;
    std::string why;
    bool gone = false;
    if (is_cgroup) {
      gone = empty_and_remove_cgroup(path, why);
    } else {
      gone = ::rmdir(path.c_str()) == 0 || errno == ENOENT;
      if (!gone) why = std::strerror(errno);
    }
    if (gone) out.removed.push_back(path);
    else out.failed.push_back(path + ": " + why);
  }
}

}  // namespace

std::string lease_owner_tag(pid_t pid) {
  return std::to_string(pid) + "-" + std::to_string(start_time_of(pid).value_or(0));
}

bool lease_owner_alive(pid_t pid, long long start, bool start_known) {
  const auto now = start_time_of(pid);
  if (!now) return ::kill(pid, 0) == 0 || errno == EPERM;  // no /proc entry: alive only if signalable
  return !start_known || *now == start;
}

Reclaimed reclaim_dead_leases() {
  Reclaimed out;
  reclaim_in("/tmp", "clonediff-chroot-", false, out);
  if (auto pids = pids_cgroup_parent()) reclaim_in(*pids, "clonediff-pids-", true, out);
  // The cgroup v2 root also holds the pids cgroups where v2 has the pids
  // controller: "clonediff-pids-..." has no pid after "clonediff-", so it is
  // not taken for a CLONE_INTO_CGROUP one.
  if (auto v2 = CgroupScratch::cgroup2_root()) reclaim_in(*v2, "clonediff-", true, out);
  return out;
}

}  // namespace clonediff::harness
