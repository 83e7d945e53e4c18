#include "model/rules.hpp"

#include <array>
#include <cerrno>

#include "model/flags.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

// Namespaces copy_namespaces() creates (the user namespace is created earlier,
// by copy_creds()).
constexpr std::uint64_t kNsproxyFlags = NEWNS | NEWUTS | NEWIPC | NEWPID | NEWNET | NEWCGROUP | NEWTIME;

// Whether the child will hold CAP_SYS_ADMIN over the user namespace that owns
// its new namespaces: a fresh user namespace gives its creator every
// capability in it; otherwise the caller's own capability counts.
bool admin_over_child_userns(const RuleInput& in) {
  return in.has(NEWUSER) || in.caller.cap_sys_admin;
}

constexpr std::array kRules = {
    Rule{"kernel_clone.pidfd_parent_settid", EINVAL, "kernel/fork.c: kernel_clone()",
         {{5, 2, 0}, std::nullopt, ""},
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
          "a CLONE_VM child now stays in the caller's time namespace"},
         [](const RuleInput& in) { return in.any(THREAD | VM) && in.caller.time_for_children_differs; },
         "a child in another time namespace may not share the address space (the vDSO data page differs)"},
    Rule{"copy_process.pidfd_thread", EINVAL, "kernel/fork.c: copy_process()",
         {{5, 2, 0}, KernelVersion{6, 9, 0},
          "removed by 83b290c9e3b5 \"pidfd: clone: allow CLONE_THREAD | CLONE_PIDFD together\" (v6.9), "
          "with PIDFD_THREAD pidfds"},
         [](const RuleInput& in) { return in.has(PIDFD | THREAD); },
         "CLONE_PIDFD was blocked for threads until thread pidfds existed"},
    Rule{"copy_process.pidfd_detached", EINVAL, "kernel/fork.c: copy_process()",
         {{5, 2, 0}, std::nullopt, ""},
         [](const RuleInput& in) { return in.has(PIDFD | DETACHED); },
         "CLONE_DETACHED is kept unusable with CLONE_PIDFD so the bit can be reused"},
    Rule{"create_user_ns.depth", ENOSPC, "kernel/user_namespace.c: create_user_ns()",
         {},
         [](const RuleInput& in) { return in.has(NEWUSER) && in.caller.userns_level > 32; },
         "user namespaces nest at most 32 deep"},
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
};

}  // namespace

std::span<const Rule> refusal_rules() { return kRules; }

const Rule* find_rule(std::string_view id) {
  for (const Rule& r : kRules)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace clonediff::model
