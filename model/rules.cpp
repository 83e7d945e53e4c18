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
    // checkpoint_restore_ns_capable(): CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE,
    // counted in the caller's user namespace, which must reach the owner.
    const bool capable_over_existing =
        (in.caller.cap_checkpoint_restore || in.caller.cap_sys_admin) && in.caller.userns_owns_pidns;
    if (!capable_in_new && !capable_over_existing) return TidFailure::cap;
    if (t.kind == TidSpec::Kind::in_use || (is_one && !fresh_ns)) return TidFailure::in_use;
  }
  return TidFailure::none;
}

// The nesting level of the pid namespace the child is born in.
long long child_pidns_level(const RuleInput& in) {
  return in.caller.pidns_level + (in.caller.pid_for_children_differs ? 1 : 0) + (in.has(NEWPID) ? 1 : 0);
}

constexpr std::array kRules = {
    // clone3(): copy_clone_args_from_user(), then clone3_args_valid().
    Rule{"clone3.size_above_page", E2BIG, "kernel/fork.c: copy_clone_args_from_user()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.call.size > kPageSize; },
         "struct clone_args may not be larger than a page"},
    Rule{"clone3.size_below_ver0", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.call.size < kCloneArgsSizeVer0; },
         "struct clone_args is at least CLONE_ARGS_SIZE_VER0 (64 bytes, up to tls)"},
    Rule{"clone3.nonzero_tail", E2BIG, "lib/usercopy.c: copy_struct_from_user()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.call.tail_nonzero; },
         "bytes beyond the kernel's struct must be zero: a newer caller asked for what this kernel cannot do"},
    Rule{"clone3.set_tid_size_above_max", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.call.set_tid_size > 32; },
         "set_tid_size may not exceed MAX_PID_NS_LEVEL (32)"},
    Rule{"clone3.set_tid_size_without_array", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {},
         [](const RuleInput& in) { return is_clone3(in) && !in.call.set_tid_pointer && in.call.set_tid_size > 0; },
         "a set_tid_size needs a set_tid array"},
    Rule{"clone3.set_tid_array_without_size", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.call.set_tid_pointer && in.call.set_tid_size == 0; },
         "a set_tid array needs a set_tid_size"},
    Rule{"clone3.exit_signal_invalid", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {},
         [](const RuleInput& in) {
           return is_clone3(in) && ((in.call.exit_signal & ~kCsignal) != 0 || in.call.exit_signal > 64);
         },
         "clone3 validates its exit signal: no bits above the low byte, and at most _NSIG (64)"},
    Rule{"clone3.into_cgroup_args", EINVAL, "kernel/fork.c: copy_clone_args_from_user()", {},
         [](const RuleInput& in) {
           return is_clone3(in) && in.has(INTO_CGROUP) &&
                  (in.call.cgroup == CgroupArg::above_int_max || in.call.size < kCloneArgsSizeVer2);
         },
         "CLONE_INTO_CGROUP needs the cgroup field (size >= 88) holding a descriptor number up to INT_MAX"},
    Rule{"clone3.unknown_flags", EINVAL, "kernel/fork.c: clone3_args_valid()", {},
         [](const RuleInput& in) {
           return is_clone3(in) && (in.call.flags & ~(0xffffffffULL | CLEAR_SIGHAND | INTO_CGROUP)) != 0;
         },
         "flag bits this kernel does not know are refused, not ignored"},
    Rule{"clone3.detached_or_csignal", EINVAL, "kernel/fork.c: clone3_args_valid()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.any(DETACHED | (kCsignal & ~NEWTIME)); },
         "CLONE_DETACHED and the CSIGNAL bits (but CLONE_NEWTIME) are kept for reuse by clone3"},
    Rule{"clone3.sighand_and_clear_sighand", EINVAL, "kernel/fork.c: clone3_args_valid()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.has(SIGHAND | CLEAR_SIGHAND); },
         "shared handlers cannot be cleared for the child alone"},
    Rule{"clone3.exit_signal_with_thread_or_parent", EINVAL, "kernel/fork.c: clone3_args_valid()", {},
         [](const RuleInput& in) { return is_clone3(in) && in.any(THREAD | PARENT) && in.call.exit_signal != 0; },
         "a thread or a sibling does not choose its exit signal: clone3 wants 0 there"},
    Rule{"clone3.stack_invalid", EINVAL, "kernel/fork.c: clone3_stack_valid()", {},
         [](const RuleInput& in) {
           return is_clone3(in) && (in.call.stack == StackArg::size_without_address ||
                                    in.call.stack == StackArg::address_without_size ||
                                    in.call.stack == StackArg::kernel_address);
         },
         "stack and stack_size come together, and the range must lie in user space (access_ok)"},
    Rule{"kernel_clone.pidfd_parent_settid", EINVAL, "kernel/fork.c: kernel_clone()",
         {{5, 2, 0}, std::nullopt, "", "b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2)"},
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
    Rule{"create_user_ns.depth", ENOSPC, "kernel/user_namespace.c: create_user_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWUSER) && in.caller.userns_level > 32; },
         "user namespaces nest at most 32 deep"},
    Rule{"create_user_ns.quota", ENOSPC, "kernel/user_namespace.c: create_user_ns() -> inc_user_namespaces()", {},
         [](const RuleInput& in) { return in.has(NEWUSER) && in.caller.userns_quota_reached; },
         "max_user_namespaces (per user namespace) allows the caller's namespace no more"},
    Rule{"create_user_ns.chroot", EPERM, "kernel/user_namespace.c: create_user_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWUSER) && in.caller.chrooted; },
         "a chrooted caller could escape its root through a new user namespace"},
    Rule{"copy_process.rlimit_nproc", EAGAIN, "kernel/fork.c: copy_process()",
         {},
         [](const RuleInput& in) {
           return in.caller.nproc_at_limit && in.caller.uid != 0 && !in.caller.cap_sys_resource &&
                  !in.caller.cap_sys_admin_init;
         },
         "the caller's user is at RLIMIT_NPROC and holds neither CAP_SYS_RESOURCE nor CAP_SYS_ADMIN"},
    Rule{"copy_namespaces.cap_sys_admin", EPERM, "kernel/nsproxy.c: copy_namespaces()",
         {},
         [](const RuleInput& in) { return in.any(kNsproxyFlags) && !admin_over_child_userns(in); },
         "new namespaces need CAP_SYS_ADMIN in the user namespace that will own them"},
    Rule{"copy_namespaces.newipc_sysvsem", EINVAL, "kernel/nsproxy.c: copy_namespaces()",
         {},
         [](const RuleInput& in) { return in.has(NEWIPC | SYSVSEM); },
         "a child in a new IPC namespace cannot share an undo list for semaphores it can no longer reach"},
    Rule{"copy_pid_ns.not_active_pidns", EINVAL, "kernel/pid_namespace.c: copy_pid_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWPID) && in.caller.pid_for_children_differs; },
         "a new pid namespace is only made below the caller's active one, not below an unshared pid_for_children"},
    Rule{"copy_pid_ns.depth", ENOSPC, "kernel/pid_namespace.c: create_pid_namespace()",
         {},
         [](const RuleInput& in) { return in.has(NEWPID) && in.caller.pidns_level + 1 > 32; },
         "pid namespaces nest at most MAX_PID_NS_LEVEL (32) deep"},
    Rule{"copy_thread.tls_not_user", EPERM, "arch/x86/kernel/process.c: copy_thread() -> do_arch_prctl_64()", {},
         [](const RuleInput& in) { return in.has(SETTLS) && in.call.tls == TlsArg::non_canonical; },
         "CLONE_SETTLS with an FS base at or above TASK_SIZE_MAX"},
    // alloc_pid(): set_tid, checked namespace by namespace from the child's outwards.
    Rule{"alloc_pid.set_tid_too_deep", EINVAL, "kernel/pid.c: alloc_pid()", {},
         [](const RuleInput& in) {
           return static_cast<long long>(in.call.set_tid_size) > child_pidns_level(in) + 1;
         },
         "set_tid names more pid namespaces than the child will be in"},
    Rule{"alloc_pid.set_tid_range", EINVAL, "kernel/pid.c: alloc_pid()",
         {{0, 0, 0}, KernelVersion{6, 14, 0},
          "replaced by alloc_pid.set_tid_range_pidns: 7863dcc72d0f \"pid: allow pid_max to be set per pid "
          "namespace\" (v6.14) checks each entry against its own namespace's pid_max",
          ""},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::range; },
         "a set_tid entry is below 1 or at or above pid_max"},
    Rule{kSetTidRangePidnsRule, EINVAL, "kernel/pid.c: alloc_pid()",
         {{6, 14, 0}, std::nullopt, "",
          "7863dcc72d0f \"pid: allow pid_max to be set per pid namespace\" (v6.14), with d385c8bceb14 \"pid: Do "
          "not set pid_max in new pid namespaces\" (v6.14-rc6): a new namespace starts at PID_MAX_LIMIT"},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::range; },
         "a set_tid entry is below 1 or at or above its pid namespace's pid_max (the initial one's is "
         "kernel.pid_max, a newer one's PID_MAX_LIMIT)"},
    Rule{"alloc_pid.set_tid_no_init", EINVAL, "kernel/pid.c: alloc_pid()", {},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::no_init; },
         "in a pid namespace without an init yet, only pid 1 can be chosen"},
    Rule{"alloc_pid.set_tid_capability", EPERM, "kernel/pid.c: alloc_pid()", {},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::cap; },
         "choosing a pid needs CAP_CHECKPOINT_RESTORE (or CAP_SYS_ADMIN) over the pid namespace"},
    Rule{"alloc_pid.set_tid_in_use", EEXIST, "kernel/pid.c: alloc_pid()", {},
         [](const RuleInput& in) { return first_set_tid_failure(in) == TidFailure::in_use; },
         "the chosen pid is taken in that namespace"},
    // cgroup_can_fork() -> cgroup_css_set_fork(): CLONE_INTO_CGROUP's descriptor.
    Rule{"cgroup_css_set_fork.not_cgroup2_dir", EBADF, "kernel/cgroup/cgroup.c: cgroup_css_set_fork()", {},
         [](const RuleInput& in) { return in.has(INTO_CGROUP) && in.call.cgroup != CgroupArg::harness; },
         "the cgroup field must be an open descriptor of a cgroup v2 directory"},
    Rule{"cgroup_may_write.not_writable", EACCES, "kernel/cgroup/cgroup.c: cgroup_may_write()", {},
         [](const RuleInput& in) {
           // The harness's cgroup directory is root's (cgroup.procs 0644): writable
           // by uid 0 as the initial namespace knows it (an owner match, which a
           // user namespace mapping 0 to 0 keeps), not by other uids.
           return in.has(INTO_CGROUP) && in.call.cgroup == CgroupArg::harness && in.caller.uid != 0;
         },
         "the caller may not write the target cgroup's cgroup.procs"},
    Rule{"cgroup_attach_permissions.thread_other_domain", EOPNOTSUPP, "kernel/cgroup/cgroup.c: cgroup_attach_permissions()", {},
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

}  // namespace

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
