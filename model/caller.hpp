// The facts about the calling task that copy_process() consults. The harness
// reads them back from the live caller; `check` and `explain` take them from a
// preset, optionally overridden fact by fact.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "model/result.hpp"
#include "model/signal_set.hpp"

namespace clonediff::model {

struct Caller {
  std::string preset = "root";
  // Credentials.
  long long uid = 0;                 // real uid, as the initial user namespace sees it
  bool in_initial_userns = true;
  bool cap_sys_admin = true;         // effective CAP_SYS_ADMIN in its own user namespace
  bool cap_sys_admin_init = true;    // ... in the initial user namespace (capable())
  bool cap_sys_resource = true;      // ... in the initial user namespace
  bool cap_checkpoint_restore = true;  // effective CAP_CHECKPOINT_RESTORE in its own user namespace
  // Its user namespace owns its pid namespace, or is an ancestor of the owner:
  // its own capabilities count there (ns_capable() walks up to it).
  bool userns_owns_pidns = true;
  // Task state.
  bool pidns_init = false;           // pid 1 of its pid namespace (SIGNAL_UNKILLABLE)
  bool pid_for_children_differs = false;   // pid_ns_for_children != active pid ns
  bool time_for_children_differs = false;  // time_ns_for_children != time ns
  bool chrooted = false;             // root is not the root of its mount namespace
  long long userns_level = 0;        // nesting depth of its user namespace (init = 0)
  long long pidns_level = 0;         // nesting depth of its pid namespace (init = 0)
  bool nproc_at_limit = false;       // its user's process count is at RLIMIT_NPROC
  bool pids_at_max = false;          // its cgroup's pids.current is at pids.max
  bool pids_max_on_cgroup2 = true;   // ... in cgroup v2, which CLONE_INTO_CGROUP leaves (v1 stays)
  bool userns_quota_reached = false; // max_user_namespaces allows it no more
  long long leader_exit_signal = 17; // its thread-group leader's exit signal
  // Its signal state (bit n-1: signal n), as /proc/<pid>/status shows it: what
  // becomes of the signal a child's exit sends (model/signals.hpp). The
  // defaults are the state the harness gives every caller.
  std::uint64_t signals_blocked = kCallerBlocked;
  std::uint64_t signals_ignored = kCallerIgnored;
  std::uint64_t signals_caught = kCallerCaught;
  // Priming: without an io context and a SysV undo list, sharing them cannot be
  // told apart from not sharing (both NULL), so every preset creates both.
  bool io_context = true;
  bool sysvsem_undo = true;
  // Context changes (model/context_changes.hpp).
  bool userns_unmapped = false;      // its user namespace maps neither its euid nor its egid
  bool fd_table_full = false;        // no descriptor is free below RLIMIT_NOFILE

  bool operator==(const Caller&) const = default;
};

// One named fact, for overrides ({"preset": "root", "leader_exit_signal": 0}),
// for printing, and for carrying facts as numbers (the harness sends them
// from the caller to the host in this order). Booleans are 0/1. A value
// outside [min, max], the range the kernel can give the fact, is refused: the
// rules may do arithmetic on it.
struct CallerFact {
  std::string_view name;
  bool boolean;
  std::string_view meaning;
  long long min;
  long long max;
  long long (*get)(const Caller&);
  void (*set)(Caller&, long long);
};
std::span<const CallerFact> caller_facts();
Status set_caller_fact(Caller& c, std::string_view name, long long value);
// The most facts there may be: the harness's wire protocol has room for this
// many (checked at compile time in caller.cpp).
inline constexpr std::size_t kMostCallerFacts = 32;

// A caller context: the one list of them. Its name (the catalogue's
// `context=`, `--context`, a record's "context"), what the harness builds for
// it in one line, and its facts where they differ from a root caller's (the
// defaults of Caller). The harness builds each for real by a recipe of its
// own keyed by the name (harness/caller/context_recipes.cpp), reads the facts
// back from the live caller, and takes values it needs to build with (the uid
// to become, the capabilities to keep) from these facts.
struct FactValue {
  std::string_view fact;  // a caller_facts() name
  long long value;
};
struct CallerContext {
  std::string_view name;
  std::string_view builds;
  std::array<FactValue, 8> facts{};  // unused entries have an empty fact name
};
std::span<const CallerContext> caller_contexts();

// The contexts' names, in the table's order; a context's facts as a Caller.
std::span<const std::string_view> caller_preset_names();
// A preset's facts, or those of a changed context by its canonical name
// (model/context_changes.hpp: "root+drop_effective.sys_admin"); `preset` of
// the result is the canonical name.
Result<Caller> caller_preset(std::string_view name);

}  // namespace clonediff::model
