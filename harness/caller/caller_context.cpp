#include "harness/caller/caller_context.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "probes/sys/cgroup_mounts.hpp"
#include "model/caller.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {
namespace {

constexpr ino_t kInitialUserNsInode = 0xEFFFFFFDU;  // PROC_USER_INIT_INO
constexpr unsigned kOverflowId = 65534;
constexpr unsigned kNprocUid = 4194303;  // model/caller.cpp's nproc_limit uid
constexpr int kCapCheckpointRestore = 40;

constexpr std::array kContexts = {
    ContextSpec{"root", SpawnKind::fork, false, false, "uid 0, all capabilities, the initial namespaces"},
    ContextSpec{"unpriv", SpawnKind::fork, false, false, "uid/gid 65534, no capabilities, the initial user namespace"},
    ContextSpec{"userns_root", SpawnKind::fork, false, false, "uid 0 in a user namespace of its own"},
    ContextSpec{"pidns_init", SpawnKind::new_pidns, false, false, "root as pid 1 of a fresh pid namespace"},
    ContextSpec{"pidns_unshared", SpawnKind::fork, false, false,
                "root after unshare(CLONE_NEWPID): its children start a new pid namespace"},
    ContextSpec{"timens_unshared", SpawnKind::fork, false, false,
                "root after unshare(CLONE_NEWTIME): its children enter a new time namespace"},
    ContextSpec{"chroot", SpawnKind::fork, true, false, "root, chrooted into an empty directory"},
    ContextSpec{"nproc_limit", SpawnKind::fork, false, false, "uid 4194303, no capabilities, at RLIMIT_NPROC 1"},
    ContextSpec{"nproc_limit_root", SpawnKind::fork, false, false, "root at RLIMIT_NPROC 1 (root is exempt)"},
    ContextSpec{"nproc_limit_cap_sys_resource", SpawnKind::fork, false, false,
                "uid 4194303 keeping CAP_SYS_RESOURCE, at RLIMIT_NPROC 1"},
    ContextSpec{"nproc_limit_cap_sys_admin", SpawnKind::fork, false, false,
                "uid 4194303 keeping CAP_SYS_ADMIN, at RLIMIT_NPROC 1"},
    ContextSpec{"pids_max", SpawnKind::fork, false, true, "root in a cgroup at pids.max 1"},
    ContextSpec{"userns_depth", SpawnKind::fork, false, false, "root in user namespaces nested as deep as they go"},
    ContextSpec{"pidns_depth", SpawnKind::nested_pidns, false, false,
                "root as pid 1 of pid namespaces nested as deep as they go"},
    ContextSpec{"userns_quota", SpawnKind::fork, false, false,
                "uid 0 in a user namespace whose max_user_namespaces is 0"},
    ContextSpec{"seccomp", SpawnKind::fork, false, false, "root with two allow-all seccomp filters"},
    ContextSpec{"leader_exit_signal", SpawnKind::exit_signal_0, false, false,
                "root whose thread-group leader has exit signal 0"},
    ContextSpec{"checkpoint_restore", SpawnKind::fork, false, false, "uid/gid 65534 keeping CAP_CHECKPOINT_RESTORE"},
};

std::string errtext(const std::string& what) { return what + ": " + std::strerror(errno); }

Status write_file(const std::string& path, const std::string& text) {
  sys::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return make_error(errtext("open " + path));
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return make_error(errtext("write " + path));
  return ok_status();
}

// A user namespace of its own, with uid and gid 0 mapped to the caller's own
// (the one mapping an unprivileged writer may make).
Status enter_own_userns() {
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER) != 0) return make_error(errtext("unshare(CLONE_NEWUSER)"));
  if (auto st = write_file("/proc/self/setgroups", "deny"); !st) return st;
  if (auto st = write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"); !st) return st;
  if (auto st = write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"); !st) return st;
  return ok_status();
}

// Drops to uid/gid `id`, keeping only the capabilities in `keep` (bit numbers).
Status become(unsigned id, std::initializer_list<int> keep) {
  __user_cap_header_struct now_hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct now[2] = {};
  ::syscall(SYS_capget, &now_hdr, now);
  for (int cap : keep)
    if (!(now[cap / 32].permitted & (1u << (cap % 32))))
      return make_error("clonediff holds no capability " + std::to_string(cap) +
                        " to keep here (it is not in this machine's bounding set)");
  if (keep.size() && ::prctl(PR_SET_KEEPCAPS, 1) != 0) return make_error(errtext("PR_SET_KEEPCAPS"));
  if (::setgroups(0, nullptr) != 0) return make_error(errtext("setgroups"));
  if (::setresgid(id, id, id) != 0) return make_error(errtext("setresgid"));
  if (::setresuid(id, id, id) != 0) return make_error(errtext("setresuid"));
  // Privilege: uid/gid `id`; with keep-caps the permitted set survived.
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int cap : keep) {
    data[cap / 32].effective |= 1u << (cap % 32);
    data[cap / 32].permitted |= 1u << (cap % 32);
  }
  if (::syscall(SYS_capset, &hdr, data) != 0) return make_error(errtext("capset"));
  ::prctl(PR_SET_KEEPCAPS, 0);
  // Stay ptrace-readable for the prober (a uid change clears dumpable).
  ::prctl(PR_SET_DUMPABLE, 1);
  return ok_status();
}

Status limit_nproc_to_one() {
  const rlimit one{1, 1};
  if (::setrlimit(RLIMIT_NPROC, &one) != 0) return make_error(errtext("setrlimit(RLIMIT_NPROC)"));
  return ok_status();
}

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

