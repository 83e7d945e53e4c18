#include "probes/identity.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "probes/net_look.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::probes {
namespace {

constexpr std::array<const char*, model::kNsCount> kNsPaths = {
    "ns/mnt", "ns/uts", "ns/ipc", "ns/net", "ns/pid", "ns/pid_for_children",
    "ns/user", "ns/cgroup", "ns/time", "ns/time_for_children"};

int kcmp_type(model::Resource r) {
  switch (r) {
    case model::Resource::vm: return KCMP_VM;
    case model::Resource::files: return KCMP_FILES;
    case model::Resource::fs: return KCMP_FS;
    case model::Resource::sighand: return KCMP_SIGHAND;
    case model::Resource::io: return KCMP_IO;
    case model::Resource::sysvsem: return KCMP_SYSVSEM;
  }
  return -1;
}

std::optional<FileId> file_id_at(int dirfd, const char* name) {
  struct stat st {};
  if (::fstatat(dirfd, name, &st, 0) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

Fact same_file(const std::optional<FileId>& a, const std::optional<FileId>& b) {
  return a && b ? model::fact_of(*a == *b) : Fact::unknown;
}

// The descriptor of `pid` whose link reads "/memfd:<name> (deleted)", or -1.
int find_memfd(int proc_dir, std::string_view name) {
  sys::UniqueFd fd_dir(::openat(proc_dir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd_dir) return -1;
  DIR* d = ::fdopendir(fd_dir.get());
  if (!d) return -1;
  (void)fd_dir.release();  // closedir() closes it
  const std::string want = "/memfd:" + std::string(name);
  int found = -1;
  while (dirent* e = ::readdir(d)) {
    char link[256];
    const ssize_t n = ::readlinkat(::dirfd(d), e->d_name, link, sizeof link);
    if (n > 0 && std::string_view(link, static_cast<std::size_t>(n)).starts_with(want)) {
      found = std::atoi(e->d_name);
      break;
    }
  }
  ::closedir(d);
  return found;
}

NsInodes ns_inodes_at(int dirfd) {
  NsInodes out;
  for (std::size_t i = 0; i < model::kNsCount; ++i) {
    struct stat st {};
    if (::fstatat(dirfd, kNsPaths[i], &st, 0) == 0) out.ino[i] = st.st_ino;
  }
  return out;
}

}  // namespace

void read_copied_state(CallerIdentity& caller) {
  auto dir = sys::open_proc_dir(caller.pid);
  if (!dir) return;
  char buf[4096];
  if (auto status = sys::read_small_file(dir->get(), "status", buf, sizeof buf)) {
    if (auto ppid = sys::status_field(*status, "PPid")) caller.ppid = static_cast<pid_t>(*ppid);
    caller.uids = sys::status_numbers(*status, "Uid");
    caller.gids = sys::status_numbers(*status, "Gid");
    caller.groups = sys::status_numbers(*status, "Groups");
  }
  caller.cwd = file_id_at(dir->get(), "cwd");
  caller.root = file_id_at(dir->get(), "root");
  caller.open_file_fd = find_memfd(dir->get(), kOpenFileName);
}

Result<NsInodes> read_ns_inodes(pid_t pid) {
  auto dir = sys::open_proc_dir(pid);
  if (!dir) return dir.error();
  const NsInodes first = ns_inodes_at(dir->get());
  // Every kernel and emulator this runs on shows some: none is a look that
  // failed, which would leave every namespace fact unknown.
  if (std::none_of(first.ino.begin(), first.ino.end(), [](const auto& ino) { return ino.has_value(); }))
    return sys::errno_error("stat /proc/" + std::to_string(pid) + "/ns/*: not one namespace link");
  return stable_ns_inodes(first, ns_inodes_at(dir->get()));
}

NsInodes stable_ns_inodes(const NsInodes& first, const NsInodes& second) {
  NsInodes out = first;
  for (std::size_t i = 0; i < model::kNsCount; ++i)
    if (first.ino[i] != second.ino[i]) out.ino[i].reset();
  return out;
}

void read_seccomp(pid_t pid, std::optional<long long>& mode, std::optional<long long>& filters) {
  char buf[4096];
  if (auto status = sys::read_proc_file(pid, "status", buf, sizeof buf)) {
    mode = sys::status_field(*status, "Seccomp");
    filters = sys::status_field(*status, "Seccomp_filters");
  }
}

std::optional<long> blocked_in_syscall(pid_t pid) {
  char buf[256];
  auto text = sys::read_proc_file(pid, "syscall", buf, sizeof buf);
  if (!text || text->empty() || (*text)[0] < '0' || (*text)[0] > '9') return std::nullopt;  // "running", "-1 ..."
  long nr = 0;
  std::from_chars(text->data(), text->data() + text->size(), nr);
  return nr;
}

std::optional<char> task_state(pid_t pid) {
  char buf[1024];
  auto stat = sys::read_proc_file(pid, "stat", buf, sizeof buf);
  if (!stat) return std::nullopt;
  const auto close = stat->rfind(')');  // field 3 follows the command name
  if (close == std::string_view::npos || close + 2 >= stat->size()) return std::nullopt;
  return (*stat)[close + 2];
}

bool task_stopped(pid_t pid) { return task_state(pid) == 'T'; }

namespace {
std::optional<std::uint64_t> status_hex(std::string_view status, std::string_view key) {
  const auto at = status.find(std::string(key) + ":\t");
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = status.data() + at + key.size() + 2;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(first, status.data() + status.size(), value, 16);
  if (ec != std::errc() || end == first) return std::nullopt;
  return value;
}
}  // namespace

std::optional<SignalSets> read_signal_sets(pid_t pid) {
  char buf[4096];
  auto status = sys::read_proc_file(pid, "status", buf, sizeof buf);
  if (!status) return std::nullopt;
  const auto blocked = status_hex(*status, "SigBlk"), ignored = status_hex(*status, "SigIgn"),
             caught = status_hex(*status, "SigCgt");
  if (!blocked || !ignored || !caught) return std::nullopt;
  return SignalSets{*blocked, *ignored, *caught};
}

bool syscall_file_readable(pid_t pid) {
  char buf[256];
  return sys::read_proc_file(pid, "syscall", buf, sizeof buf).ok();
}

Fact kcmp_same(pid_t a, pid_t b, model::Resource r, std::string* why) {
  long ret = ::syscall(SYS_kcmp, a, b, kcmp_type(r), 0, 0);
  if (ret < 0) {
    const int err = errno;
    if (why) *why = sys::errno_error("kcmp", err).message;
    errno = err;  // the caller may tell ENOSYS from the rest
    return Fact::unknown;
  }
  return model::fact_of(ret == 0);
}

Result<IdentityObservation> observe_identity(const CallerIdentity& caller, pid_t child_tid, bool want_cgroup) {
  auto dir = sys::open_proc_dir(child_tid);
  if (!dir) return dir.error();
  IdentityObservation o;

  for (model::Resource r : model::kResources) {
    std::string why;
    Fact f = kcmp_same(caller.pid, child_tid, r, &why);
    // Only an implementation without kcmp (ENOSYS: gVisor, a kernel without
    // CONFIG_KCMP) leaves the share facts to the behaviour witnesses alone;
    // any other refusal is a look that failed.
    if (f == Fact::unknown && errno != ENOSYS) return make_error("cannot compare the child with the caller: " + why);
    // NULL == NULL: equal pointers prove sharing only if the caller's is set.
    if (f == Fact::yes && r == model::Resource::io && !caller.io_context) f = Fact::unknown;
    if (f == Fact::yes && r == model::Resource::sysvsem && !caller.sysvsem_undo) f = Fact::unknown;
    o.kcmp[static_cast<std::size_t>(r)] = f;
    if (!why.empty() && o.kcmp_note.empty()) o.kcmp_note = why;
  }

  // For the errors below; built only for them (this runs once a case).
  const auto child_path = [child_tid](std::string_view name) {
    return "the child's /proc/" + std::to_string(child_tid) + "/" + std::string(name);
  };
  const NsInodes child_ns = ns_inodes_at(dir->get());
  for (std::size_t i = 0; i < model::kNsCount; ++i) {
    // The caller's link was read on this kernel: the child's must be too. A
    // look that failed is the harness failing, not a fact left unknown, which
    // the comparison would pass over.
    if (caller.ns.ino[i] && !child_ns.ino[i])
      return make_error("cannot read " + child_path(kNsPaths[i]) + " (the caller's could be read)");
    if (child_ns.ino[i] && caller.ns.ino[i])
      o.ns_new[i] = model::fact_of(*child_ns.ino[i] != *caller.ns.ino[i]);
    else
      o.ns_new[i] = Fact::unknown;
  }

  if (o.ns_new[static_cast<std::size_t>(model::Ns::net)] == Fact::yes)
    o.net_loopback_only_down = loopback_only_down(child_tid);

  char buf[4096];
  // Like the namespaces, what every Linux /proc shows (status, its Tgid
  // and PPid, stat, cwd and root where the caller's could be read) must be
  // read: a look that failed is an error, not facts left unknown.
  {
    auto status = sys::read_small_file(dir->get(), "status", buf, sizeof buf);
    if (!status) return make_error("cannot read " + child_path("status") + ": " + status.error().message);
    auto tgid = sys::status_field(*status, "Tgid");
    auto ppid = sys::status_field(*status, "PPid");
    if (!tgid || !ppid) return make_error(child_path("status") + " has no Tgid or PPid");
    o.tgid = static_cast<pid_t>(*tgid);
    o.same_tgid = model::fact_of(o.tgid == caller.pid);
    o.ppid = static_cast<pid_t>(*ppid);
    o.ppid_is_caller = model::fact_of(o.ppid == caller.pid);
    if (caller.ppid > 0) o.ppid_is_callers_parent = model::fact_of(o.ppid == caller.ppid);
    const auto uids = sys::status_numbers(*status, "Uid");
    if (!uids.empty() && !caller.uids.empty())
      o.creds_copied = model::fact_of(uids == caller.uids && sys::status_numbers(*status, "Gid") == caller.gids &&
                                      sys::status_numbers(*status, "Groups") == caller.groups);
    o.nspid = sys::status_numbers(*status, "NSpid");
    const auto mode = sys::status_field(*status, "Seccomp");
    const auto filters = sys::status_field(*status, "Seccomp_filters");
    if (mode && filters && caller.seccomp_mode && caller.seccomp_filters)
      o.seccomp_inherited = model::fact_of(*mode == *caller.seccomp_mode && *filters == *caller.seccomp_filters);
  }
  if (want_cgroup)
    if (auto cg = sys::read_small_file(dir->get(), "cgroup", buf, sizeof buf)) {
      // The unified hierarchy's line is "0::<path>".
      const auto at = cg->find("0::");
      if (at != std::string_view::npos && (at == 0 || (*cg)[at - 1] == '\n')) {
        auto end = cg->find('\n', at);
        o.cgroup2 = std::string(cg->substr(at + 3, end == std::string_view::npos ? end : end - at - 3));
      }
    }
  {
    auto stat = sys::read_small_file(dir->get(), "stat", buf, sizeof buf);
    if (!stat) return make_error("cannot read " + child_path("stat") + ": " + stat.error().message);
    o.exit_signal = sys::stat_field(*stat, 38);
    if (!o.exit_signal) return make_error(child_path("stat") + " has no field 38 (exit signal)");
  }
  const auto cwd = file_id_at(dir->get(), "cwd");
  const auto root = file_id_at(dir->get(), "root");
  if ((caller.cwd && !cwd) || (caller.root && !root))
    return make_error("cannot stat " + child_path("cwd") + " or its root (the caller's could be)");
  o.cwd_copied = same_file(caller.cwd, cwd);
  o.root_copied = same_file(caller.root, root);
  if (caller.open_file_fd >= 0) {
    const long same = ::syscall(SYS_kcmp, caller.pid, child_tid, KCMP_FILE, caller.open_file_fd, caller.open_file_fd);
    if (same >= 0) o.open_file_shared = model::fact_of(same == 0);
  }
  return o;
}

}  // namespace clonediff::probes
