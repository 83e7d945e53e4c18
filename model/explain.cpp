#include "model/explain.hpp"

#include <utility>

#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::model {
namespace {

std::string result_text(int err) { return err == 0 ? "ok" : errno_name(err); }

std::string caller_text(const Caller& c) {
  std::string s = c.preset + ": uid " + std::to_string(c.uid);
  s += c.cap_sys_admin ? ", CAP_SYS_ADMIN" : ", no CAP_SYS_ADMIN";
  s += c.in_initial_userns ? " (initial user namespace)" : " (in its own user namespace)";
  if (c.pidns_init) s += ", pid 1 of its pid namespace";
  if (c.pid_for_children_differs) s += ", pid_for_children differs";
  if (c.time_for_children_differs) s += ", time_for_children differs";
  if (c.chrooted) s += ", chrooted";
  if (c.nproc_at_limit) s += ", at RLIMIT_NPROC";
  s += ", leader exit signal " + signal_name(c.leader_exit_signal);
  return s;
}

}  // namespace

std::string summary_line(const Prediction& p) { return result_text(p.outcome.error) + " (" + p.rule + ")"; }

std::string explain(const Request& request, const Caller& caller, const Kernel& kernel, const Prediction& p) {
  std::string out;
  out += "request  " + std::string(entry_name(request.entry));
  if (request.entry == Entry::clone || request.entry == Entry::clone3)
    out += " flags " + format_flags(request.flags) + ", exit signal " + signal_name(static_cast<long long>(request.exit_signal)) +
           " (" + std::to_string(request.exit_signal) + ")";
  out += "\n";
  out += "route    " + p.call.route + "\n";
  out += "kernel   sees " + std::string(syscall_name(p.call.syscall)) + " flags " + format_flags(p.call.flags) +
         ", exit_signal " + std::to_string(p.call.exit_signal) + "\n";
  if (p.call.syscall == Syscall::clone3) {
    out += "         struct clone_args of size " + std::to_string(p.call.size);
    if (p.call.size > kCloneArgsSizeVer2) out += p.call.tail_nonzero ? " (non-zero tail)" : " (zero tail)";
    out += ": stack " + std::string(stack_arg_name(p.call.stack)) + " (stack_size " + std::to_string(p.call.stack_size) +
           "), tls " + std::string(tls_arg_name(p.call.tls));
    out += ", set_tid " + std::string(p.call.set_tid_pointer ? "[" : "NULL");
    for (std::size_t i = 0; i < p.call.set_tid.size(); ++i)
      out += (i ? "," : "") + tid_spec_text(p.call.set_tid[i]);
    out += std::string(p.call.set_tid_pointer ? "]" : "") + " size " + std::to_string(p.call.set_tid_size);
    out += ", cgroup " + std::string(cgroup_arg_name(p.call.cgroup));
    out += p.call.pidfd_aliases_parent_tid ? ", pidfd = parent_tid" : "";
    // The copies that fault: the struct's own, set_tid's, or a pointer the kernel writes through.
    const std::pair<bool, std::string_view> faults[] = {
        {p.call.args_fault, "struct"}, {p.call.set_tid_fault, "set_tid"}, {p.call.pidfd_fault, "pidfd"},
        {p.call.parent_tid_fault, "parent_tid"}, {p.call.child_tid_fault, "child_tid"}};
    std::string unmapped;
    for (const auto& [faults_here, what] : faults)
      if (faults_here) unmapped += (unmapped.empty() ? "" : ", ") + std::string(what);
    out += unmapped.empty() ? "\n" : "; unmapped: " + unmapped + "\n";
  } else if (p.call.syscall == Syscall::clone && (p.call.stack != StackArg::harness || p.call.tls != TlsArg::none)) {
    out += "         stack " + std::string(stack_arg_name(p.call.stack)) + ", tls " + std::string(tls_arg_name(p.call.tls)) + "\n";
  }
  out += "caller   " + caller_text(caller) + "\n";
  out += "model    Linux " + kernel.version.str();
  if (!kernel.release.empty() && kernel.release != kernel.version.str()) out += " (" + kernel.release + ")";
  if (kernel.unprivileged_userns_clone) out += std::string(", unprivileged_userns_clone=") + (*kernel.unprivileged_userns_clone ? "1" : "0");
  if (kernel.apparmor_restrict_unprivileged_userns)
    out += std::string(", apparmor_restrict_unprivileged_userns=") +
           (*kernel.apparmor_restrict_unprivileged_userns ? "1" : "0");
  for (std::size_t i = 0; i < kNsLimitCount; ++i)
    if (kernel.max_namespaces[i])
      out += ", max_" + std::string(ns_limit_name(static_cast<NsLimit>(i))) + "_namespaces=" +
             std::to_string(*kernel.max_namespaces[i]);
  out += "\n\n";

  out += "rules, in the kernel's order:\n";
  for (const RuleStep& step : p.chain) {
    const Rule& r = *step.rule;
    const char* mark = step.verdict == RuleStep::Verdict::fired    ? "FIRES "
                       : step.verdict == RuleStep::Verdict::passed ? "pass  "
                                                                   : "n/a   ";
    out += std::string("  ") + mark + std::string(r.id);
    if (step.verdict == RuleStep::Verdict::not_in_kernel) {
      out += "  (not in " + kernel.version.str() + ": " + std::string(r.versions.why_not(kernel.version)) + ")";
    } else if (step.verdict == RuleStep::Verdict::fired) {
      out += " -> " + errno_name(r.error);
    }
    out += "\n";
  }
  out += "\n";

  if (!p.outcome.ok()) {
    const Rule* r = find_rule(p.rule);
    out += "result   " + errno_name(p.outcome.error) + " (" + std::string(errno_description(p.outcome.error)) + ")\n";
    if (r) {
      out += "decided  " + std::string(r->id) + " in " + std::string(r->where) + "\n";
      out += "because  " + std::string(r->why) + "\n";
      // A rule that holds for some releases only: the commits that bound it.
      if (r->versions.since != KernelVersion{0, 0, 0})
        out += "since    " + r->versions.since.str() + ": " + std::string(r->versions.introduced) + "\n";
      if (r->versions.until)
        out += "until    " + r->versions.until->str() + ": " + std::string(r->versions.change) + "\n";
    }
  } else {
    out += "result   ok: a child is created (no refusal rule fires)\n";
    out += "share   ";
    for (Resource res : kResources)
      out += " " + std::string(resource_name(res)) + "=" + std::string(fact_name(p.outcome[res]));
    out += "\nns_new  ";
    bool any = false;
    for (Ns n : kNamespaces)
      if (p.outcome[n] == Fact::yes) {
        out += " " + std::string(ns_name(n));
        any = true;
      }
    if (!any) out += " (none: the child stays in the caller's namespaces)";
    out += "\ntree     same_tgid=" + std::string(fact_name(p.outcome.same_tgid)) +
           " ppid_is_caller=" + std::string(fact_name(p.outcome.ppid_is_caller)) +
           " exit_signal=" + std::to_string(p.outcome.exit_signal.value_or(0)) + "\n";
  }
  for (const std::string& id : p.semantics) {
    const Semantic* s = find_semantic(id);
    if (!s) continue;
    const bool holds = s->versions.contains(kernel.version);
    out += "version  " + id + " (" + std::string(s->where) + "): " + std::string(holds ? s->what : s->otherwise);
    out += holds ? "\n" : " -- " + std::string(s->versions.why_not(kernel.version)) + "\n";
    if (holds && s->versions.until) out += "         until " + s->versions.until->str() + ": " + std::string(s->versions.change) + "\n";
  }
  for (const std::string& note : p.notes) out += "note     " + note + "\n";
  return out;
}

}  // namespace clonediff::model
