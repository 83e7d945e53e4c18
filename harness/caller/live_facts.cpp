#include "harness/caller/live_facts.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "model/context_changes.hpp"
#include "probes/sys/cgroup_mounts.hpp"
#include "probes/sys/cleanup.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {
namespace {

constexpr ino_t kInitialUserNsInode = 0xEFFFFFFDU;  // PROC_USER_INIT_INO

bool has_cap(const __user_cap_data_struct (&data)[2], int cap) {
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

std::optional<ino_t> ns_inode(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  return st.st_ino;
}

std::optional<ino_t> own_ns_inode(const char* name) {
  struct stat st {};
  std::string path = std::string("/proc/self/ns/") + name;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st.st_ino;
}

long long userns_depth() {
  long long depth = 0;
  sys::UniqueFd fd(::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC));
  while (fd) {
    int parent = ::ioctl(fd.get(), NS_GET_PARENT);
    if (parent < 0) break;  // EPERM: the initial namespace (or one we cannot see past)
    fd.reset(parent);
    ++depth;
  }
  return depth;
}

// Whether the caller's user namespace is, or is an ancestor of, the one that
// owns its pid namespace: the one capabilities can reach (ns_capable()). An
// owner the caller cannot even look at (NS_GET_USERNS: EPERM) lies above it.
bool owns_its_pidns() {
  const auto own = own_ns_inode("user");
  sys::UniqueFd pidns(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!own || !pidns) return false;
  sys::UniqueFd cur(::ioctl(pidns.get(), NS_GET_USERNS));
  while (cur) {
    if (ns_inode(cur.get()) == own) return true;
    cur.reset(::ioctl(cur.get(), NS_GET_PARENT));
  }
  return false;
}

bool has_uid_map() {
  std::ifstream map("/proc/self/uid_map");
  std::string line;
  return !map || static_cast<bool>(std::getline(map, line));
}

// Tasks (threads) of this real uid on the machine, as /proc shows them.
long long tasks_of_uid(uid_t uid) {
  long long n = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  const sys::Cleanup close_proc([proc] { ::closedir(proc); });
  char buf[4096];
  while (dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    sys::UniqueFd dir(::openat(::dirfd(proc), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) continue;
    auto status = sys::read_small_file(dir.get(), "status", buf, sizeof buf);
    if (!status) continue;
    auto uid_line = sys::status_numbers(*status, "Uid");
    if (!uid_line.empty() && uid_line[0] == static_cast<long long>(uid))
      n += sys::status_field(*status, "Threads").value_or(1);
  }
  return n;
}

// Whether the caller's pids cgroup (v2, or the v1 pids hierarchy) is at
// pids.max; on_cgroup2 says which hierarchy holds the limit.
bool pids_at_max(bool& on_cgroup2) {
  std::ifstream cgroups("/proc/self/cgroup");
  std::string v1_mount, v2_mount;
  for (const sys::CgroupMount& m : sys::cgroup_mounts()) {
    if (m.fstype == "cgroup2") v2_mount = m.point;
    if (m.v1_with("pids")) v1_mount = m.point;
  }
  for (std::string line; std::getline(cgroups, line);) {
    // "<id>:<controllers>:<path>"
    const auto a = line.find(':'), b = line.find(':', a + 1);
    const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
    std::string dir;
    if (("," + controllers + ",").find(",pids,") != std::string::npos && !v1_mount.empty()) dir = v1_mount + path;
    else if (controllers.empty() && !v2_mount.empty()) dir = v2_mount + path;
    if (dir.empty()) continue;
    std::ifstream max_file(dir + "/pids.max"), current_file(dir + "/pids.current");
    std::string max;
    long long current = 0;
    if (!(max_file >> max) || !(current_file >> current) || max == "max") continue;
    if (current >= std::stoll(max)) {
      on_cgroup2 = controllers.empty();
      return true;
    }
  }
  return false;
}

// Whether /proc/self/ns shows this task's namespaces as the same inodes on
// every look: the premise of every fact drawn from them.
bool ns_identity_seen() {
  for (const char* name : {"user", "pid", "pid_for_children"}) {
    const auto first = own_ns_inode(name), second = own_ns_inode(name);
    if (!first || !second || *first != *second) return false;
  }
  return true;
}

}  // namespace

model::Caller read_live_facts(std::string_view context) {
  model::Caller f;
  f.preset = std::string(context);
  f.uid = ::getuid();
  // Where the namespace links tell nothing, the context as it was built.
  const auto preset = model::caller_preset(context);
  const model::Caller* as_built = !ns_identity_seen() && preset ? &*preset : nullptr;
  const auto user = own_ns_inode("user");
  f.in_initial_userns = as_built ? as_built->in_initial_userns : user && *user == kInitialUserNsInode;

  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  const bool capget_ok = ::syscall(SYS_capget, &hdr, data) == 0;  // none seen: none held
  f.cap_sys_admin = capget_ok && has_cap(data, CAP_SYS_ADMIN);
  f.cap_sys_admin_init = f.cap_sys_admin && f.in_initial_userns;
  f.cap_sys_resource = capget_ok && has_cap(data, CAP_SYS_RESOURCE) && f.in_initial_userns;
  f.cap_checkpoint_restore = capget_ok && has_cap(data, model::kCapCheckpointRestore);
  f.userns_owns_pidns = as_built ? as_built->userns_owns_pidns : owns_its_pidns();
  // A user namespace nobody wrote a map for shows an empty uid_map (the
  // initial one maps everything).
  f.userns_unmapped = as_built ? as_built->userns_unmapped : !has_uid_map();
  f.pidns_init = ::getpid() == 1;
  if (as_built) {
    f.pid_for_children_differs = as_built->pid_for_children_differs;
    f.time_for_children_differs = as_built->time_for_children_differs;
  } else {
    f.pid_for_children_differs = own_ns_inode("pid") != own_ns_inode("pid_for_children");
    f.time_for_children_differs = own_ns_inode("time") != own_ns_inode("time_for_children");
  }
  f.userns_level = userns_depth();  // the host reads it again from outside (see case_host.cpp)

  rlimit nproc{};
  ::getrlimit(RLIMIT_NPROC, &nproc);
  f.nproc_at_limit = nproc.rlim_cur != RLIM_INFINITY &&
                     tasks_of_uid(::getuid()) >= static_cast<long long>(nproc.rlim_cur);
  bool on_cgroup2 = false;
  f.pids_at_max = pids_at_max(on_cgroup2);
  // Which hierarchy holds a limit only means something at the limit; otherwise
  // the model's default stands, and records do not list it as a difference.
  f.pids_max_on_cgroup2 = f.pids_at_max ? on_cgroup2 : model::Caller{}.pids_max_on_cgroup2;
  if (std::FILE* q = std::fopen("/proc/sys/user/max_user_namespaces", "r")) {
    long long max = -1;
    if (std::fscanf(q, "%lld", &max) == 1) f.userns_quota_reached = max == 0;
    std::fclose(q);
  }

  // Unread, these say none: level 0, and exit signal 0.
  f.pidns_level = 0;
  f.leader_exit_signal = 0;
  char buf[4096];
  // /proc/self, not /proc/<getpid()>: in a pid namespace of its own the caller's
  // getpid() names another task in the host's /proc.
  sys::UniqueFd self(::open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (self) {
    if (auto status = sys::read_small_file(self.get(), "status", buf, sizeof buf)) {
      // NSpid lists one pid per pid-namespace level, outermost first.
      const auto nspid = sys::status_numbers(*status, "NSpid");
      f.pidns_level = nspid.empty() ? 0 : static_cast<long long>(nspid.size()) - 1;
    }
    if (auto stat = sys::read_small_file(self.get(), "stat", buf, sizeof buf))
      f.leader_exit_signal = sys::stat_field(*stat, 38).value_or(-1);
  }
  return f;
}

}  // namespace clonediff::harness
