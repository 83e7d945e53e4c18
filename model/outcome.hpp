// What a call did, in one type for both sides: the model's prediction and the
// probes' observation are both Outcomes, so comparing them is a field-by-field
// diff. A fact nobody could see is `unknown`, never `no`.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::model {

enum class Fact : unsigned char {
  no,
  yes,
  unknown,   // no witness could tell
  conflict,  // two witnesses disagreed (observation only)
};
inline Fact fact_of(bool b) { return b ? Fact::yes : Fact::no; }
std::string_view fact_name(Fact f);  // "false", "true", "unknown", "conflict"

// The resources kcmp(2) can compare (KCMP_VM ... KCMP_SYSVSEM).
enum class Resource : unsigned char { vm, files, fs, sighand, io, sysvsem };
inline constexpr std::size_t kResourceCount = 6;
inline constexpr std::array<Resource, kResourceCount> kResources = {
    Resource::vm, Resource::files, Resource::fs, Resource::sighand, Resource::io, Resource::sysvsem};
std::string_view resource_name(Resource r);
Result<Resource> parse_resource(std::string_view name);

// The entries of /proc/<pid>/ns.
enum class Ns : unsigned char { mnt, uts, ipc, net, pid, pid_for_children, user, cgroup, time, time_for_children };
inline constexpr std::size_t kNsCount = 10;
inline constexpr std::array<Ns, kNsCount> kNamespaces = {
    Ns::mnt, Ns::uts, Ns::ipc, Ns::net, Ns::pid, Ns::pid_for_children,
    Ns::user, Ns::cgroup, Ns::time, Ns::time_for_children};
std::string_view ns_name(Ns n);
Result<Ns> parse_ns(std::string_view name);

// Facts about the child that only some requests or entries call for. Each is
// written in the record under its name, where it is known.
enum class Trait : unsigned char {
  set_tid_honoured,        // its pids are the ones set_tid chose (NSpid)
  into_cgroup,             // it started in CLONE_INTO_CGROUP's cgroup
  parent_settid,           // the caller's parent_tid holds its tid (caller's pid namespace)
  child_settid,            // its child_tid holds its tid (its own pid namespace)
  child_cleartid,          // 0 was written to the caller's child_tid when it left
  cleartid_wake,           // ... with a futex wake the caller saw
  tls_set,                 // its FS base is the tls argument
  pidfd,                   // a pidfd of it came back (fdinfo Pid)
  pidfd_cloexec,           // ... with FD_CLOEXEC
  pidfd_thread,            // ... as a thread pidfd (PIDFD_THREAD)
  pidfd_readable_at_exit,  // ... that polls readable once it has left
  pdeath_signal_reset,     // its parent-death signal is 0 (the caller's is not)
  sigaltstack_reset,       // its alternate signal stack is disabled (the caller's is set)
  blocked_mask_inherited,  // its blocked mask is the caller's
  pending_inherited,       // it sees the caller's thread-directed pending signal
  shared_pending_visible,  // it sees the caller's process-directed pending signal
  caught_signal_reset,     // a signal the caller catches is SIG_DFL for it
  ignored_signal_kept,     // a signal the caller ignores is still SIG_IGN for it
  seccomp_inherited,       // its seccomp mode and filter count are the caller's
  caller_suspended,        // while it lived, the caller stayed inside the creating call
  caller_sigchld_ignored,  // when it left, the caller's SIGCHLD was SIG_IGN (a shared sighand)
  // What the caller sees through the pidfd afterwards (a case's after=):
  pidfd_readable_while_running,  // after=poll: its pidfd polls readable while it runs
  waitid_nohang_running,         // after=waitid: waitid(P_PIDFD, WEXITED|WNOHANG) says "none yet" while it runs
  waitid_nonblock_eagain,        // ... and with O_NONBLOCK on the pidfd, waitid(WEXITED) fails EAGAIN
  waitid_reaps_exit,             // ... and once it left, waitid(P_PIDFD, WEXITED) reaps it (CLD_EXITED, its pid)
  waitid_stopped,                // after=stop: SIGSTOP through the pidfd, then waitid(WSTOPPED) sees it stopped
  waitid_continued,              // ... SIGCONT, then waitid(WCONTINUED) sees it continued
  pidfd_signal_esrch_reaped,     // after= through its pidfd: once reaped, pidfd_send_signal(0) fails ESRCH
  pidfd_info_pid,                // after=info: PIDFD_GET_INFO answers with its pid
  pidfd_info_enotty,             // ... fails ENOTTY (no ioctl on pidfds)
  pidfd_info_einval,             // ... fails EINVAL (pidfd ioctls without PIDFD_GET_INFO)
  pidfd_open_thread,             // after=thread: pidfd_open(tid, PIDFD_THREAD) gives a thread pidfd naming it
  exit_status_from_fn,           // glibc_clone: its exit status is its function's return value
  // What is observed of every child (issue 11's observables):
  tid_is_returned_pid,     // its own gettid() is the pid the call returned
  nspid_has_returned_pid,  // its NSpid holds the returned pid at the caller's level
  tid_is_innermost_nspid,  // its own gettid() is the last NSpid entry
  reaped_pid_is_returned,  // the caller's wait for any child reaped the returned pid
  pidfd_nspid,             // the pidfd's fdinfo NSpid is the child's /proc NSpid
  pidfd_pid_cleared,       // once the child was reaped, the pidfd's fdinfo Pid is -1
  umask_copied,            // its umask at creation is the caller's
  cwd_copied,              // its cwd is the caller's (same dentry: device and inode)
  root_copied,             // its root is the caller's (device and inode)
  creds_copied,            // its uids, gids and supplementary groups are the caller's
  memory_copied,           // a word the caller set just before the call holds that value
  open_file_shared,        // an open file description of the caller is the same in it (kcmp KCMP_FILE)
  ppid_is_callers_parent,  // its parent is the caller's parent
  net_loopback_only_down,  // its network namespace holds only lo, and lo is down
  // More of what the caller does after the call (a case's after=):
  setns_pidfd_joined,      // after=setns: setns(pidfd, CLONE_NEWUTS) puts a helper in its UTS namespace
  setns_pidfd_einval,      // ... fails EINVAL (setns() takes no pidfd)
  pid_not_reused_at_once,  // after=reuse: no round's fork got the pid the round before it reaped
  pidfd_signal_value_queued,  // after=sigqueue: a signal sent with SI_QUEUE and a value is queued to it so
  pidfd_signal_forged_eperm,  // ... and one with a forged si_code (SI_USER) is refused EPERM
  pidfd_readable_leader_gone,  // after=leader_exit: its leader has exited, a thread of it lives: its pidfd polls readable
  pidfd_readable_group_gone,   // ... and when that thread leaves too, a poll() waiting on its pidfd returns readable
};
inline constexpr std::size_t kTraitCount = 54;
std::string_view trait_name(Trait t);
Result<Trait> parse_trait(std::string_view name);
inline constexpr Trait trait_at(std::size_t i) { return static_cast<Trait>(i); }
// The traits a case's after= scenario looks for. The case asked for them:
// where the model predicts one, an observation that is unknown (the look
// could not be made) differs from it (harness/case/compare.hpp).
bool scenario_trait(Trait t);

