#include "model/predict.hpp"

#include "model/flags.hpp"
#include "model/names.hpp"
#include "model/success.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

// A C library entry that made clone3 on a kernel without it: glibc's
// __clone_internal() falls back to clone(2) with the same flags on ENOSYS.
bool library_entry(Entry e) { return e == Entry::pthread_create || e == Entry::posix_spawn || e == Entry::system; }

}  // namespace

Result<Prediction> predict(const Request& request, const Caller& caller, const Kernel& kernel) {
  auto call = kernel_call(request);
  if (!call) return call.error();
  Prediction p;
  if (place_in_modelled_range(kernel.version) == RangePlace::newer)
    p.notes.push_back("Linux " + kernel.version.str() + ": " + modelled_range_note(kernel.version));
  const Rule* no_clone3 = find_rule("clone3.no_syscall");
  if (library_entry(request.entry) && call->syscall == Syscall::clone3 && no_clone3 &&
      no_clone3->versions.contains(kernel.version)) {
    Request fallback{Entry::clone, call->flags, call->exit_signal};
    fallback.stack = call->stack;
    fallback.tls = call->tls;
    auto legacy = kernel_call(fallback);
    if (!legacy) return legacy.error();
    legacy->route = call->route + " -> ENOSYS on " + kernel.version.str() + ", so glibc falls back to clone(2)";
    call = std::move(legacy);
  }
  p.call = std::move(call).value();
  // sys_clone passed its whole flags word on until v5.7; since then only the
  // low 32 bits.
  if (p.call.syscall == Syscall::clone && !kLegacyCloneLower32Bits.contains(kernel.version)) {
    p.call.flags |= p.call.dropped;
    p.call.dropped = 0;
  }
  if (p.call.dropped)
    p.notes.push_back("sys_clone keeps the low 32 bits of its flags word: " + format_flags(p.call.dropped) +
                      " never reach copy_process()");
  // The legacy calls pass bits this kernel does not define on to
  // copy_process(), which ignores them (clone3 refuses them: rules.cpp).
  if (p.call.syscall != Syscall::clone3) {
    if (const std::uint64_t unknown = p.call.flags & ~known_flags(kernel.version)) {
      p.call.flags &= ~unknown;
      p.ignored_flags = unknown;
      p.notes.push_back(format_flags(unknown) + " is not defined in Linux " + kernel.version.str() +
                        ": clone(2) ignores the bit");
    }
  }

  // Before v5.4 clone3 took `stack` itself as the stack pointer (the
  // clone3.stack_invalid rule's change made it stack + stack_size).
  const Rule* stack_rule = find_rule("clone3.stack_invalid");
  if (p.call.syscall == Syscall::clone3 && p.call.stack == StackArg::harness && stack_rule && no_clone3 &&
      kernel.version < stack_rule->versions.since && !no_clone3->versions.contains(kernel.version))
    p.notes.push_back("before 5.4 (fa729c4df558) clone3 starts the child with its stack pointer at the stack's lowest "
                      "address, not at stack + stack_size; the model does not predict what the child then does");
  const RuleInput in{p.call, caller, kernel};
  p.chain.reserve(refusal_rules().size());  // one step per rule at most: no regrowth on the way
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
  p.outcome = success_outcome(p.call, caller, kernel, p.notes, p.semantics);
  if (kernel.apparmor_restrict_unprivileged_userns == true && (p.call.flags & flag::NEWUSER) &&
      !caller.cap_sys_admin_init)
    p.notes.push_back("apparmor_restrict_unprivileged_userns=1: Ubuntu's AppArmor policy puts an unconfined "
                      "unprivileged creator's new user namespace under its unprivileged_userns profile, which "
                      "denies it capabilities there; clone() itself succeeds (not confirmed live)");
  return p;
}

}  // namespace clonediff::model
