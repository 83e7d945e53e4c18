// Versioned semantics: parts of what a created child gets that changed
// between kernel versions -- the bounded rows of the success table
// (success.hpp). The refusal rules (rules.hpp) say whether a call succeeds;
// these say how, where the answer depends on the kernel version. Each holds
// for a VersionRange that cites the change, as a rule's does.
#pragma once

#include <span>
#include <string_view>

#include "model/kernel.hpp"
#include "model/rules.hpp"

namespace clonediff::model {

struct Semantic {
  std::string_view id;     // stable: predictions and diffs refer to it
  std::string_view where;  // "kernel/nsproxy.c: copy_namespaces()"
  VersionRange versions;   // where `what` holds
  std::string_view what;   // one line: what the child gets while it holds
  std::string_view otherwise;  // one line: what it gets outside the range
};

std::span<const Semantic> versioned_semantics();
const Semantic* find_semantic(std::string_view id);

// The ids, so that predict.cpp and tests name them without typos.
namespace semantic {
// Before v6.2 copy_namespaces() moved every child into a new
// time_for_children (timens_on_fork()), CLONE_VM children too.
inline constexpr std::string_view kTimensVmChildEnters = "copy_namespaces.timens_vm_child_enters";
}  // namespace semantic

// Whether the semantic holds on this kernel. An unknown id is a programming
// error and holds nowhere.
bool semantic_holds(std::string_view id, const Kernel& kernel);

}  // namespace clonediff::model
