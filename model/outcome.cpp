#include "model/outcome.hpp"

#include <string>

namespace clonediff::model {
namespace {
constexpr std::array<std::string_view, kResourceCount> kResourceNames = {"vm", "files", "fs", "sighand", "io", "sysvsem"};
constexpr std::array<std::string_view, kNsCount> kNsNames = {
    "mnt", "uts", "ipc", "net", "pid", "pid_for_children", "user", "cgroup", "time", "time_for_children"};
constexpr std::array<std::string_view, kTraitCount> kTraitNames = {
    "set_tid_honoured", "into_cgroup", "parent_settid", "child_settid", "child_cleartid", "cleartid_wake",
    "tls_set", "pidfd", "pidfd_cloexec", "pidfd_thread", "pidfd_readable_at_exit", "pdeath_signal_reset",
    "sigaltstack_reset", "blocked_mask_inherited", "pending_inherited", "shared_pending_visible",
    "caught_signal_reset", "ignored_signal_kept", "seccomp_inherited", "caller_suspended",
    "caller_sigchld_ignored"};
static_assert(static_cast<std::size_t>(Trait::caller_sigchld_ignored) + 1 == kTraitCount);
}  // namespace

std::string_view trait_name(Trait t) { return kTraitNames[static_cast<std::size_t>(t)]; }

Result<Trait> parse_trait(std::string_view name) {
  for (std::size_t i = 0; i < kTraitCount; ++i)
    if (kTraitNames[i] == name) return trait_at(i);
  return make_error("unknown fact '" + std::string(name) + "'");
}

std::string_view fact_name(Fact f) {
  switch (f) {
    case Fact::no: return "false";
    case Fact::yes: return "true";
    case Fact::unknown: return "unknown";
    case Fact::conflict: return "conflict";
  }
  return "?";
}

std::string_view resource_name(Resource r) { return kResourceNames[static_cast<std::size_t>(r)]; }
std::string_view ns_name(Ns n) { return kNsNames[static_cast<std::size_t>(n)]; }

Result<Resource> parse_resource(std::string_view name) {
  for (std::size_t i = 0; i < kResourceCount; ++i)
    if (kResourceNames[i] == name) return kResources[i];
  return make_error("unknown shared resource '" + std::string(name) + "'");
}

Result<Ns> parse_ns(std::string_view name) {
  for (std::size_t i = 0; i < kNsCount; ++i)
    if (kNsNames[i] == name) return kNamespaces[i];
  return make_error("unknown namespace '" + std::string(name) + "'");
}

}  // namespace clonediff::model
