// Identity witnesses: whether the child holds the very same kernel objects as
// the caller, asked of the kernel from outside both (kcmp(2), /proc). The
// prober must be able to ptrace-read both tasks (root in the initial user
// namespace can).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/outcome.hpp"
#include "model/result.hpp"

namespace clonediff::probes {

using model::Fact;

// /proc/<pid>/ns/* inode numbers; nullopt where the entry is missing (a kernel
// without time namespaces, say).
struct NsInodes {
  std::array<std::optional<ino_t>, model::kNsCount> ino{};
};
// A file as stat(2) names it: device and inode.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};

// Read twice: an entry whose inode changes from one look to the next (gVisor
// makes one up per lookup) identifies nothing and is nullopt, so that every
// comparison with it is unknown. Once per caller; a child's are read once.
// An error where not one link can be read.
Result<NsInodes> read_ns_inodes(pid_t pid);
// Two looks at the same task's entries: those both saw alike.
NsInodes stable_ns_inodes(const NsInodes& first, const NsInodes& second);

// The caller as the prober sees it, read once per caller process.
struct CallerIdentity {
  pid_t pid = 0;  // in the prober's pid namespace
  NsInodes ns;
  // Whether the caller holds an io context and a SysV undo list. kcmp compares
  // NULL with NULL as equal, so without them "same" means nothing.
  bool io_context = false;
  bool sysvsem_undo = false;
  // /proc/<pid>/status Seccomp and Seccomp_filters.
  std::optional<long long> seccomp_mode;
  std::optional<long long> seccomp_filters;
  // What the child must find equal or the same (read_copied_state()).
  pid_t ppid = 0;                     // its parent, in the prober's pid namespace
  std::optional<FileId> cwd;          // /proc/<pid>/cwd and root, followed
  std::optional<FileId> root;
  std::vector<long long> uids, gids, groups;  // status Uid, Gid, Groups
  int open_file_fd = -1;              // its descriptor of the memfd named kOpenFileName
};

// The memfd the caller holds open at a set offset, which a child without
// CLONE_FILES must share (not reopen): the prober finds it by this name.
inline constexpr const char* kOpenFileName = "clonediff-open-file";

// The caller's parent, cwd, root, ids and open file, read from outside once
// per caller; what cannot be read stays empty, and what it would decide
// unknown.
void read_copied_state(CallerIdentity& caller);

// Seccomp mode and filter count of a task, from its status.
void read_seccomp(pid_t pid, std::optional<long long>& mode, std::optional<long long>& filters);

// The system call a task is blocked in (/proc/<pid>/syscall), or nullopt if
// it is running or cannot be read.
std::optional<long> blocked_in_syscall(pid_t pid);
// A task's state letter (field 3 of /proc/<pid>/stat: R, S, D, T, t, Z...),
// or nullopt if it cannot be read.
std::optional<char> task_state(pid_t pid);
// Whether a task is in a stop (state T in /proc/<pid>/stat: a stop signal
// took effect); false if it runs, sleeps, or cannot be read.
bool task_stopped(pid_t pid);

// The signal sets of /proc/<pid>/status (bit n-1: signal n): SigBlk, SigIgn
// and SigCgt; nullopt where the file does not show them.
struct SignalSets {
  std::uint64_t blocked = 0;
  std::uint64_t ignored = 0;
  std::uint64_t caught = 0;
};
std::optional<SignalSets> read_signal_sets(pid_t pid);

// Whether /proc/<pid>/syscall can be read at all (gVisor has none): without
// it, blocked_in_syscall() cannot tell "running" from "unknown".
bool syscall_file_readable(pid_t pid);

struct IdentityObservation {
  std::array<Fact, model::kResourceCount> kcmp{};
  std::string kcmp_note;  // why kcmp could not speak, when it could not
  std::array<Fact, model::kNsCount> ns_new{};
  Fact same_tgid = Fact::unknown;
  Fact ppid_is_caller = Fact::unknown;
  std::optional<long long> exit_signal;
  pid_t tgid = 0;  // in the prober's pid namespace
  pid_t ppid = 0;
  std::vector<long long> nspid;  // NSpid: its pid in each namespace, outermost first
  std::string cgroup2;           // its cgroup v2 path, when asked for
  Fact seccomp_inherited = Fact::unknown;  // same seccomp mode and filter count as the caller
  Fact ppid_is_callers_parent = Fact::unknown;
  Fact cwd_copied = Fact::unknown;        // same cwd as the caller (device and inode)
  Fact root_copied = Fact::unknown;
  Fact creds_copied = Fact::unknown;      // same Uid, Gid and Groups lines
  Fact open_file_shared = Fact::unknown;  // kcmp KCMP_FILE: the caller's open file is its too
  Fact net_loopback_only_down = Fact::unknown;  // a network namespace of its own holds only lo, down
};

// Everything the identity witnesses can say about child_tid (prober's view).
// Fails only when the child's /proc entry cannot be read at all.
// want_cgroup: also read /proc/<child>/cgroup (one more file).
Result<IdentityObservation> observe_identity(const CallerIdentity& caller, pid_t child_tid, bool want_cgroup = false);

// kcmp(2) alone, for one resource: yes/no, or unknown with a reason.
Fact kcmp_same(pid_t a, pid_t b, model::Resource r, std::string* why = nullptr);

}  // namespace clonediff::probes
