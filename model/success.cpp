#include "model/success.hpp"

#include <array>

#include "model/flags.hpp"
#include "model/names.hpp"
#include "model/semantics.hpp"
#include "model/signals.hpp"

namespace clonediff::model {

using namespace flag;

bool SuccessInput::child_is_pidns_init() const { return has(NEWPID) || caller.pid_for_children_differs; }
bool SuccessInput::enters_time_ns() const { return has(NEWTIME) || caller.time_for_children_differs; }

namespace {

using Notes = std::vector<std::string>;

// The pid namespace init's exit sets SIGCHLD to SIG_IGN in the sighand it
// shares with the caller (zap_pid_ns_processes()).
bool init_shares_handlers(const SuccessInput& in) { return in.child_is_pidns_init() && in.has(SIGHAND); }

// Which after= scenario a row concerns (model/request.hpp's AfterArg).
template <AfterArg A>
bool after_is(const SuccessInput& in) {
  return in.call.after == A;
}
// The scenarios that poll() the returned pidfd.
bool polls_pidfd(const SuccessInput& in) {
  return in.call.after == AfterArg::poll || in.call.after == AfterArg::leader_exit;
}
bool waits_on_pidfd(const SuccessInput& in) {
  return in.call.after == AfterArg::waitid || in.call.after == AfterArg::stop;
}
// The scenarios that look through the pidfd the call returned (all but
// after=thread, which opens one, and after=reuse, which needs none).
bool through_returned_pidfd(const SuccessInput& in) {
  return in.call.after != AfterArg::none && in.call.after != AfterArg::thread && in.call.after != AfterArg::reuse;
}

constexpr std::array kRows = {
    // copy_semundo(): CLONE_SYSVSEM shares (allocating if needed); otherwise
    // the child starts with no undo list.
    SuccessRow{"copy_semundo.sysvsem", "ipc/sem.c: copy_semundo()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 o[Resource::sysvsem] = in.has(SYSVSEM) ? Fact::yes : in.caller.sysvsem_undo ? Fact::no : Fact::unknown;
                 if (!in.caller.sysvsem_undo && !in.has(SYSVSEM))
                   notes.emplace_back("sysvsem: the caller holds no undo list, so sharing cannot be told");
               },
               "CLONE_SYSVSEM shares the SysV undo list; otherwise the child has none", ""},
    SuccessRow{"copy_files.files", "kernel/fork.c: copy_files()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) { o[Resource::files] = fact_of(in.has(FILES)); },
               "CLONE_FILES shares the descriptor table; otherwise it is copied", ""},
    SuccessRow{"copy_fs.fs", "kernel/fork.c: copy_fs()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) { o[Resource::fs] = fact_of(in.has(FS)); },
               "CLONE_FS shares root, cwd and umask; otherwise they are copied", ""},
    SuccessRow{"copy_sighand.sighand", "kernel/fork.c: copy_sighand()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 o[Resource::sighand] = fact_of(in.has(SIGHAND));
                 // CLONE_CLEAR_SIGHAND resets handlers that are not SIG_IGN.
                 o[Trait::caught_signal_reset] = fact_of(in.has(CLEAR_SIGHAND));
                 o[Trait::ignored_signal_kept] = Fact::yes;
               },
               "CLONE_SIGHAND shares the handlers; otherwise they are copied (CLONE_CLEAR_SIGHAND: caught ones reset)",
               ""},
    // copy_process(): pdeath_signal is cleared; the blocked mask is copied,
    // the pending sets start empty, but a thread shares its group's
    // shared_pending (copy_signal()).
    SuccessRow{"copy_process.signal_state", "kernel/fork.c: copy_process(), copy_signal()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 o[Trait::pdeath_signal_reset] = Fact::yes;
                 o[Trait::blocked_mask_inherited] = Fact::yes;
                 o[Trait::pending_inherited] = Fact::no;
                 o[Trait::shared_pending_visible] = fact_of(in.has(THREAD));
               },
               "pdeath_signal 0, the caller's blocked mask, no pending signals but a thread group's shared ones", ""},
    SuccessRow{"copy_seccomp.seccomp", "kernel/fork.c: copy_seccomp()", {}, nullptr,
               [](const SuccessInput&, Outcome& o, Notes&) { o[Trait::seccomp_inherited] = Fact::yes; },
               "the caller's seccomp mode and filters", ""},
    SuccessRow{"copy_mm.vm", "kernel/fork.c: copy_mm()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) { o[Resource::vm] = fact_of(in.has(VM)); },
               "CLONE_VM shares the address space; otherwise it is copied", ""},
    // copy_namespaces() / copy_creds(). pid and pid_for_children of the child
    // both name the namespace the child was born in: the caller's
    // pid_for_children, or a new one below it. time_for_children is new with
    // CLONE_NEWTIME; a child that does not share the mm enters it
    // (timens_on_fork()).
    SuccessRow{"copy_namespaces.namespaces", "kernel/nsproxy.c: copy_namespaces(), kernel/cred.c: copy_creds()", {},
               nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 o[Ns::mnt] = fact_of(in.has(NEWNS));
                 o[Ns::uts] = fact_of(in.has(NEWUTS));
                 o[Ns::ipc] = fact_of(in.has(NEWIPC));
                 o[Ns::net] = fact_of(in.has(NEWNET));
                 o[Ns::pid] = fact_of(in.child_is_pidns_init());
                 o[Ns::pid_for_children] = fact_of(in.has(NEWPID));
                 o[Ns::user] = fact_of(in.has(NEWUSER));
                 o[Ns::cgroup] = fact_of(in.has(NEWCGROUP));
                 o[Ns::time] = fact_of(!in.has(VM) && in.enters_time_ns());
                 o[Ns::time_for_children] = fact_of(in.has(NEWTIME));
               },
               "a new namespace for each CLONE_NEW* flag; a child not sharing the mm enters a new time_for_children",
               ""},
    // Before v6.2 timens_on_fork() moved every child into a new
    // time_for_children, CLONE_VM children too.
    SuccessRow{semantic::kTimensVmChildEnters, "kernel/nsproxy.c: copy_namespaces() -> timens_on_fork()",
               {{5, 6, 0}, KernelVersion{6, 2, 0},
                "ended by 2b5f9dad32ed \"fs/exec: switch timens when a task gets a new mm\" (v6.2): copy_namespaces() "
                "calls timens_on_fork() only without CLONE_VM",
                "added with time namespaces by 769071ac9f20 \"ns: Introduce Time Namespace\" (v5.6)"},
               [](const SuccessInput& in) { return in.has(VM) && in.enters_time_ns(); },
               [](const SuccessInput&, Outcome& o, Notes&) { o[Ns::time] = Fact::yes; },
               "a CLONE_VM child with CLONE_NEWTIME enters the new time namespace, as every child does",
               "a CLONE_VM child stays in the caller's time namespace; only its time_for_children is new"},
    // copy_io(): a caller without an io context leaves the child without one
    // too; kcmp then sees NULL == NULL and nothing can be told.
    SuccessRow{"copy_io.io", "kernel/fork.c: copy_io()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 o[Resource::io] = in.caller.io_context ? fact_of(in.has(IO)) : Fact::unknown;
                 if (!in.caller.io_context)
                   notes.emplace_back("io: the caller holds no io context, so sharing cannot be told");
               },
               "CLONE_IO shares the io context; otherwise the child gets its own", ""},
    SuccessRow{"copy_thread.tls", "arch/x86/kernel/process.c: copy_thread()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) { o[Trait::tls_set] = fact_of(in.has(SETTLS)); },
               "CLONE_SETTLS sets the FS base to tls; otherwise it is the caller's", ""},
    SuccessRow{"alloc_pid.set_tid", "kernel/pid.c: alloc_pid()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.call.set_tid_size > 0) o[Trait::set_tid_honoured] = Fact::yes;
               },
               "the pids set_tid chose", ""},
    // pidfd_prepare(): O_CLOEXEC, and PIDFD_THREAD for a thread.
    SuccessRow{"pidfd_prepare.pidfd", "kernel/fork.c: copy_process() -> pidfd_prepare()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (!in.has(PIDFD)) return;
                 o[Trait::pidfd] = Fact::yes;
                 o[Trait::pidfd_cloexec] = Fact::yes;
                 o[Trait::pidfd_thread] = fact_of(in.has(THREAD));
                 o[Trait::pidfd_readable_at_exit] = Fact::yes;
               },
               "CLONE_PIDFD returns an O_CLOEXEC pidfd (PIDFD_THREAD for a thread), readable once the child left", ""},
    // pidfd_show_fdinfo(): since v5.5 the pidfd's fdinfo gives NSpid (every
    // level from the reading /proc's pid namespace down), and Pid -1 (NSpid
    // -1) once no task is attached to the pid: release_task() after the
    // reap, or at a thread's exit. Before, Pid stayed the old number. Only
    // where the caller's wait (or a thread's own exit) releases the child;
    // a CLONE_PARENT child is reaped elsewhere, after the caller looked.
    SuccessRow{"pidfd_show_fdinfo.pid_kept_after_reap", "kernel/fork.c: pidfd_show_fdinfo()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.has(PIDFD) && !in.has(PARENT)) o[Trait::pidfd_pid_cleared] = Fact::no;
               },
               "before v5.5 a pidfd's fdinfo shows the child's old Pid after the reap", ""},
    SuccessRow{"pidfd_show_fdinfo.nspid_and_released",
               "kernel/fork.c: pidfd_show_fdinfo() (fs/pidfs.c from v6.9)",
               {{5, 5, 0}, std::nullopt, "",
                "\"pidfd: add NSpid entries to fdinfo\" and \"pidfd: check pid has attached task in fdinfo\" (v5.5; "
                "the second also in 5.4.294; commit id not verified here for either)"},
               [](const SuccessInput& in) { return in.has(PIDFD); },
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 o[Trait::pidfd_nspid] = Fact::yes;
                 if (!in.has(PARENT)) o[Trait::pidfd_pid_cleared] = Fact::yes;
               },
               "the pidfd's fdinfo shows NSpid, and Pid -1 once the child was reaped",
               "no NSpid line; Pid keeps the reaped child's number"},
    // copy_process(): sas_ss_reset() when the child shares the mm but does
    // not suspend the caller; the tid words (schedule_tail() writes
    // child_tid in the child; mm_release() clears it and wakes a futex there
    // only while others share the mm).
    SuccessRow{"copy_process.sigaltstack", "kernel/fork.c: copy_process()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 o[Trait::sigaltstack_reset] = fact_of(in.has(VM) && !in.has(VFORK));
               },
               "a CLONE_VM child that does not suspend the caller has no alternate signal stack", ""},
    // glibc's clone(): its child runs fn, then SYS_exit with fn's return
    // value; seen where the caller reaps it (not a thread, not CLONE_PARENT's).
    SuccessRow{"glibc_clone.exit_status", "glibc sysdeps/unix/sysv/linux/x86_64/clone.S: __clone() (the child)", {},
               nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.call.exit_status_from_fn && !in.has(THREAD) && !in.has(PARENT))
                   o[Trait::exit_status_from_fn] = Fact::yes;
               },
               "glibc's clone() child leaves with its function's return value as exit status", ""},
    SuccessRow{"copy_process.tid_words", "kernel/fork.c: copy_process(), schedule_tail(), mm_release()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 // A child_tid nobody can read: schedule_tail() and
                 // mm_release() ignore the fault of their put_user(), so
                 // the child lives on and nothing can be seen.
                 if (in.call.child_tid_fault) {
                   if (in.has(CHILD_SETTID | CHILD_CLEARTID))
                     notes.emplace_back("child_tid is unmapped: schedule_tail() and mm_release() ignore the fault "
                                        "of their put_user(); nothing is written, and nothing can be seen there");
                   return;
                 }
                 o[Trait::child_settid] = fact_of(in.has(CHILD_SETTID));
                 o[Trait::child_cleartid] = fact_of(in.has(CHILD_CLEARTID) && in.has(VM));
                 o[Trait::cleartid_wake] = fact_of(in.has(CHILD_CLEARTID) && in.has(VM));
               },
               "CLONE_CHILD_SETTID writes the tid in the child; CLONE_CHILD_CLEARTID clears it (and wakes) in a "
               "shared mm",
               ""},
    // What is copied, not shared, starts equal: copy_fs() copies root, cwd
    // and umask (or shares them), copy_creds() the credentials (a new user
    // namespace changes no id), dup_mmap() the memory, and dup_fd() takes a
    // reference on each open file description instead of opening it again,
    // so offsets stay shared without CLONE_FILES.
    SuccessRow{"copy_process.copied_equal",
               "kernel/fork.c: copy_fs(), copy_mm() -> dup_mmap(), copy_files() -> dup_fd(); kernel/cred.c: "
               "copy_creds()",
               {}, nullptr,
               [](const SuccessInput&, Outcome& o, Notes&) {
                 o[Trait::umask_copied] = Fact::yes;
                 o[Trait::cwd_copied] = Fact::yes;
                 o[Trait::root_copied] = Fact::yes;
                 o[Trait::creds_copied] = Fact::yes;
                 o[Trait::memory_copied] = Fact::yes;
                 o[Trait::open_file_shared] = Fact::yes;
               },
               "umask, cwd, root, credentials and memory start as the caller's; open file descriptions are shared",
               ""},
    // alloc_pid() gives the child one pid per level, from the namespace it is
    // born in up to the initial one; kernel_clone() returns the one in the
    // caller's active namespace (pid_vnr()), and gettid() in the child the
    // innermost.
    SuccessRow{"alloc_pid.levels", "kernel/pid.c: alloc_pid(); kernel/fork.c: kernel_clone()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 o[Trait::nspid_has_returned_pid] = Fact::yes;
                 o[Trait::tid_is_innermost_nspid] = Fact::yes;
                 o[Trait::tid_is_returned_pid] = fact_of(!in.child_is_pidns_init());
               },
               "the returned pid is the child's in the caller's namespace; its own tid is its innermost pid", ""},
    // wait_task_zombie(): the caller's wait for any child reaps this one, by
    // the pid the call returned -- where the caller is its parent.
    SuccessRow{"wait_task_zombie.reaped_pid", "kernel/exit.c: do_wait() -> wait_task_zombie()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (!in.has(THREAD | PARENT)) o[Trait::reaped_pid_is_returned] = Fact::yes;
               },
               "the caller's wait reaps the child by the pid the call returned", ""},
    // setup_net() runs every pernet init; loopback_net_init() registers lo,
    // and nothing brings it up.
    SuccessRow{"copy_net_ns.loopback", "net/core/net_namespace.c: copy_net_ns(); drivers/net/loopback.c: "
               "loopback_net_init()",
               {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.has(NEWNET)) o[Trait::net_loopback_only_down] = Fact::yes;
               },
               "a new network namespace holds only lo, down", ""},
    // copy_process(): CLONE_THREAD joins the caller's group; CLONE_PARENT and
    // CLONE_THREAD take the caller's real_parent, and the exit signal of its
    // group leader (or none, for a thread).
    SuccessRow{"copy_process.tree", "kernel/fork.c: copy_process()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 o.same_tgid = fact_of(in.has(THREAD));
                 o.ppid_is_caller = fact_of(!in.has(PARENT | THREAD));
                 o[Trait::ppid_is_callers_parent] = fact_of(in.has(PARENT | THREAD));
                 if (in.has(THREAD)) {
                   o.exit_signal = -1;
                 } else if (in.has(PARENT)) {
                   o.exit_signal = in.caller.leader_exit_signal;
                   notes.emplace_back("exit signal: CLONE_PARENT takes the caller's group leader's (" +
                                      signal_name(in.caller.leader_exit_signal) + "), not the requested one");
                 } else {
                   o.exit_signal = static_cast<long long>(in.call.exit_signal);
                 }
               },
               "a thread joins the caller's group; CLONE_PARENT or CLONE_THREAD take the caller's parent", ""},
    SuccessRow{"cgroup_post_fork.into_cgroup", "kernel/cgroup/cgroup.c: cgroup_post_fork()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.has(INTO_CGROUP)) o[Trait::into_cgroup] = Fact::yes;
               },
               "CLONE_INTO_CGROUP starts the child in that cgroup", ""},
    // kernel_clone(): writes parent_tid in the caller, and waits for
    // vfork_done.
    SuccessRow{"kernel_clone.parent_side", "kernel/fork.c: kernel_clone()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 if (!in.call.parent_tid_fault)
                   o[Trait::parent_settid] = fact_of(in.has(PARENT_SETTID));
                 else if (in.has(PARENT_SETTID))
                   notes.emplace_back("parent_tid is unmapped: kernel_clone() ignores the fault of its put_user(); "
                                      "the call succeeds and nothing can be seen there");
                 o[Trait::caller_suspended] = fact_of(in.has(VFORK));
               },
               "CLONE_PARENT_SETTID writes the tid in the caller; CLONE_VFORK suspends the caller", ""},
    // A child born as the init of a new pid namespace runs
    // zap_pid_ns_processes() when it exits, which sets SIGCHLD to SIG_IGN in
    // its sighand (kernel/pid_namespace.c) -- the caller's, under
    // CLONE_SIGHAND.
    SuccessRow{"zap_pid_ns_processes.sigchld_ignored", "kernel/pid_namespace.c: zap_pid_ns_processes()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 const bool ignores = init_shares_handlers(in);
                 o[Trait::caller_sigchld_ignored] = fact_of(ignores);
                 if (ignores)
                   notes.emplace_back("the child is a pid namespace init sharing the caller's handlers: its exit sets "
                                      "the caller's SIGCHLD to SIG_IGN (zap_pid_ns_processes)");
               },
               "a pid namespace init's exit ignores SIGCHLD in the handlers it shares with the caller", ""},
    // do_notify_parent(): a thread sends nothing, a CLONE_PARENT child
    // notifies the caller's parent, a signal outside 1..64 is not sent, and
    // SIGCHLD to a parent that ignores it is dropped (the child is reaped at
    // once) -- which the child's own exit arranged above, before notifying.
    // What is sent is then dropped where the caller ignores it
    // (exit_signal_fate()): a pid-namespace init drops what it neither
    // blocks nor handles.
    SuccessRow{"do_notify_parent.parent_signal", "kernel/signal.c: do_notify_parent()", {}, nullptr,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 const long long sig = o.exit_signal.value_or(0);
                 const bool sent = !in.has(THREAD) && !in.has(PARENT) && sig >= 1 && sig <= 64 &&
                                   !(init_shares_handlers(in) && sig == static_cast<long long>(kSigchld));
                 o.parent_signal = sent && exit_signal_fate(sig, in.caller) == SignalFate::pending ? sig : 0;
                 if (sent && !*o.parent_signal)
                   notes.emplace_back("parent signal: the caller drops " + signal_name(sig) +
                                      (in.caller.pidns_init ? " (a pid namespace init neither blocking nor handling it)"
                                                            : " (it ignores it)"));
               },
               "the exit signal reaches the caller, unless it is a thread's, a sibling's, invalid or an ignored "
               "SIGCHLD",
               ""},
    // After the call: what the caller sees through the child's pidfd (a
    // case's after=). Each scenario's base row is what the oldest kernel
    // with CLONE_PIDFD (v5.2) does; a bounded row after it is what a later
    // release changed.
    SuccessRow{"pidfd_after.poll_default_mask", "kernel/fork.c: pidfd_fops (v5.2)", {}, &polls_pidfd,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.call.after == AfterArg::poll) {
                   o[Trait::pidfd_readable_while_running] = Fact::yes;
                   return;
                 }
                 o[Trait::pidfd_readable_leader_gone] = Fact::yes;
                 o[Trait::pidfd_readable_group_gone] = Fact::yes;
               },
               "a pidfd has no poll operation: vfs_poll() answers DEFAULT_POLLMASK, readable at once", ""},
    // after=leader_exit: the leader is a zombie whose group is not empty
    // (delay_group_leader()), so it is not yet "exited"; the last thread's
    // release_task() notifies for the leader and wakes the pidfd's waiters.
    SuccessRow{"pidfd_after.poll", "kernel/fork.c: pidfd_poll() (fs/pidfs.c from v6.9)",
               {{5, 3, 0}, std::nullopt, "", "b53b0b9d9a61 \"pidfd: add polling support\" (v5.3)"},
               &polls_pidfd,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.call.after == AfterArg::poll) {
                   o[Trait::pidfd_readable_while_running] = Fact::no;
                   return;
                 }
                 o[Trait::pidfd_readable_leader_gone] = Fact::no;
                 o[Trait::pidfd_readable_group_gone] = Fact::yes;
               },
               "pidfd_poll(): readable only once the process (its whole thread group) has exited, not when its "
               "leader alone has",
               "no poll operation: the pidfd polls readable while the child runs"},
    SuccessRow{"pidfd_after.waitid_refused", "kernel/exit.c: kernel_waitid()", {}, &waits_on_pidfd,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.call.after == AfterArg::stop) {
                   o[Trait::waitid_stopped] = Fact::no;
                   o[Trait::waitid_continued] = Fact::no;
                   return;
                 }
                 o[Trait::waitid_nohang_running] = Fact::no;
                 o[Trait::waitid_nonblock_eagain] = Fact::no;
                 o[Trait::waitid_reaps_exit] = Fact::no;
               },
               "waitid() knows no P_PIDFD: EINVAL, nothing is waited for", ""},
    SuccessRow{"pidfd_after.waitid_p_pidfd", "kernel/exit.c: kernel_waitid() P_PIDFD -> do_wait()",
               {{5, 4, 0}, std::nullopt, "", "3695eae5fee0 \"pidfd: add P_PIDFD to waitid()\" (v5.4)"},
               &waits_on_pidfd,
               [](const SuccessInput& in, Outcome& o, Notes&) {
                 if (in.call.after == AfterArg::stop) {
                   o[Trait::waitid_stopped] = Fact::yes;
                   o[Trait::waitid_continued] = Fact::yes;
                   return;
                 }
                 o[Trait::waitid_nohang_running] = Fact::yes;
                 // O_NONBLOCK is ignored: the nonblocking waitid() blocks until
                 // the child leaves and reaps it, so the later one finds none.
                 o[Trait::waitid_nonblock_eagain] = Fact::no;
                 o[Trait::waitid_reaps_exit] = Fact::no;
               },
               "waitid(P_PIDFD) waits for the pidfd's process: WNOHANG, WSTOPPED and WCONTINUED as for a pid",
               "waitid() refuses P_PIDFD with EINVAL"},
    SuccessRow{"pidfd_after.waitid_nonblock", "kernel/exit.c: kernel_waitid() (f_flags & O_NONBLOCK)",
               {{5, 10, 0}, std::nullopt, "",
                "\"exit: support non-blocking pidfds\" (v5.10, with PIDFD_NONBLOCK; commit id not verified here: a "
                "third party names ba7d25f3dff6 and 6da73d15258a)"},
               &after_is<AfterArg::waitid>,
               [](const SuccessInput&, Outcome& o, Notes&) {
                 o[Trait::waitid_nonblock_eagain] = Fact::yes;
                 o[Trait::waitid_reaps_exit] = Fact::yes;
               },
               "a pidfd with O_NONBLOCK makes waitid() WNOHANG, and 'nothing yet' is EAGAIN",
               "O_NONBLOCK on a pidfd is ignored: the nonblocking waitid() blocks until the child leaves and reaps "
               "it, so the later one finds nothing"},
    SuccessRow{"pidfd_after.signal_reaped", "kernel/signal.c: pidfd_send_signal() -> kill_pid_info()", {},
               &through_returned_pidfd,
               [](const SuccessInput&, Outcome& o, Notes&) { o[Trait::pidfd_signal_esrch_reaped] = Fact::yes; },
               "a reaped process's pid has no task: pidfd_send_signal() fails ESRCH", ""},
    SuccessRow{"pidfd_after.ioctl_none", "fs/ioctl.c: vfs_ioctl() (no unlocked_ioctl in pidfd_fops)", {},
               &after_is<AfterArg::info>,
               [](const SuccessInput&, Outcome& o, Notes&) {
                 o[Trait::pidfd_info_pid] = Fact::no;
                 o[Trait::pidfd_info_enotty] = Fact::yes;
                 o[Trait::pidfd_info_einval] = Fact::no;
               },
               "a pidfd has no ioctl: PIDFD_GET_INFO fails ENOTTY", ""},
    SuccessRow{"pidfd_after.ioctl_namespaces", "fs/pidfs.c: pidfd_ioctl()",
               {{6, 11, 0}, std::nullopt, "", "\"pidfs: allow retrieval of namespace file descriptors\" (v6.11; commit id not verified here)"},
               &after_is<AfterArg::info>,
               [](const SuccessInput&, Outcome& o, Notes&) {
                 o[Trait::pidfd_info_enotty] = Fact::no;
                 o[Trait::pidfd_info_einval] = Fact::yes;
               },
               "pidfd_ioctl() refuses a non-zero argument with EINVAL before it looks at the command",
               "no ioctl on pidfds: ENOTTY"},
    SuccessRow{"pidfd_after.ioctl_get_info", "fs/pidfs.c: pidfd_ioctl() -> pidfd_info()",
               {{6, 13, 0}, std::nullopt, "",
                "\"pidfd: add ioctl to retrieve pid info\" (v6.13; commit id not verified here)"},
               &after_is<AfterArg::info>,
               [](const SuccessInput&, Outcome& o, Notes&) {
                 o[Trait::pidfd_info_pid] = Fact::yes;
                 o[Trait::pidfd_info_einval] = Fact::no;
               },
               "PIDFD_GET_INFO answers with the pid as the caller's pid namespace numbers it",
               "PIDFD_GET_INFO is not a pidfd ioctl"},
    SuccessRow{"pidfd_after.open_thread_refused", "kernel/pid.c: pidfd_open()", {}, &after_is<AfterArg::thread>,
               [](const SuccessInput&, Outcome& o, Notes&) { o[Trait::pidfd_open_thread] = Fact::no; },
               "pidfd_open() takes no flag but PIDFD_NONBLOCK: PIDFD_THREAD is EINVAL", ""},
    SuccessRow{"pidfd_after.open_thread", "kernel/pid.c: pidfd_open() -> pidfd_create()",
               {{6, 9, 0}, std::nullopt, "",
                "64bef697d33b \"pidfd: implement PIDFD_THREAD flag for pidfd_open()\" (v6.9)"},
               &after_is<AfterArg::thread>,
               [](const SuccessInput&, Outcome& o, Notes&) { o[Trait::pidfd_open_thread] = Fact::yes; },
               "pidfd_open(tid, PIDFD_THREAD) gives a pidfd of that thread, leader or not",
               "pidfd_open() refuses PIDFD_THREAD with EINVAL"},
    SuccessRow{"pidfd_after.setns_refused", "kernel/nsproxy.c: setns() -> proc_ns_fget()", {},
               &after_is<AfterArg::setns>,
               [](const SuccessInput&, Outcome& o, Notes&) {
                 o[Trait::setns_pidfd_joined] = Fact::no;
                 o[Trait::setns_pidfd_einval] = Fact::yes;
               },
               "setns() takes only a /proc/<pid>/ns file: a pidfd is EINVAL", ""},
    SuccessRow{"pidfd_after.setns", "kernel/nsproxy.c: setns() -> validate_nsset() -> utsns_install()",
               {{5, 8, 0}, std::nullopt, "",
                "303cc571d107 \"nsproxy: attach to namespaces via pidfds\" (v5.8; commit id not verified here)"},
               &after_is<AfterArg::setns>,
               [](const SuccessInput& in, Outcome& o, Notes& notes) {
                 o[Trait::setns_pidfd_einval] = Fact::no;
                 // utsns_install(): CAP_SYS_ADMIN over the owner of the
                 // child's UTS namespace, and in the helper's own user
                 // namespace, the caller's. A new UTS namespace (CLONE_NEWUTS)
                 // is owned by the child's user namespace: the caller's, or
                 // (CLONE_NEWUSER) a child of it that the caller's euid made,
                 // where cap_capable() gives the caller every capability.
                 // Without CLONE_NEWUTS the child is in the caller's UTS
                 // namespace, which no caller context unshares: the initial
                 // user namespace owns it, where the caller's capability is
                 // capable()'s (a root in a user namespace of its own has
                 // none there).
                 const bool over_owner = in.has(flag::NEWUTS) || in.caller.cap_sys_admin_init;
                 o[Trait::setns_pidfd_joined] = fact_of(in.caller.cap_sys_admin && over_owner);
                 if (!in.caller.cap_sys_admin)
                   notes.emplace_back("setns through the pidfd: EPERM, the caller has no CAP_SYS_ADMIN");
                 else if (!over_owner)
                   notes.emplace_back("setns through the pidfd: EPERM, the child's UTS namespace is the caller's, owned "
                                      "by the initial user namespace, where the caller has no CAP_SYS_ADMIN");
               },
               "setns(pidfd, CLONE_NEWUTS) moves the calling task into the pidfd's process's UTS namespace, "
               "given CAP_SYS_ADMIN",
               "setns() takes no pidfd: EINVAL"},
    SuccessRow{"pidfd_after.signal_info", "kernel/signal.c: pidfd_send_signal() -> copy_siginfo_from_user_any()",
               {}, &after_is<AfterArg::sigqueue>,
               [](const SuccessInput&, Outcome& o, Notes&) {
                 o[Trait::pidfd_signal_value_queued] = Fact::yes;
                 o[Trait::pidfd_signal_forged_eperm] = Fact::yes;
               },
               "a siginfo for another process is taken as given if its si_code is negative and not SI_TKILL "
               "(SI_QUEUE: the value reaches the target's queue); si_code >= 0 or SI_TKILL is EPERM (since "
               "pidfd_send_signal(), 3eb39f47934f, v5.1)",
               ""},
    SuccessRow{"pidfd_after.pid_no_reuse", "kernel/pid.c: alloc_pid() -> idr_alloc_cyclic()", {},
               &after_is<AfterArg::reuse>,
               [](const SuccessInput&, Outcome& o, Notes&) { o[Trait::pid_not_reused_at_once] = Fact::yes; },
               "pids are allocated cyclically from the last one given (idr_alloc_cyclic() from v4.15, "
               "95846ecf9dac; alloc_pidmap() from last_pid + 1 before): a pid just reaped is not the next one",
               ""},
};

}  // namespace

std::span<const SuccessRow> success_rows() { return kRows; }

const SuccessRow* find_success_row(std::string_view id) {
  for (const SuccessRow& r : kRows)
    if (r.id == id) return &r;
  return nullptr;
}

Outcome success_outcome(const KernelCall& call, const Caller& caller, const Kernel& kernel, Notes& notes,
                        Notes& semantics) {
  const SuccessInput in{call, caller, kernel};
  Outcome o;
  o.error = 0;
  for (const SuccessRow& row : kRows) {
    if (row.versions.bounded() && row.concerns && row.concerns(in)) semantics.emplace_back(row.id);
    if (!row.versions.contains(kernel.version)) continue;
    if (row.concerns && !row.concerns(in)) continue;
    row.set(in, o, notes);
  }
  return o;
}

}  // namespace clonediff::model
