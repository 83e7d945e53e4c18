// The refusal rules of kernel_clone()/copy_process(), as an ordered table in
// the kernel's own order. The first rule that fires decides the result; if none
// fires the call succeeds. Each rule is derived from the kernel source named in
// `where` and confirmed on a live kernel by the catalogue.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "model/caller.hpp"
#include "model/kernel.hpp"
#include "model/request.hpp"

namespace clonediff::model {

// Kernel versions a rule holds for: [since, until). Every bound cites the
// kernel change that set it (model_tests checks that none is missing).
struct VersionRange {
  KernelVersion since{0, 0, 0};
  std::optional<KernelVersion> until;
  // The kernel change that ends the range at `until`.
  std::string_view change;
  // The kernel change that began it at `since`, when since is not 0.0.0.
  std::string_view introduced;
  bool contains(const KernelVersion& v) const { return v >= since && (!until || v < *until); }
  bool bounded() const { return since != KernelVersion{0, 0, 0} || until.has_value(); }
  // Why a version outside the range is outside: the change that began or ended it.
  std::string_view why_not(const KernelVersion& v) const { return v < since ? introduced : change; }
};

struct RuleInput {
  const KernelCall& call;
  const Caller& caller;
  const Kernel& kernel;
  bool has(std::uint64_t f) const { return (call.flags & f) == f; }
  bool any(std::uint64_t f) const { return (call.flags & f) != 0; }
};

struct Rule {
  std::string_view id;     // stable: records and explanations refer to it
  int error;               // errno returned when it fires
  std::string_view where;  // "kernel/fork.c: copy_process()"
  VersionRange versions;
  bool (*fires)(const RuleInput&);
  std::string_view why;    // one line
};

std::span<const Rule> refusal_rules();

// The pid namespace set_tid entry `index` names: alloc_pid() walks from the
// child's own namespace outwards. The harness turns the symbolic entries
// (free, in_use) into numbers with it; the set_tid rules read it too.
struct SetTidTarget {
  // A namespace nobody is in yet: a new one (CLONE_NEWPID), or the caller's
  // unshared pid_for_children. Only pid 1 can be had there.
  bool fresh = false;
  // Otherwise, counted from the caller's active pid namespace (0) outwards.
  std::size_t caller_level = 0;
};
SetTidTarget set_tid_target(std::size_t index, std::uint64_t flags, const Caller& caller);
const Rule* find_rule(std::string_view id);

// The pseudo-rule that decides when no refusal fires.
inline constexpr std::string_view kSuccessRuleId = "copy_process.ok";

}  // namespace clonediff::model
