#include "probes/observe.hpp"

namespace clonediff::probes {

Fact combine(Fact a, Fact b) {
  if (a == Fact::conflict || b == Fact::conflict) return Fact::conflict;
  if (a == Fact::unknown) return b;
  if (b == Fact::unknown) return a;
  return a == b ? a : Fact::conflict;
}

model::Outcome observed_outcome(const IdentityObservation& identity, const Witnesses& witnesses) {
  model::Outcome o;
  o.error = 0;
  for (std::size_t i = 0; i < model::kResourceCount; ++i) o.share[i] = combine(witnesses.kcmp[i], witnesses.behaviour[i]);
  o.ns_new = identity.ns_new;
  o.same_tgid = identity.same_tgid;
  o.ppid_is_caller = identity.ppid_is_caller;
  o.exit_signal = identity.exit_signal;
  o[model::Trait::seccomp_inherited] = identity.seccomp_inherited;
  o[model::Trait::ppid_is_callers_parent] = identity.ppid_is_callers_parent;
  o[model::Trait::cwd_copied] = identity.cwd_copied;
  o[model::Trait::root_copied] = identity.root_copied;
  o[model::Trait::creds_copied] = identity.creds_copied;
  o[model::Trait::open_file_shared] = identity.open_file_shared;
  o[model::Trait::net_loopback_only_down] = identity.net_loopback_only_down;
  return o;
}

}  // namespace clonediff::probes
