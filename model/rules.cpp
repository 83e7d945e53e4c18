#include "model/rules.hpp"

#include <array>
#include <cerrno>

#include "model/flags.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

constexpr std::string_view kSetTidRangePidnsRule = "alloc_pid.set_tid_range_pidns";

// Namespaces copy_namespaces() creates (the user namespace is created earlier,
// by copy_creds()).
constexpr std::uint64_t kNsproxyFlags = NEWNS | NEWUTS | NEWIPC | NEWPID | NEWNET | NEWCGROUP | NEWTIME;

// Whether the child will hold CAP_SYS_ADMIN over the user namespace that owns
// its new namespaces: a fresh user namespace gives its creator every
// capability in it; otherwise the caller's own capability counts.
bool admin_over_child_userns(const RuleInput& in) {
  return in.has(NEWUSER) || in.caller.cap_sys_admin;
}

bool is_clone3(const RuleInput& in) { return in.call.syscall == Syscall::clone3; }

constexpr long long kPidMaxLimit = 4194304;  // PID_MAX_LIMIT on 64-bit

bool per_pidns_pid_max(const RuleInput& in);

// The pid_max a set_tid entry is checked against in alloc_pid(): the one
// kernel.pid_max, or since v6.14 that of the entry's own pid namespace: the
// initial namespace's is kernel.pid_max, a newer one starts at PID_MAX_LIMIT
// (nobody in the harness's contexts sets it lower).
long long set_tid_pid_max(const RuleInput& in, std::size_t index) {
  if (!per_pidns_pid_max(in)) return in.kernel.pid_max;
  const SetTidTarget target = set_tid_target(index, in.call.flags, in.caller);
  const bool initial = !target.fresh && static_cast<long long>(target.caller_level) == in.caller.pidns_level;
  return initial ? in.kernel.pid_max : kPidMaxLimit;
}

// What alloc_pid() asks of the caller over the user namespace that owns an
// existing pid namespace, for a set_tid entry there: ns_capable(CAP_SYS_ADMIN)
// until v5.9, since then checkpoint_restore_ns_capable(): CAP_SYS_ADMIN or
// CAP_CHECKPOINT_RESTORE (the two capability rules' ranges say which holds).
// Either is counted in the caller's user namespace, which must reach the
// owner.
bool set_tid_capable(const RuleInput& in) {
  const Rule* since_5_9 = find_rule("alloc_pid.set_tid_capability");
  const bool checkpoint_restore_counts = since_5_9 && since_5_9->versions.contains(in.kernel.version);
  const bool capable = in.caller.cap_sys_admin || (checkpoint_restore_counts && in.caller.cap_checkpoint_restore);
  return capable && in.caller.userns_owns_pidns;
}

// alloc_pid() walks the set_tid entries from the child's own pid namespace
// outwards and fails at the first bad one; which check fails there decides.
enum class TidFailure { none, range, no_init, cap, in_use };
TidFailure first_set_tid_failure(const RuleInput& in) {
  const bool new_pidns = in.has(NEWPID);
  for (std::size_t i = 0; i < in.call.set_tid.size(); ++i) {
    const TidSpec& t = in.call.set_tid[i];
    const bool fresh_ns = set_tid_target(i, in.call.flags, in.caller).fresh;
    const bool is_one = t.kind == TidSpec::Kind::number && t.number == 1;
    if (t.kind == TidSpec::Kind::number && (t.number < 1 || t.number >= set_tid_pid_max(in, i))) return TidFailure::range;
    if (fresh_ns && !is_one) return TidFailure::no_init;
    // A new pid namespace is owned by the child's user namespace: a new one
    // (all capabilities), or the caller's own (its own capabilities there).
    const bool capable_in_new = i == 0 && new_pidns && (in.has(NEWUSER) || in.caller.cap_sys_admin);
    if (!capable_in_new && !set_tid_capable(in)) return TidFailure::cap;
    // A reaped pid is free: release_task() -> free_pid() took it out of
    // every level's idr before wait returned, and idr_alloc(tid, tid + 1)
    // asks only whether it is held now, not when it last was (6.1 and 6.12
    // kernel/pid.c: alloc_pid()); only idr_alloc_cyclic() (no set_tid)
    // moves on past recent pids.
    if (t.kind == TidSpec::Kind::in_use || (is_one && !fresh_ns)) return TidFailure::in_use;
  }
  return TidFailure::none;
}

