// How the harness builds each caller context for real. What the contexts are
// (their names, what each builds, their facts) is the model's one table,
// model::caller_contexts(); here is only how to build each, a recipe keyed by
// the model's name (harness_tests checks that every context has exactly one).
//
// A recipe is a spawn kind (how the host creates the caller), what the host
// lends it, and steps the caller follows: enter() before the witnesses'
// baseline is set up (credentials, namespaces, limits), finish() last (chroot,
// a seccomp filter), after the facts were read, and after_case() after every
// case. Values a step needs (the uid to become, the capabilities to keep) come
// from the context's facts in the model.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "model/caller.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

enum class SpawnKind {
  fork,          // fork(): the caller is the host's child
  new_pidns,     // fork() with pid_for_children unshared: the caller is pid 1
  exit_signal_0, // a raw clone with exit signal 0 (glibc's tid cache is stale in it)
  nested_pidns,  // a chain of forks, each in a new pid namespace, down to MAX_PID_NS_LEVEL
};

// What the host made for the caller's context.
struct ContextResources {
  std::string chroot_dir;   // empty if none
  std::string pids_cgroup;  // a cgroup directory (cgroup.procs, pids.max), empty if none
};

struct ContextRecipe {
  std::string_view context;  // a model::caller_contexts() name
  SpawnKind spawn = SpawnKind::fork;
  bool needs_chroot_dir = false;   // the host lends an empty directory
  bool needs_pids_cgroup = false;  // the host lends a cgroup with pids.max = 1
  // Steps, each in the caller; none: nothing to do. `as_built` is the
  // context's facts in the model.
  Status (*enter)(const model::Caller& as_built, const ContextResources& lent) = nullptr;
  Status (*finish)(const ContextResources& lent) = nullptr;
  Status (*after_case)() = nullptr;
};

std::span<const ContextRecipe> context_recipes();
// The recipe for a context (for a changed one, its preset's), or an error
// naming the contexts that have one.
Result<const ContextRecipe*> find_recipe(std::string_view context);

// In the caller, first: the preset's enter() with a changed context's changes
// around it (context_changes.hpp). Privilege on entry: root in the initial namespaces
// (the clonediff process's), in the pid namespace its spawn kind gave it.
Status enter_context(std::string_view context, const ContextResources& lent);
// In the caller, last, after read_live_facts().
Status finish_context(std::string_view context, const ContextResources& lent);
// In the caller, after every case.
Status after_case(std::string_view context);

}  // namespace clonediff::harness
