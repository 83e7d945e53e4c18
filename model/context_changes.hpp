// A caller context as data: a preset of model::caller_contexts() plus changes
// (capabilities dropped from chosen sets, a user namespace with no uid/gid
// map, a full descriptor table). A changed context is known everywhere by one
// canonical name derived from the data ("root+drop_effective.sys_admin"):
// ids, leases, reports and records carry that name, and caller_preset() takes
// it as it takes a preset's. What each change does to the facts the rules
// consult is apply_context_changes(); the harness builds the changes for real
// (harness/caller/context_changes.*) and reads the facts back.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/caller.hpp"
#include "model/result.hpp"

namespace clonediff::model {

// Capabilities by number (include/uapi/linux/capability.h), 0..kLastCap.
inline constexpr int kLastCap = 40;  // CAP_CHECKPOINT_RESTORE (v5.9)
inline constexpr int kCapSysAdmin = 21;
inline constexpr int kCapSysResource = 24;
inline constexpr int kCapCheckpointRestore = 40;  // not in glibc's headers before 2.32
// "CAP_SYS_ADMIN" for 21; empty outside 0..kLastCap.
std::string_view cap_name(int cap);
// A CAP_ name (as the kernel spells it) to its number.
std::optional<int> parse_cap_name(std::string_view name);

// Which of a capability's sets a change removes it from. The kernel keeps the
// effective set within the permitted one (cap_capset()), so a capability
// dropped from the permitted set is dropped from the effective set too.
enum CapSetBit : std::uint8_t { kEffective = 1, kPermitted = 2, kBounding = 4 };

struct ContextChanges {
  // Per capability, the sets it is dropped from (CapSetBit bits); kPermitted
  // always comes with kEffective.
  std::array<std::uint8_t, kLastCap + 1> dropped{};
  // After the preset, unshare(CLONE_NEWUSER) and no uid_map/gid_map written.
  bool userns_unmapped = false;
  // RLIMIT_NOFILE is lowered to the lowest free descriptor for the call.
  bool fd_table_full = false;

  bool none() const;
  bool operator==(const ContextChanges&) const = default;
};

struct ContextSpec {
  std::string preset = "root";
  ContextChanges changes;
  bool operator==(const ContextSpec&) const = default;
};

// The canonical name: the preset alone when nothing changes, else
// PRESET+CHANGE..., changes in this order, capabilities by number:
//   +drop.CAP[.CAP]            dropped from effective, permitted and bounding
//   +drop_permitted.CAP...     from permitted (and effective), still in bounding
//   +drop_effective.CAP...     from effective only: permitted but not effective
//   +drop_bounding.CAP...      from the bounding set (where not in +drop)
//   +userns_unmapped
//   +fd_table_full
// CAP is the kernel's name in lower case without CAP_ ("sys_admin").
std::string context_name(const ContextSpec& spec);
// A preset's name or a name context_name() made (or one listing the same
// changes in another order, which comes back canonical from context_name()).
Result<ContextSpec> parse_context_name(std::string_view name);

// Drops `cap` from `sets` (CapSetBit bits), as the kernel would keep them.
void drop_cap(ContextChanges& changes, int cap, std::uint8_t sets);

// What the changes make of a caller's facts. The deciding rules:
//  - a capability counts where it is in the effective set: capable() and
//    ns_capable() -> security/commoncap.c: cap_capable() tests cap_effective.
//    Neither the permitted nor the bounding set is consulted by clone(); the
//    bounding set only limits what execve() may grant.
//  - unshare(CLONE_NEWUSER): kernel/user_namespace.c: create_user_ns() ->
//    set_cred_user_ns() gives the creator every capability in the new
//    namespace (effective, permitted and bounding: CAP_FULL_SET), none in its
//    parent; the new namespace owns none of the caller's other namespaces.
//    Without a map its euid and egid have no mapping there (userns_unmapped).
//    The user namespace comes before the capability drops, so a drop applies
//    inside it.
//  - fd_table_full: get_unused_fd_flags() -> fs/file.c: alloc_fd() finds no
//    descriptor below RLIMIT_NOFILE: EMFILE.
Caller apply_context_changes(Caller c, const ContextChanges& changes);

}  // namespace clonediff::model