// Tasks (threads) of this real uid on the machine, as /proc shows them.
long long tasks_of_uid(uid_t uid) {
  long long n = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
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
  ::closedir(proc);
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

// Two filters that allow everything: the seccomp context's.
Status install_allow_all_filters() {
  for (int i = 0; i < 2; ++i) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return make_error("seccomp_init failed");
    // A rule that changes nothing keeps libseccomp from refusing an empty filter.
    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getpid), 0);
    const int rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0) return make_error(std::string("seccomp_load: ") + std::strerror(-rc));
  }
  return ok_status();
}

}  // namespace

std::span<const ContextSpec> context_specs() { return kContexts; }

const ContextSpec* find_context(std::string_view name) {
  for (const ContextSpec& c : kContexts)
    if (c.name == name) return &c;
  return nullptr;
}


Status enter_context(std::string_view name, const ContextResources& res) {
  if (::geteuid() != 0) return make_error("contexts are built from root; clonediff runs as uid " + std::to_string(::geteuid()));
  if (name == "root" || name == "pidns_init" || name == "pidns_depth" || name == "leader_exit_signal" ||
      name == "chroot" || name == "seccomp")
    return ok_status();  // built by the spawn kind, or last (finish_context)
  if (name == "unpriv") return become(kOverflowId, {});
  if (name == "checkpoint_restore") return become(kOverflowId, {kCapCheckpointRestore});
  if (name == "userns_root") return enter_own_userns();
  if (name == "userns_quota") {
    if (auto st = enter_own_userns(); !st) return st;
    // Per user namespace: the host's own limit is untouched.
    return write_file("/proc/sys/user/max_user_namespaces", "0");
  }
  if (name == "userns_depth") {
    // Deeper until the kernel says no: create_user_ns() refuses below level 33.
    for (int level = 1; level <= 64; ++level) {
      if (::unshare(CLONE_NEWUSER) != 0) {
        if (errno == ENOSPC || errno == EUSERS) return ok_status();
        return make_error(errtext("unshare(CLONE_NEWUSER) at level " + std::to_string(level)));
      }
      if (auto st = write_file("/proc/self/setgroups", "deny"); !st) return st;
      if (auto st = write_file("/proc/self/uid_map", "0 0 1"); !st) return st;
      if (auto st = write_file("/proc/self/gid_map", "0 0 1"); !st) return st;
    }
    return make_error("user namespaces nested past 64 levels without a limit");
  }
  if (name == "pidns_unshared") return after_case(name);
  if (name == "timens_unshared") {
    if (::unshare(CLONE_NEWTIME) != 0) return make_error(errtext("unshare(CLONE_NEWTIME)"));
    return ok_status();
  }
  if (name == "nproc_limit_root") return limit_nproc_to_one();
  if (name == "nproc_limit" || name == "nproc_limit_cap_sys_resource" || name == "nproc_limit_cap_sys_admin") {
    std::initializer_list<int> none = {}, resource = {CAP_SYS_RESOURCE}, admin = {CAP_SYS_ADMIN};
    auto st = become(kNprocUid, name == "nproc_limit" ? none : name == "nproc_limit_cap_sys_resource" ? resource : admin);
    if (!st) return st;
    return limit_nproc_to_one();
  }
  if (name == "pids_max") {
    if (res.pids_cgroup.empty()) return make_error("no pids cgroup was made for the caller");
    return write_file(res.pids_cgroup + "/cgroup.procs", std::to_string(::getpid()));
  }
  return make_error("context '" + std::string(name) + "' has no recipe");
}

Status finish_context(std::string_view name, const ContextResources& res) {
  if (name == "chroot") {
    // Privilege: root. After this the caller sees no /proc, which it no longer needs.
    if (::chroot(res.chroot_dir.c_str()) != 0) return make_error(errtext("chroot " + res.chroot_dir));
    if (::chdir("/") != 0) return make_error(errtext("chdir /"));
    return ok_status();
  }
  if (name == "seccomp") return install_allow_all_filters();
  return ok_status();
}

Status after_case(std::string_view name) {
  if (name != "pidns_unshared") return ok_status();
  // Back to the active pid namespace for children, then a fresh one.
  static sys::UniqueFd active(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!active) return make_error(errtext("open /proc/self/ns/pid"));
  if (::setns(active.get(), CLONE_NEWPID) != 0) return make_error(errtext("setns(pid)"));
  if (::unshare(CLONE_NEWPID) != 0) return make_error(errtext("unshare(CLONE_NEWPID)"));
  return ok_status();
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

FactsMsg read_live_facts(std::string_view name) {
  FactsMsg f;
  f.ok = 1;
  f.uid = ::getuid();
  // Where the namespace links tell nothing, the context as it was built.
  const auto preset = model::caller_preset(name);
  const model::Caller* as_built = !ns_identity_seen() && preset ? &*preset : nullptr;
  const auto user = own_ns_inode("user");
  f.in_initial_userns = as_built ? as_built->in_initial_userns : user && *user == kInitialUserNsInode;

  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &hdr, data) == 0) {
    f.cap_sys_admin = has_cap(data, CAP_SYS_ADMIN);
    f.cap_sys_admin_init = f.cap_sys_admin && f.in_initial_userns;
    f.cap_sys_resource = has_cap(data, CAP_SYS_RESOURCE) && f.in_initial_userns;
    f.cap_checkpoint_restore = has_cap(data, kCapCheckpointRestore);
  }
  f.userns_owns_pidns = as_built ? as_built->userns_owns_pidns : owns_its_pidns();
  f.pid_local = ::getpid();
  f.pidns_init = f.pid_local == 1;
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
