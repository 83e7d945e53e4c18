// Caller contexts, built for real inside the caller process, and the facts
// about the live caller read back afterwards (never assumed from the name).
//
// A context is a spawn kind (how the host creates the caller) and a recipe
// the caller follows in two steps: enter_context() before the witness
// baseline is set up (credentials, namespaces, limits), finish_context() last
// (chroot, a seccomp filter), after the facts were read.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "harness/caller/protocol.hpp"
#include "model/caller.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

enum class SpawnKind {
  fork,          // fork(): the caller is the host's child
  new_pidns,     // fork() with pid_for_children unshared: the caller is pid 1
  exit_signal_0, // a raw clone with exit signal 0 (glibc's tid cache is stale in it)
  nested_pidns,  // a chain of forks, each in a new pid namespace, down to MAX_PID_NS_LEVEL
};

struct ContextSpec {
  std::string_view name;
  SpawnKind spawn = SpawnKind::fork;
  bool needs_chroot_dir = false;   // the host lends an empty directory
  bool needs_pids_cgroup = false;  // the host lends a cgroup with pids.max = 1
  std::string_view what;           // one line, for --list-contexts and errors
};

std::span<const ContextSpec> context_specs();
const ContextSpec* find_context(std::string_view name);

// What the host made for the caller's context.
struct ContextResources {
  std::string chroot_dir;   // empty if none
  std::string pids_cgroup;  // a cgroup directory (cgroup.procs, pids.max), empty if none
};

// In the caller, first. Privilege on entry: root in the initial namespaces
// (the clonediff process's), in the pid namespace its spawn kind gave it.
Status enter_context(std::string_view name, const ContextResources& res);
// In the caller, last, after read_live_facts().
Status finish_context(std::string_view name, const ContextResources& res);
// In the caller, after every case: pidns_unshared takes a fresh
// pid_for_children. The child born in it was its pid 1 and took it along;
// and a call refused after alloc_pid() gave out that pid 1 leaves the
// namespace unable to allocate again (free_pid(): "fork failure of the first
// process").
Status after_case(std::string_view name);

// The facts the model needs, from the live caller (/proc/self, capget,
// rlimits, namespace ioctls). The host adds what only it can see: the caller's
// uid in the initial namespace and whether it is chrooted. Where the kernel
// shows no stable namespace identity (a /proc/self/ns link stat() cannot read,
// or whose inode changes between two looks, as under gVisor), the facts drawn
// from it are unknown, and the ones the context `name` was built to have stand.
FactsMsg read_live_facts(std::string_view name);

}  // namespace clonediff::harness
