// What a created child gets, as an ordered table in copy_process()'s order:
// each row is one effect (what the child shares, copies or gets new, where it
// stands in the task tree, what its exit does), the kernel function behind
// it, and the versions it holds for. Rows are applied in order to an Outcome;
// a row outside the kernel's range is skipped, so a version-dependent effect
// is one bounded row after the row it overrides, never an `if` on a version.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/caller.hpp"
#include "model/kernel.hpp"
#include "model/outcome.hpp"
#include "model/request.hpp"
#include "model/rules.hpp"

namespace clonediff::model {

struct SuccessInput {
  const KernelCall& call;  // flags as copy_process() sees them on this kernel
  const Caller& caller;
  const Kernel& kernel;
  bool has(std::uint64_t f) const { return (call.flags & f) != 0; }
  // The child is born as pid 1 of a pid namespace: a new one, or the caller's
  // unshared pid_for_children.
  bool child_is_pidns_init() const;
  // The child's time_for_children is not the caller's time namespace.
  bool enters_time_ns() const;
};

struct SuccessRow {
  std::string_view id;     // stable: predictions and diffs refer to it
  std::string_view where;  // "kernel/fork.c: copy_mm()"
  VersionRange versions;   // where the row holds; outside it the row is skipped
  // Whether the row concerns this call; a bounded row that does is named in
  // the prediction's `semantics` (held or not), since the answer differs
  // across its bound. nullptr: every call.
  bool (*concerns)(const SuccessInput&);
  void (*set)(const SuccessInput&, Outcome&, std::vector<std::string>& notes);
  std::string_view what;       // one line: what the row gives the child
  std::string_view otherwise;  // bounded rows: what a kernel outside the range does
};

std::span<const SuccessRow> success_rows();
const SuccessRow* find_success_row(std::string_view id);

// The Outcome of a call no refusal rule stopped: every row that holds on this
// kernel, in order. `notes` gets what the prediction rests on, `semantics` the
// ids of bounded rows that concern the call.
Outcome success_outcome(const KernelCall& call, const Caller& caller, const Kernel& kernel,
                        std::vector<std::string>& notes, std::vector<std::string>& semantics);

}  // namespace clonediff::model
