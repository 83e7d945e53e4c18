#include "probes/identity.hpp"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "probes/sys/errors.hpp"
#include "probes/sys/proc_files.hpp"

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

NsInodes ns_inodes_at(int dirfd) {
  NsInodes out;
  for (std::size_t i = 0; i < model::kNsCount; ++i) {
    struct stat st {};
    if (::fstatat(dirfd, kNsPaths[i], &st, 0) == 0) out.ino[i] = st.st_ino;
  }
  return out;
}

}  // namespace

Result<NsInodes> read_ns_inodes(pid_t pid) {
  auto dir = sys::open_proc_dir(pid);
  if (!dir) return dir.error();
  const NsInodes first = ns_inodes_at(dir->get());
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

bool task_stopped(pid_t pid) {
  char buf[1024];
  auto stat = sys::read_proc_file(pid, "stat", buf, sizeof buf);
  if (!stat) return false;
  const auto close = stat->rfind(')');  // field 3 follows the command name
  return close != std::string_view::npos && close + 2 < stat->size() && (*stat)[close + 2] == 'T';
}

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
    if (why) *why = sys::errno_error("kcmp").message;
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
    // NULL == NULL: equal pointers prove sharing only if the caller's is set.
    if (f == Fact::yes && r == model::Resource::io && !caller.io_context) f = Fact::unknown;
    if (f == Fact::yes && r == model::Resource::sysvsem && !caller.sysvsem_undo) f = Fact::unknown;
    o.kcmp[static_cast<std::size_t>(r)] = f;
    if (!why.empty() && o.kcmp_note.empty()) o.kcmp_note = why;
  }

  const NsInodes child_ns = ns_inodes_at(dir->get());
  for (std::size_t i = 0; i < model::kNsCount; ++i) {
    if (child_ns.ino[i] && caller.ns.ino[i])
      o.ns_new[i] = model::fact_of(*child_ns.ino[i] != *caller.ns.ino[i]);
    else
      o.ns_new[i] = Fact::unknown;
  }

  char buf[4096];
  if (auto status = sys::read_small_file(dir->get(), "status", buf, sizeof buf)) {
    auto tgid = sys::status_field(*status, "Tgid");
    auto ppid = sys::status_field(*status, "PPid");
    if (tgid) {
      o.tgid = static_cast<pid_t>(*tgid);
      o.same_tgid = model::fact_of(o.tgid == caller.pid);
    }
    if (ppid) {
      o.ppid = static_cast<pid_t>(*ppid);
      o.ppid_is_caller = model::fact_of(o.ppid == caller.pid);
    }
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
  if (auto stat = sys::read_small_file(dir->get(), "stat", buf, sizeof buf))
    o.exit_signal = sys::stat_field(*stat, 38);
  return o;
}

}  // namespace clonediff::probes
