#include "model/predict.hpp"

#include "model/flags.hpp"
#include "model/names.hpp"
#include "model/signals.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

// What a created child shares, where it stands in the task tree and which
// namespaces it holds (copy_process() from copy_semundo() onward).
Outcome success_outcome(const KernelCall& call, const Caller& caller, const Kernel& kernel, Prediction& p) {
  std::vector<std::string>& notes = p.notes;
  const auto has = [&](std::uint64_t f) { return (call.flags & f) != 0; };
  Outcome o;
  o.error = 0;
  o[Resource::vm] = fact_of(has(VM));             // copy_mm()
  o[Resource::files] = fact_of(has(FILES));       // copy_files()
  o[Resource::fs] = fact_of(has(FS));             // copy_fs()
  o[Resource::sighand] = fact_of(has(SIGHAND));   // copy_sighand()
  // copy_io(): a caller without an io context leaves the child without one
  // too; kcmp then sees NULL == NULL and nothing can be told.
  o[Resource::io] = caller.io_context ? fact_of(has(IO)) : Fact::unknown;
  // copy_semundo(): CLONE_SYSVSEM shares (allocating if needed); otherwise the
  // child starts with no undo list.
  o[Resource::sysvsem] = has(SYSVSEM) ? Fact::yes : caller.sysvsem_undo ? Fact::no : Fact::unknown;
  if (!caller.io_context) notes.emplace_back("io: the caller holds no io context, so sharing cannot be told");
  if (!caller.sysvsem_undo && !has(SYSVSEM))
    notes.emplace_back("sysvsem: the caller holds no undo list, so sharing cannot be told");

  // copy_process(): CLONE_THREAD joins the caller's group; CLONE_PARENT and
  // CLONE_THREAD take the caller's real_parent.
  o.same_tgid = fact_of(has(THREAD));
  o.ppid_is_caller = fact_of(!has(PARENT | THREAD));
  if (has(THREAD)) {
    o.exit_signal = -1;
  } else if (has(PARENT)) {
    o.exit_signal = caller.leader_exit_signal;
    notes.emplace_back("exit signal: CLONE_PARENT takes the caller's group leader's (" +
                       signal_name(caller.leader_exit_signal) + "), not the requested one");
  } else {
    o.exit_signal = static_cast<long long>(call.exit_signal);
  }

  // copy_namespaces() / copy_creds(). pid and pid_for_children of the child
  // both name the namespace the child was born in: the caller's
  // pid_for_children, or a new one below it.
  const bool new_pid = has(NEWPID);
  o[Ns::mnt] = fact_of(has(NEWNS));
  o[Ns::uts] = fact_of(has(NEWUTS));
  o[Ns::ipc] = fact_of(has(NEWIPC));
  o[Ns::net] = fact_of(has(NEWNET));
  o[Ns::pid] = fact_of(new_pid || caller.pid_for_children_differs);
  o[Ns::pid_for_children] = fact_of(new_pid);
  o[Ns::user] = fact_of(has(NEWUSER));
  o[Ns::cgroup] = fact_of(has(NEWCGROUP));
  // The child's time_for_children is new with CLONE_NEWTIME. A child that does
  // not share the mm then enters it (timens_on_fork()); a CLONE_VM child stays
  // in the caller's time namespace -- since v6.2: before, it entered it too.
  const bool new_time = has(NEWTIME);
  const bool enters_time_ns = new_time || caller.time_for_children_differs;
  bool vm_child_enters = false;
  if (has(VM) && enters_time_ns) {
    vm_child_enters = semantic_holds(semantic::kTimensVmChildEnters, kernel);
    p.semantics.emplace_back(semantic::kTimensVmChildEnters);
  }
  o[Ns::time] = fact_of((!has(VM) || vm_child_enters) && enters_time_ns);
  o[Ns::time_for_children] = fact_of(new_time);

  // alloc_pid() gives the chosen pids; cgroup_post_fork() the chosen cgroup.
  if (call.set_tid_size > 0) o[Trait::set_tid_honoured] = Fact::yes;
  if (has(INTO_CGROUP)) o[Trait::into_cgroup] = Fact::yes;

  // The tid words: kernel_clone() writes parent_tid in the caller; the child's
  // schedule_tail() writes child_tid in the child's memory; mm_release()
  // clears child_tid and wakes a futex there only while others share the mm.
  o[Trait::parent_settid] = fact_of(has(PARENT_SETTID));
  o[Trait::child_settid] = fact_of(has(CHILD_SETTID));
  o[Trait::child_cleartid] = fact_of(has(CHILD_CLEARTID) && has(VM));
  o[Trait::cleartid_wake] = fact_of(has(CHILD_CLEARTID) && has(VM));
  o[Trait::tls_set] = fact_of(has(SETTLS));  // copy_thread(); else the caller's FS base
  if (has(PIDFD)) {
    // pidfd_prepare(): O_CLOEXEC, and PIDFD_THREAD for a thread.
    o[Trait::pidfd] = Fact::yes;
    o[Trait::pidfd_cloexec] = Fact::yes;
    o[Trait::pidfd_thread] = fact_of(has(THREAD));
    o[Trait::pidfd_readable_at_exit] = Fact::yes;
  }
  // Signals: copy_process() clears pdeath_signal, and sas_ss_reset() when the
  // child shares the mm but does not suspend the caller; the blocked mask is
  // copied, the pending sets start empty, except that a thread shares its
  // group's shared_pending. copy_sighand() with CLONE_CLEAR_SIGHAND resets
  // handlers that are not SIG_IGN.
  o[Trait::pdeath_signal_reset] = Fact::yes;
  o[Trait::sigaltstack_reset] = fact_of(has(VM) && !has(VFORK));
  o[Trait::blocked_mask_inherited] = Fact::yes;
  o[Trait::pending_inherited] = Fact::no;
  o[Trait::shared_pending_visible] = fact_of(has(THREAD));
  o[Trait::caught_signal_reset] = fact_of(has(CLEAR_SIGHAND));
  o[Trait::ignored_signal_kept] = Fact::yes;
  o[Trait::seccomp_inherited] = Fact::yes;  // copy_seccomp()
  o[Trait::caller_suspended] = fact_of(has(VFORK));  // kernel_clone() waits for vfork_done
  // A child born as the init of a new pid namespace runs
  // zap_pid_ns_processes() when it exits, which sets SIGCHLD to SIG_IGN in its
  // sighand (kernel/pid_namespace.c) -- the caller's, under CLONE_SIGHAND.
  const bool child_is_pidns_init = new_pid || caller.pid_for_children_differs;
  const bool ignores_sigchld = child_is_pidns_init && has(SIGHAND);
  o[Trait::caller_sigchld_ignored] = fact_of(ignores_sigchld);
  if (ignores_sigchld)
    notes.emplace_back("the child is a pid namespace init sharing the caller's handlers: its exit sets the caller's "
                       "SIGCHLD to SIG_IGN (zap_pid_ns_processes)");
  // do_notify_parent(): a thread sends nothing, a CLONE_PARENT child notifies
  // the caller's parent, a signal outside 1..64 is not sent, and SIGCHLD to a
  // parent that ignores it is dropped (the child is reaped at once) -- which
  // the child's own exit arranged above, before notifying. What is sent is
  // then dropped where the caller ignores it (exit_signal_fate()): a
  // pid-namespace init drops what it neither blocks nor handles.
  const long long sig = o.exit_signal.value_or(0);
  const bool sent = !has(THREAD) && !has(PARENT) && sig >= 1 && sig <= 64 &&
                    !(ignores_sigchld && sig == static_cast<long long>(kSigchld));
  o.parent_signal = sent && exit_signal_fate(sig, caller) == SignalFate::pending ? sig : 0;
  if (sent && !*o.parent_signal)
    notes.emplace_back("parent signal: the caller drops " + signal_name(sig) +
                       (caller.pidns_init ? " (a pid namespace init neither blocking nor handling it)" : " (it ignores it)"));
  return o;
}

}  // namespace

Result<Prediction> predict(const Request& request, const Caller& caller, const Kernel& kernel) {
  auto call = kernel_call(request);
  if (!call) return call.error();
  Prediction p;
  p.call = std::move(call).value();
  if (p.call.dropped)
    p.notes.push_back("sys_clone keeps the low 32 bits of its flags word: " + format_flags(p.call.dropped) +
                      " never reach copy_process()");

  const RuleInput in{p.call, caller, kernel};
  for (const Rule& rule : refusal_rules()) {
    if (!rule.versions.contains(kernel.version)) {
      p.chain.push_back({&rule, RuleStep::Verdict::not_in_kernel});
      continue;
    }
    if (rule.fires(in)) {
      p.chain.push_back({&rule, RuleStep::Verdict::fired});
      p.rule = std::string(rule.id);
      p.outcome.error = rule.error;
      return p;
    }
    p.chain.push_back({&rule, RuleStep::Verdict::passed});
  }
  p.rule = std::string(kSuccessRuleId);
  p.outcome = success_outcome(p.call, caller, kernel, p);
  return p;
}

}  // namespace clonediff::model
