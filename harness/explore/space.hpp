// The space explore draws cases from: every entry, every flag bit of legacy
// clone and clone3, every struct clone_args field the harness can make today
// (sizes, tails, stacks, tls, set_tid arrays, cgroup descriptors, exit
// signals), every caller context preset, and changes to them (capabilities,
// an unmapped user namespace, a full descriptor table). Three ways through it: a random case,
// every case one step from a case (for the generator's boundary search), and
// every case one step simpler (for the shrinker). Pure: no system calls.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/explore/rng.hpp"
#include "model/request.hpp"

namespace clonediff::explore {

struct Space {
  std::vector<std::string> contexts;  // the contexts to draw from; simplest first (root, unpriv, ...)
  std::vector<model::Entry> entries;  // the entries to draw from
  long long pid_max = 32768;          // set_tid's boundary values sit at the kernel's pid_max
  // One case in ten takes its context with a change (model/context_changes.hpp):
  // a capability dropped from one set or all, a user namespace with no map, a
  // full descriptor table. Changed contexts this machine cannot build are
  // listed here and not drawn again.
  bool draw_changes = true;
  std::vector<std::string> unbuildable_changed;
};

// Every preset and every entry; pid_max from the kernel profile.
Space whole_space(long long pid_max);
// The same space restricted to the named contexts (each checked to exist:
// presets, or changed contexts by JSON or canonical name).
Result<Space> space_of_contexts(const std::vector<std::string>& contexts, long long pid_max);

// A random valid case (model::validate() accepts it). Its id is empty.
harness::CatalogueCase random_case(Rng& rng, const Space& space);

// Every valid case that differs from `c` in one thing: one flag bit, the exit
// signal, the context, the entry, one clone3 field, stack or tls. Ids empty.
std::vector<harness::CatalogueCase> neighbours(const harness::CatalogueCase& c, const Space& space);

// How complex a case is, compared lexicographically: its flags, its options
// that are not the default (exit signal, context, stack, tls, each clone3
// field, clone3=enosys), the context's rank in the space (root first), and
// how far its values lie from the defaults.
using Complexity = std::array<std::uint64_t, 4>;
Complexity complexity(const harness::CatalogueCase& c, const Space& space);

// Every valid case one step simpler than `c`, simplest first: one flag fewer,
// an option back to its default, the context nearer root, a value nearer its
// default (the exit signal nearer SIGCHLD or 0, a set_tid entry fewer or
// nearer 1, a size nearer 88). Each has a lower complexity() than `c`, so a
// shrinker that only ever takes one of them stops.
std::vector<harness::CatalogueCase> simpler(const harness::CatalogueCase& c, const Space& space);

}  // namespace clonediff::explore
