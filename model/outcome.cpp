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
    "caller_sigchld_ignored", "pidfd_readable_while_running", "waitid_nohang_running", "waitid_nonblock_eagain",
    "waitid_reaps_exit", "waitid_stopped", "waitid_continued", "pidfd_signal_esrch_reaped", "pidfd_info_pid",
    "pidfd_info_enotty", "pidfd_info_einval", "pidfd_open_thread", "exit_status_from_fn", "tid_is_returned_pid",
    "nspid_has_returned_pid", "tid_is_innermost_nspid", "reaped_pid_is_returned", "pidfd_nspid", "pidfd_pid_cleared",
    "umask_copied", "cwd_copied", "root_copied", "creds_copied", "memory_copied", "open_file_shared",
    "ppid_is_callers_parent", "net_loopback_only_down", "setns_pidfd_joined", "setns_pidfd_einval",
    "pid_not_reused_at_once", "pidfd_signal_value_queued", "pidfd_signal_forged_eperm",
    "pidfd_readable_leader_gone", "pidfd_readable_group_gone"};
static_assert(static_cast<std::size_t>(Trait::pidfd_readable_group_gone) + 1 == kTraitCount);
}  // namespace

std::string_view trait_name(Trait t) { return kTraitNames[static_cast<std::size_t>(t)]; }

bool scenario_trait(Trait t) {
  switch (t) {
    case Trait::pidfd_readable_while_running:
    case Trait::waitid_nohang_running:
    case Trait::waitid_nonblock_eagain:
    case Trait::waitid_reaps_exit:
    case Trait::waitid_stopped:
    case Trait::waitid_continued:
    case Trait::pidfd_signal_esrch_reaped:
    case Trait::pidfd_info_pid:
    case Trait::pidfd_info_enotty:
    case Trait::pidfd_info_einval:
    case Trait::pidfd_open_thread:
    case Trait::setns_pidfd_joined:
    case Trait::setns_pidfd_einval:
    case Trait::pid_not_reused_at_once:
    case Trait::pidfd_signal_value_queued:
    case Trait::pidfd_signal_forged_eperm:
    case Trait::pidfd_readable_leader_gone:
    case Trait::pidfd_readable_group_gone:
      return true;
    default:
      return false;
  }
}

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

namespace {
// Field i of the fact list, or nullptr past its end.
template <typename O>
auto* fact_at(O& o, std::size_t i) {
  if (i < kResourceCount) return &o.share[i];
  i -= kResourceCount;
  if (i < kNsCount) return &o.ns_new[i];
  i -= kNsCount;
  if (i == 0) return &o.same_tgid;
  if (i == 1) return &o.ppid_is_caller;
  return &o.traits[i - 2];
}
}  // namespace

std::string fact_field_name(std::size_t i) {
  if (i < kResourceCount) return "share." + std::string(kResourceNames[i]);
  i -= kResourceCount;
  if (i < kNsCount) return "ns_new." + std::string(kNsNames[i]);
  i -= kNsCount;
  if (i == 0) return "same_tgid";
  if (i == 1) return "ppid_is_caller";
  return std::string(kTraitNames[i - 2]);
}

Fact& fact_field(Outcome& o, std::size_t i) { return *fact_at(o, i); }
Fact fact_field(const Outcome& o, std::size_t i) { return *fact_at(o, i); }

std::string_view number_field_name(NumberField f) {
  return f == NumberField::parent_signal ? "parent_signal" : "exit_signal";
}
std::optional<long long>& number_field(Outcome& o, NumberField f) {
  return f == NumberField::parent_signal ? o.parent_signal : o.exit_signal;
}
const std::optional<long long>& number_field(const Outcome& o, NumberField f) {
  return f == NumberField::parent_signal ? o.parent_signal : o.exit_signal;
}

}  // namespace clonediff::model