// copy_process()'s RLIMIT_NPROC check (at one place or another by version).
bool nproc_refused(const RuleInput& in) {
  return in.caller.nproc_at_limit && in.caller.uid != 0 && !in.caller.cap_sys_resource &&
         !in.caller.cap_sys_admin_init;
}


// The nesting level of the pid namespace the child is born in.
long long child_pidns_level(const RuleInput& in) {
  return in.caller.pidns_level + (in.caller.pid_for_children_differs ? 1 : 0) + (in.has(NEWPID) ? 1 : 0);
}

constexpr std::array kRules = {
    // glibc's clone() wrapper checks its own arguments before the system
    // call: whatever the kernel, these are the C library's refusals.
    Rule{"glibc_clone.null_fn", EINVAL, "glibc sysdeps/unix/sysv/linux/x86_64/clone.S: __clone()", {},
         [](const RuleInput& in) { return in.call.library_null_fn; },
         "glibc's clone() refuses a NULL function before any system call"},
    Rule{"glibc_clone.null_stack", EINVAL, "glibc sysdeps/unix/sysv/linux/x86_64/clone.S: __clone()", {},
         [](const RuleInput& in) { return in.call.library_null_stack; },
         "glibc's clone() refuses a NULL stack before any system call"},
    // Before v5.3 there is no clone3 system call.
    Rule{"clone3.no_syscall", ENOSYS, "arch/x86/entry/syscalls/syscall_64.tbl: no clone3 (435)",
         {{0, 0, 0}, KernelVersion{5, 3, 0}, "ended by 7f192e3cd316 \"fork: add clone3\" (v5.3)", ""},
         [](const RuleInput& in) { return is_clone3(in); },
         "this kernel has no clone3 system call"},
    // clone3(): copy_clone_args_from_user(), then clone3_args_valid().
    Rule{"clone3.size_above_page", E2BIG, "kernel/fork.c: copy_clone_args_from_user()", {{5, 3, 0}, std::nullopt, "", "7f192e3cd316 \"fork: add clone3\" (v5.3)"},
         [](const RuleInput& in) { return is_clone3(in) && in.call.size > kPageSize; },
         "struct clone_args may not be larger than a page"},
    Rule{"clone3.size_below_ver0", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {{5, 3, 0}, std::nullopt, "", "7f192e3cd316 \"fork: add clone3\" (v5.3)"},
         [](const RuleInput& in) { return is_clone3(in) && in.call.size < kCloneArgsSizeVer0; },
         "struct clone_args is at least CLONE_ARGS_SIZE_VER0 (64 bytes, up to tls)"},
    // copy_struct_from_user(): for a size beyond the kernel's struct it reads
    // the excess first (check_zeroed_user()), then copies the struct; a
    // fault in either is EFAULT, before a non-zero tail could be seen.
    Rule{"clone3.args_fault", EFAULT, "kernel/fork.c: copy_clone_args_from_user() -> copy_struct_from_user()",
         {{5, 3, 0}, std::nullopt, "",
          "7f192e3cd316 \"fork: add clone3\" (v5.3); open-coded there, copy_struct_from_user() since v5.4 "
          "(\"lib: introduce copy_struct_from_user() helper\"; commit id not verified here), EFAULT in both"},
         [](const RuleInput& in) { return is_clone3(in) && in.call.args_fault; },
         "struct clone_args (its `size` bytes) must be readable"},
    Rule{"clone3.nonzero_tail", E2BIG, "lib/usercopy.c: copy_struct_from_user()", {{5, 3, 0}, std::nullopt, "", "7f192e3cd316 \"fork: add clone3\" (v5.3)"},
         [](const RuleInput& in) {
           return is_clone3(in) && clone_args_nonzero_beyond(in.call, clone_args_size(in.kernel.version));
         },
         "bytes beyond the kernel's struct must be zero: a newer caller asked for what this kernel cannot do"},
    Rule{"clone3.set_tid_size_above_max", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {{5, 5, 0}, std::nullopt, "", "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return is_clone3(in) && in.call.set_tid_size > 32; },
         "set_tid_size may not exceed MAX_PID_NS_LEVEL (32)"},
    Rule{"clone3.set_tid_size_without_array", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {{5, 5, 0}, std::nullopt, "", "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return is_clone3(in) && !in.call.set_tid_pointer && in.call.set_tid_size > 0; },
         "a set_tid_size needs a set_tid array"},
    Rule{"clone3.set_tid_array_without_size", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {{5, 5, 0}, std::nullopt, "", "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return is_clone3(in) && in.call.set_tid_pointer && in.call.set_tid_size == 0; },
         "a set_tid array needs a set_tid_size"},
    Rule{"clone3.exit_signal_invalid", EINVAL, "kernel/fork.c: copy_clone_args_from_user()",
         {{5, 3, 0}, std::nullopt, "",
          "7f192e3cd316 \"fork: add clone3\" (v5.3), with its fix \"fork: check exit_signal passed in clone3() "
          "call\" pushed to mainline before the v5.3 release"},
         [](const RuleInput& in) {
           return is_clone3(in) && ((in.call.exit_signal & ~kCsignal) != 0 || in.call.exit_signal > 64);
         },
         "clone3 validates its exit signal: no bits above the low byte, and at most _NSIG (64)"},
    Rule{"clone3.into_cgroup_args", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {{5, 7, 0}, std::nullopt, "", "ef2c41cf38a7 \"clone3: allow spawning processes into cgroups\" (v5.7)"},
         [](const RuleInput& in) {
           return is_clone3(in) && in.has(INTO_CGROUP) &&
                  (in.call.cgroup == CgroupArg::above_int_max || in.call.size < kCloneArgsSizeVer2);
         },
         "CLONE_INTO_CGROUP needs the cgroup field (size >= 88) holding a descriptor number up to INT_MAX"},
    Rule{"clone3.set_tid_fault", EFAULT, "kernel/fork.c: copy_clone_args_from_user()",
         {{5, 5, 0}, std::nullopt, "", "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return is_clone3(in) && in.call.set_tid_fault; },
         "the set_tid array (set_tid_size pids) is copied last of the struct's checks, and must be readable"},
    Rule{"clone3.unknown_flags", EINVAL, "kernel/fork.c: clone3_args_valid()", {{5, 3, 0}, std::nullopt, "", "7f192e3cd316 \"fork: add clone3\" (v5.3)"},
         [](const RuleInput& in) {
           // The low 32 bits are all taken; above them, the flags this
           // release defines (flags.cpp: CLONE_CLEAR_SIGHAND v5.5,
           // CLONE_INTO_CGROUP v5.7).
           return is_clone3(in) && (in.call.flags & ~(0xffffffffULL | known_flags(in.kernel.version))) != 0;
         },
         "flag bits this kernel does not know are refused, not ignored"},
    Rule{"clone3.detached_or_csignal", EINVAL, "kernel/fork.c: clone3_args_valid()", {{5, 3, 0}, std::nullopt, "", "7f192e3cd316 \"fork: add clone3\" (v5.3)"},
         [](const RuleInput& in) {
           // CSIGNAL bits but those that became flags (CLONE_NEWTIME, v5.6).
           return is_clone3(in) && in.any(DETACHED | (kCsignal & ~known_flags(in.kernel.version)));
         },
         "CLONE_DETACHED and the CSIGNAL bits (but CLONE_NEWTIME) are kept for reuse by clone3"},
    Rule{"clone3.sighand_and_clear_sighand", EINVAL, "kernel/fork.c: clone3_args_valid()",
         {{5, 5, 0}, std::nullopt, "", "b612e5df4587 \"clone3: add CLONE_CLEAR_SIGHAND\" (v5.5)"},
         [](const RuleInput& in) { return is_clone3(in) && in.has(SIGHAND | CLEAR_SIGHAND); },
         "shared handlers cannot be cleared for the child alone"},
    Rule{"clone3.exit_signal_with_thread_or_parent", EINVAL, "kernel/fork.c: clone3_args_valid()", {{5, 3, 0}, std::nullopt, "", "7f192e3cd316 \"fork: add clone3\" (v5.3)"},
         [](const RuleInput& in) { return is_clone3(in) && in.any(THREAD | PARENT) && in.call.exit_signal != 0; },
         "a thread or a sibling does not choose its exit signal: clone3 wants 0 there"},
    Rule{"clone3.stack_invalid", EINVAL, "kernel/fork.c: clone3_stack_valid()",
         {{5, 4, 0}, std::nullopt, "",
          "fa729c4df558 \"clone3: validate stack arguments\" (v5.4, and 5.3 stable)"},
         [](const RuleInput& in) {
           if (!is_clone3(in)) return false;
           if (in.call.stack_address_zero) return in.call.stack_size > 0;
           return in.call.stack_size == 0 || !in.call.stack_in_user_space;
         },
         "stack and stack_size come together, and the range must lie in user space (access_ok)"},
    // CLONE_PIDFD|CLONE_PARENT_SETTID: in copy_process() in v5.2, in the legacy
    // clone syscall (legacy_clone_args_valid()) from v5.3, in _do_fork() /
    // kernel_clone() for both syscalls, when the two pointers alias, from v5.9.
    Rule{"legacy_clone_args_valid.pidfd_parent_settid", EINVAL, "kernel/fork.c: legacy_clone_args_valid()",
         {{5, 3, 0}, KernelVersion{5, 9, 0},
          "folded into _do_fork() by \"fork: fold legacy_clone_args_valid() into _do_fork()\" (v5.9; commit id not "
          "verified here): the check moved, and clone3 with two aliasing pointers is refused too",
          "7f192e3cd316 \"fork: add clone3\" (v5.3) moved the check out of copy_process()"},
         [](const RuleInput& in) { return in.call.syscall == Syscall::clone && in.has(PIDFD | PARENT_SETTID); },
         "legacy clone returns the pidfd through parent_tid: CLONE_PARENT_SETTID cannot use it too"},
    Rule{"kernel_clone.pidfd_parent_settid", EINVAL, "kernel/fork.c: kernel_clone()",
         {{5, 9, 0}, std::nullopt, "",
          "\"fork: fold legacy_clone_args_valid() into _do_fork()\" (v5.9; commit id not verified here)"},
         [](const RuleInput& in) {
           // Legacy clone passes parent_tidptr as both; clone3 has separate fields.
           return in.has(PIDFD | PARENT_SETTID) && in.call.pidfd_aliases_parent_tid;
         },
         "CLONE_PIDFD and CLONE_PARENT_SETTID would write the pidfd and the tid to the same address"},
    Rule{"copy_process.newns_fs", EINVAL, "kernel/fork.c: copy_process()",
         {},
         [](const RuleInput& in) { return in.has(NEWNS | FS); },
         "a child in a new mount namespace may not share root and cwd with the caller"},
    Rule{"copy_process.newuser_fs", EINVAL, "kernel/fork.c: copy_process()",
         {},
         [](const RuleInput& in) { return in.has(NEWUSER | FS); },
         "a child in a new user namespace may not share root and cwd with the caller"},
    Rule{"copy_process.debian_unprivileged_userns_clone", EPERM, "kernel/fork.c: copy_process() (Debian patch)",
         {},
         [](const RuleInput& in) {
           return in.has(NEWUSER) && in.kernel.unprivileged_userns_clone == false &&
                  !in.caller.cap_sys_admin_init;
         },
         "Debian's kernel.unprivileged_userns_clone=0 keeps CLONE_NEWUSER for CAP_SYS_ADMIN holders"},
    Rule{"copy_process.thread_needs_sighand", EINVAL, "kernel/fork.c: copy_process()",
         {},
         [](const RuleInput& in) { return in.has(THREAD) && !in.has(SIGHAND); },
         "a thread group must share signal handlers"},
    Rule{"copy_process.sighand_needs_vm", EINVAL, "kernel/fork.c: copy_process()",
         {},
         [](const RuleInput& in) { return in.has(SIGHAND) && !in.has(VM); },
         "shared signal handlers need a shared address space (handler addresses are in it)"},
    Rule{"copy_process.parent_from_init", EINVAL, "kernel/fork.c: copy_process()",
         {},
         [](const RuleInput& in) { return in.has(PARENT) && in.caller.pidns_init; },
         "an init (SIGNAL_UNKILLABLE) may not create siblings: nobody would reap them"},
    Rule{"copy_process.thread_other_pidns", EINVAL, "kernel/fork.c: copy_process()",
         {},
         [](const RuleInput& in) {
           return in.has(THREAD) && (in.any(NEWUSER | NEWPID) || in.caller.pid_for_children_differs);
         },
         "a thread must stay in the caller's user and pid namespaces"},
    Rule{"copy_process.timens_shared_vm", EINVAL, "kernel/fork.c: copy_process()",
         {{5, 6, 0}, KernelVersion{6, 2, 0},
          "removed by 2b5f9dad32ed \"fs/exec: switch timens when a task gets a new mm\" (v6.2): "
          "a CLONE_VM child now stays in the caller's time namespace",
          "added with time namespaces by 769071ac9f20 \"ns: Introduce Time Namespace\" (v5.6)"},
         [](const RuleInput& in) { return in.any(THREAD | VM) && in.caller.time_for_children_differs; },
         "a child in another time namespace may not share the address space (the vDSO data page differs)"},
    Rule{"copy_process.pidfd_parent_settid", EINVAL, "kernel/fork.c: copy_process()",
         {{5, 2, 0}, KernelVersion{5, 3, 0},
          "moved to the syscall by 7f192e3cd316 \"fork: add clone3\" (v5.3) (legacy_clone_args_valid())",
          "b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2)"},
         [](const RuleInput& in) { return in.has(PIDFD | PARENT_SETTID); },
         "clone returns the pidfd through parent_tid: CLONE_PARENT_SETTID cannot use it too"},
    Rule{"copy_process.pidfd_thread", EINVAL, "kernel/fork.c: copy_process()",
         {{5, 2, 0}, KernelVersion{6, 9, 0},
          "removed by 83b290c9e3b5 \"pidfd: clone: allow CLONE_THREAD | CLONE_PIDFD together\" (v6.9), "
          "with PIDFD_THREAD pidfds",
          "b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2)"},
         [](const RuleInput& in) { return in.has(PIDFD | THREAD); },
         "CLONE_PIDFD was blocked for threads until thread pidfds existed"},
    Rule{"copy_process.pidfd_detached", EINVAL, "kernel/fork.c: copy_process()",
         {{5, 2, 0}, std::nullopt, "", "b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2)"},
         [](const RuleInput& in) { return in.has(PIDFD | DETACHED); },
         "CLONE_DETACHED is kept unusable with CLONE_PIDFD so the bit can be reused"},
    Rule{"copy_process.rlimit_nproc_before_creds", EAGAIN, "kernel/fork.c: copy_process()",
         {{0, 0, 0}, KernelVersion{5, 14, 0},
          "moved after copy_creds() by 21d1c5e386bc \"Reimplement RLIMIT_NPROC on top of ucounts\" (v5.14)", ""},
         [](const RuleInput& in) { return nproc_refused(in); },
         "the caller's user is at RLIMIT_NPROC and holds neither CAP_SYS_RESOURCE nor CAP_SYS_ADMIN "
         "(checked before copy_creds(), so before a new user namespace is made)"},
    Rule{"create_user_ns.depth", ENOSPC, "kernel/user_namespace.c: create_user_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWUSER) && in.caller.userns_level > 32; },
         "user namespaces nest at most 32 deep"},
    Rule{"create_user_ns.quota", ENOSPC, "kernel/user_namespace.c: create_user_ns() -> inc_user_namespaces()", {},
         [](const RuleInput& in) {
           return in.has(NEWUSER) && (in.caller.userns_quota_reached || in.kernel.forbids(NsLimit::user));
         },
         "max_user_namespaces (per user namespace) allows the caller's namespace no more"},
    Rule{"create_user_ns.chroot", EPERM, "kernel/user_namespace.c: create_user_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWUSER) && in.caller.chrooted; },
         "a chrooted caller could escape its root through a new user namespace"},
    // The creator's euid and egid must be mapped in its own user namespace
    // (the new one's parent), so that the new namespace's owner has a name.
    Rule{"create_user_ns.creator_unmapped", EPERM, "kernel/user_namespace.c: create_user_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWUSER) && in.caller.userns_unmapped; },
         "the caller's euid/egid have no mapping in its user namespace (no uid_map/gid_map written), so it "
         "may not create a user namespace below it"},
    Rule{"copy_process.rlimit_nproc", EAGAIN, "kernel/fork.c: copy_process()",
         {{5, 14, 0}, std::nullopt, "",
          "21d1c5e386bc \"Reimplement RLIMIT_NPROC on top of ucounts\" (v5.14) checks it after copy_creds()"},
         [](const RuleInput& in) { return nproc_refused(in); },
         "the caller's user is at RLIMIT_NPROC and holds neither CAP_SYS_RESOURCE nor CAP_SYS_ADMIN"},
    Rule{"copy_namespaces.cap_sys_admin", EPERM, "kernel/nsproxy.c: copy_namespaces()",
         {},
         [](const RuleInput& in) { return in.any(kNsproxyFlags) && !admin_over_child_userns(in); },
         "new namespaces need CAP_SYS_ADMIN in the user namespace that will own them"},
    Rule{"copy_namespaces.newipc_sysvsem", EINVAL, "kernel/nsproxy.c: copy_namespaces()",
         {},
         [](const RuleInput& in) { return in.has(NEWIPC | SYSVSEM); },
         "a child in a new IPC namespace cannot share an undo list for semaphores it can no longer reach"},
    // create_new_namespaces(): each new namespace is charged to its type's
    // user.max_*_namespaces (inc_ucount()); a limit of 0 refuses it.
    Rule{"copy_mnt_ns.max_mnt_namespaces", ENOSPC, "fs/namespace.c: copy_mnt_ns() -> inc_mnt_namespaces()", {},
         [](const RuleInput& in) { return in.has(NEWNS) && in.kernel.forbids(NsLimit::mnt); },
         "user.max_mnt_namespaces is 0"},
    Rule{"copy_utsname.max_uts_namespaces", ENOSPC, "kernel/utsname.c: copy_utsname() -> inc_uts_namespaces()", {},
         [](const RuleInput& in) { return in.has(NEWUTS) && in.kernel.forbids(NsLimit::uts); },
         "user.max_uts_namespaces is 0"},
    Rule{"copy_ipcs.max_ipc_namespaces", ENOSPC, "ipc/namespace.c: copy_ipcs() -> inc_ipc_namespaces()", {},
         [](const RuleInput& in) { return in.has(NEWIPC) && in.kernel.forbids(NsLimit::ipc); },
         "user.max_ipc_namespaces is 0"},
    Rule{"copy_pid_ns.not_active_pidns", EINVAL, "kernel/pid_namespace.c: copy_pid_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWPID) && in.caller.pid_for_children_differs; },
         "a new pid namespace is only made below the caller's active one, not below an unshared pid_for_children"},
    Rule{"copy_pid_ns.depth", ENOSPC, "kernel/pid_namespace.c: create_pid_namespace()",
         {},
         [](const RuleInput& in) { return in.has(NEWPID) && in.caller.pidns_level + 1 > 32; },
         "pid namespaces nest at most MAX_PID_NS_LEVEL (32) deep"},
    Rule{"create_pid_namespace.max_pid_namespaces", ENOSPC,
         "kernel/pid_namespace.c: create_pid_namespace() -> inc_pid_namespaces()", {},
         [](const RuleInput& in) { return in.has(NEWPID) && in.kernel.forbids(NsLimit::pid); },
         "user.max_pid_namespaces is 0"},
    Rule{"copy_cgroup_ns.max_cgroup_namespaces", ENOSPC,
         "kernel/cgroup/namespace.c: copy_cgroup_ns() -> inc_cgroup_namespaces()", {},
         [](const RuleInput& in) { return in.has(NEWCGROUP) && in.kernel.forbids(NsLimit::cgroup); },
         "user.max_cgroup_namespaces is 0"},
    Rule{"copy_net_ns.max_net_namespaces", ENOSPC, "net/core/net_namespace.c: copy_net_ns() -> inc_net_namespaces()",
         {},
         [](const RuleInput& in) { return in.has(NEWNET) && in.kernel.forbids(NsLimit::net); },
         "user.max_net_namespaces is 0"},
    Rule{"copy_time_ns.max_time_namespaces", ENOSPC, "kernel/time/namespace.c: copy_time_ns() -> inc_time_namespaces()",
         {{5, 6, 0}, std::nullopt, "", "769071ac9f20 \"ns: Introduce Time Namespace\" (v5.6)"},
         [](const RuleInput& in) { return in.has(NEWTIME) && in.kernel.forbids(NsLimit::time); },
         "user.max_time_namespaces is 0"},
    Rule{"copy_thread.tls_not_user", EPERM, "arch/x86/kernel/process.c: copy_thread() -> do_arch_prctl_64()", {},
         [](const RuleInput& in) { return in.has(SETTLS) && in.call.tls == TlsArg::non_canonical; },
         "CLONE_SETTLS with an FS base at or above TASK_SIZE_MAX"},
    // alloc_pid(): set_tid, checked namespace by namespace from the child's outwards.
    Rule{"alloc_pid.set_tid_too_deep", EINVAL, "kernel/pid.c: alloc_pid()", {{5, 5, 0}, std::nullopt, "", "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) {
           return static_cast<long long>(in.call.set_tid_size) > child_pidns_level(in) + 1;
         },
         "set_tid names more pid namespaces than the child will be in"},
    Rule{"alloc_pid.set_tid_range", EINVAL, "kernel/pid.c: alloc_pid()",
         {{5, 5, 0}, KernelVersion{6, 14, 0},
          "replaced by alloc_pid.set_tid_range_pidns: 7863dcc72d0f \"pid: allow pid_max to be set per pid "
          "namespace\" (v6.14) checks each entry against its own namespace's pid_max",
          "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::range; },
         "a set_tid entry is below 1 or at or above pid_max"},
    Rule{kSetTidRangePidnsRule, EINVAL, "kernel/pid.c: alloc_pid()",
         {{6, 14, 0}, std::nullopt, "",
          "7863dcc72d0f \"pid: allow pid_max to be set per pid namespace\" (v6.14), with d385c8bceb14 \"pid: Do "
          "not set pid_max in new pid namespaces\" (v6.14-rc6): a new namespace starts at PID_MAX_LIMIT"},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::range; },
         "a set_tid entry is below 1 or at or above its pid namespace's pid_max (the initial one's is "
         "kernel.pid_max, a newer one's PID_MAX_LIMIT)"},
    Rule{"alloc_pid.set_tid_no_init", EINVAL, "kernel/pid.c: alloc_pid()", {{5, 5, 0}, std::nullopt, "", "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::no_init; },
         "in a pid namespace without an init yet, only pid 1 can be chosen"},
    Rule{"alloc_pid.set_tid_capability_sys_admin", EPERM, "kernel/pid.c: alloc_pid()",
         {{5, 5, 0}, KernelVersion{5, 9, 0},
          "\"pid: use checkpoint_restore_ns_capable() for set_tid\" (v5.9; commit id not verified here) lets "
          "CAP_CHECKPOINT_RESTORE do too",
          "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::cap; },
         "choosing a pid needs CAP_SYS_ADMIN over the pid namespace"},
    Rule{"alloc_pid.set_tid_capability", EPERM, "kernel/pid.c: alloc_pid()",
         {{5, 9, 0}, std::nullopt, "",
          "124ea650d307 \"capabilities: Introduce CAP_CHECKPOINT_RESTORE\" (v5.9) and, in the same series, "
          "\"pid: use checkpoint_restore_ns_capable() for set_tid\" (v5.9)"},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::cap; },
         "choosing a pid needs CAP_CHECKPOINT_RESTORE (or CAP_SYS_ADMIN) over the pid namespace"},
    Rule{"alloc_pid.set_tid_in_use", EEXIST, "kernel/pid.c: alloc_pid()", {{5, 5, 0}, std::nullopt, "", "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::in_use; },
         "the chosen pid is taken in that namespace"},
    // copy_process(), right after alloc_pid(): a descriptor is reserved for
    // the pidfd (get_unused_fd_flags(): open-coded in 6.1, in
    // __pidfd_prepare() in 6.12), before put_user() writes it out.
    Rule{"copy_process.pidfd_emfile", EMFILE, "kernel/fork.c: copy_process() -> get_unused_fd_flags() -> fs/file.c: alloc_fd()",
         {{5, 2, 0}, std::nullopt, "", "b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2)"},
         [](const RuleInput& in) { return in.has(PIDFD) && in.caller.fd_table_full; },
         "CLONE_PIDFD needs a free descriptor below RLIMIT_NOFILE for the pidfd, and the caller's table has none"},
    // copy_process(), right after alloc_pid(): the pidfd is reserved and
    // put_user() to args->pidfd; a fault unwinds (bad_fork_put_pidfd).
    Rule{"copy_process.pidfd_fault", EFAULT, "kernel/fork.c: copy_process()",
         {{5, 2, 0}, std::nullopt, "",
          "b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2): the put_user() to legacy clone's parent_tid; "
          "7f192e3cd316 \"fork: add clone3\" (v5.3) gave clone3 its own pidfd pointer"},
         // Legacy clone: args->pidfd is parent_tidptr (kernel_call() sets
         // pidfd_fault when parent_tid is unmapped).
         [](const RuleInput& in) { return in.has(PIDFD) && in.call.pidfd_fault; },
         "CLONE_PIDFD writes the new descriptor's number where pidfd points, and that must be writable"},
    // cgroup_can_fork() -> cgroup_css_set_fork(): CLONE_INTO_CGROUP's descriptor.
    Rule{"cgroup_css_set_fork.not_cgroup2_dir", EBADF, "kernel/cgroup/cgroup.c: cgroup_css_set_fork()", {{5, 7, 0}, std::nullopt, "", "ef2c41cf38a7 \"clone3: allow spawning processes into cgroups\" (v5.7)"},
         [](const RuleInput& in) { return in.has(INTO_CGROUP) && in.call.cgroup != CgroupArg::harness; },
         "the cgroup field must be an open descriptor of a cgroup v2 directory"},
    Rule{"cgroup_may_write.not_writable", EACCES, "kernel/cgroup/cgroup.c: cgroup_may_write()", {{5, 7, 0}, std::nullopt, "", "ef2c41cf38a7 \"clone3: allow spawning processes into cgroups\" (v5.7)"},
         [](const RuleInput& in) {
           // The harness's cgroup directory is root's (cgroup.procs 0644): writable
           // by uid 0 as the initial namespace knows it (an owner match, which a
           // user namespace mapping 0 to 0 keeps), not by other uids.
           return in.has(INTO_CGROUP) && in.call.cgroup == CgroupArg::harness && in.caller.uid != 0;
         },
         "the caller may not write the target cgroup's cgroup.procs"},
    Rule{"cgroup_attach_permissions.thread_other_domain", EOPNOTSUPP, "kernel/cgroup/cgroup.c: cgroup_attach_permissions()", {{5, 7, 0}, std::nullopt, "", "ef2c41cf38a7 \"clone3: allow spawning processes into cgroups\" (v5.7)"},
         [](const RuleInput& in) { return in.has(INTO_CGROUP | THREAD); },
         "a thread cannot start in another domain cgroup than its thread group's"},
    // cgroup_can_fork(): each controller's can_fork, after the css_set is found.
    Rule{"pids_can_fork.pids_max", EAGAIN, "kernel/cgroup/pids.c: pids_can_fork()", {},
         [](const RuleInput& in) {
           // CLONE_INTO_CGROUP picks the child's cgroup v2 only: it escapes a
           // v2 limit, not one in the v1 pids hierarchy.
           return in.caller.pids_at_max && !(in.has(INTO_CGROUP) && in.caller.pids_max_on_cgroup2);
         },
         "the caller's cgroup is at pids.max (threads count too)"},
};

constexpr std::array kCloneArgsSizes = {
    CloneArgsSize{kCloneArgsSizeVer0, {{5, 3, 0}, KernelVersion{5, 5, 0},
                                       "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5) adds "
                                       "set_tid and set_tid_size",
                                       "7f192e3cd316 \"fork: add clone3\" (v5.3)"},
                  "flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls"},
    CloneArgsSize{kCloneArgsSizeVer1, {{5, 5, 0}, KernelVersion{5, 7, 0},
                                       "ef2c41cf38a7 \"clone3: allow spawning processes into cgroups\" (v5.7) adds "
                                       "cgroup",
                                       "49cb2fc42ce4 \"fork: extend clone3() to support setting a PID\" (v5.5)"},
                  "+ set_tid, set_tid_size"},
    CloneArgsSize{kCloneArgsSizeVer2, {{5, 7, 0}, std::nullopt, "",
                                       "ef2c41cf38a7 \"clone3: allow spawning processes into cgroups\" (v5.7)"},
                  "+ cgroup"},
};

}  // namespace

std::span<const CloneArgsSize> clone_args_sizes() { return kCloneArgsSizes; }

bool clone_args_nonzero_beyond(const KernelCall& c, std::uint64_t kernel_size) {
  if (c.size <= kernel_size) return false;
  return (kernel_size < kCloneArgsSizeVer1 && (c.set_tid_pointer || c.set_tid_size > 0)) ||
         (kernel_size < kCloneArgsSizeVer2 && c.cgroup != CgroupArg::none) || c.tail_nonzero;
}

std::uint64_t clone_args_size(const KernelVersion& v) {
  for (const CloneArgsSize& s : kCloneArgsSizes)
    if (s.versions.contains(v)) return s.size;
  return 0;
}

std::span<const Rule> refusal_rules() { return kRules; }

namespace {
// Whether each pid namespace has a pid_max of its own: where the rule that
// checks set_tid against it holds (its range cites the change).
bool per_pidns_pid_max(const RuleInput& in) {
  const Rule* r = find_rule(kSetTidRangePidnsRule);
  return r && r->versions.contains(in.kernel.version);
}
}  // namespace

SetTidTarget set_tid_target(std::size_t index, std::uint64_t flags, const Caller& caller) {
  // Entry 0 is the child's own namespace: new with CLONE_NEWPID, else the
  // caller's pid_for_children (without an init yet if it was unshared).
  const bool first_fresh = (flags & NEWPID) != 0 || caller.pid_for_children_differs;
  if (index == 0 && first_fresh) return {true, 0};
  return {false, index - (first_fresh ? 1 : 0)};
}

const Rule* find_rule(std::string_view id) {
  for (const Rule& r : kRules)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace clonediff::model