struct Outcome {
  int error = 0;  // 0: a child was created; otherwise the errno the call returned
  // The rest describes the child and is meaningful only when error == 0.
  std::array<Fact, kResourceCount> share{};  // shared with the caller?
  std::array<Fact, kNsCount> ns_new{};       // differs from the caller's?
  Fact same_tgid = Fact::unknown;            // in the caller's thread group
  Fact ppid_is_caller = Fact::unknown;       // its parent is the caller
  std::optional<long long> exit_signal;      // /proc/<pid>/stat field 38 (-1 for threads)
  std::array<Fact, kTraitCount> traits{};    // unknown where they do not apply
  // The signal the caller got when the child left: 0 for none.
  std::optional<long long> parent_signal;

  Outcome() {
    share.fill(Fact::unknown);
    ns_new.fill(Fact::unknown);
    traits.fill(Fact::unknown);
  }
  bool ok() const { return error == 0; }
  Fact& operator[](Resource r) { return share[static_cast<std::size_t>(r)]; }
  Fact operator[](Resource r) const { return share[static_cast<std::size_t>(r)]; }
  Fact& operator[](Ns n) { return ns_new[static_cast<std::size_t>(n)]; }
  Fact operator[](Ns n) const { return ns_new[static_cast<std::size_t>(n)]; }
  Fact& operator[](Trait t) { return traits[static_cast<std::size_t>(t)]; }
  Fact operator[](Trait t) const { return traits[static_cast<std::size_t>(t)]; }
  bool operator==(const Outcome&) const = default;
};

// Every field of a created child's Outcome by number, so that whatever must
// treat them all (the comparison, tests) cannot leave one out: the facts
// first (share.*, ns_new.*, same_tgid, ppid_is_caller, the traits), then the
// two numbers. A new field of Outcome joins this list; harness_tests fails
// until it does.
inline constexpr std::size_t kFactFieldCount = kResourceCount + kNsCount + 2 + kTraitCount;
inline constexpr std::size_t kFirstTraitField = kResourceCount + kNsCount + 2;  // trait i is field kFirstTraitField + i
std::string fact_field_name(std::size_t i);  // "share.vm", "ns_new.pid", "same_tgid", "pidfd", ...
Fact& fact_field(Outcome& o, std::size_t i);
Fact fact_field(const Outcome& o, std::size_t i);

enum class NumberField : unsigned char { parent_signal, exit_signal };
inline constexpr std::array<NumberField, 2> kNumberFields = {NumberField::parent_signal, NumberField::exit_signal};
std::string_view number_field_name(NumberField f);
std::optional<long long>& number_field(Outcome& o, NumberField f);
const std::optional<long long>& number_field(const Outcome& o, NumberField f);

}  // namespace clonediff::model
