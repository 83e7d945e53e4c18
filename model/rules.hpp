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

// sys_clone's flags word: the whole word reached _do_fork() until v5.7; since
// then lower_32_bits(), so clone3's flags above bit 31 cannot be passed by
// legacy clone.
inline constexpr VersionRange kLegacyCloneLower32Bits{
    {5, 7, 0}, std::nullopt, "",
    "3f2c788a1314 \"fork: prevent accidental access to clone3 features\" (v5.7, and 5.4.42 and 5.6 stable)"};

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

// The size of struct clone_args as each release defines it: what lies beyond
// it must be zero (copy_struct_from_user()).
struct CloneArgsSize {
  std::uint64_t size;
  VersionRange versions;
  std::string_view fields;
};
std::span<const CloneArgsSize> clone_args_sizes();
// 0 before clone3 existed.
std::uint64_t clone_args_size(const KernelVersion& v);
// Whether the call's struct clone_args holds a non-zero byte beyond a
// kernel's struct of `kernel_size` bytes: set_tid and set_tid_size (64..80),
// cgroup (80..88), or the tail beyond 88.
bool clone_args_nonzero_beyond(const KernelCall& c, std::uint64_t kernel_size);
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
