#include "model/context_changes.hpp"

#include <cctype>
#include <vector>

namespace clonediff::model {
namespace {

constexpr std::array<std::string_view, kLastCap + 1> kCapNames = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",         "CAP_FSETID",
    "CAP_KILL",           "CAP_SETGID",       "CAP_SETUID",          "CAP_SETPCAP",        "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",    "CAP_NET_RAW",        "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",      "CAP_SYS_MODULE",   "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",     "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",    "CAP_SYS_BOOT",        "CAP_SYS_NICE",       "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",         "CAP_LEASE",          "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",  "CAP_SETFCAP",      "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",
    "CAP_WAKE_ALARM",     "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",     "CAP_PERFMON",        "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};


// The canonical name's keys for the capability lists, and which sets (as
// dropped[] holds them) each stands for.
struct CapKey {
  std::string_view key;
  std::uint8_t sets;
};
constexpr std::array<CapKey, 4> kCapKeys = {{
    {"drop", kEffective | kPermitted | kBounding},
    {"drop_permitted", kEffective | kPermitted},
    {"drop_effective", kEffective},
    {"drop_bounding", kBounding},
}};
constexpr std::string_view kUsernsUnmapped = "userns_unmapped";
constexpr std::string_view kFdTableFull = "fd_table_full";

// The key a capability's dropped sets are listed under in the name; a cap
// dropped from effective (only) and bounding is listed under both
// drop_effective and drop_bounding.
bool listed_under(std::uint8_t dropped, const CapKey& k) {
  const std::uint8_t all = kEffective | kPermitted | kBounding;
  if (k.sets == all) return dropped == all;
  if (dropped == all) return false;
  if (k.sets == kBounding) return (dropped & kBounding) != 0;
  return (dropped & ~kBounding) == k.sets;
}

std::string lower_short(std::string_view cap) {
  std::string s(cap.substr(4));
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

}  // namespace

std::string_view cap_name(int cap) {
  return cap >= 0 && cap <= kLastCap ? kCapNames[static_cast<std::size_t>(cap)] : std::string_view();
}

std::optional<int> parse_cap_name(std::string_view name) {
  for (int cap = 0; cap <= kLastCap; ++cap)
    if (kCapNames[static_cast<std::size_t>(cap)] == name) return cap;
  return std::nullopt;
}

bool ContextChanges::none() const { return *this == ContextChanges{}; }

void drop_cap(ContextChanges& changes, int cap, std::uint8_t sets) {
  if (sets & kPermitted) sets |= kEffective;
  changes.dropped[static_cast<std::size_t>(cap)] |= sets;
}

std::string context_name(const ContextSpec& spec) {
  std::string name = spec.preset;
  for (const CapKey& k : kCapKeys) {
    std::string caps;
    for (int cap = 0; cap <= kLastCap; ++cap)
      if (listed_under(spec.changes.dropped[static_cast<std::size_t>(cap)], k)) caps += "." + lower_short(cap_name(cap));
    if (!caps.empty()) name += "+" + std::string(k.key) + caps;
  }
  if (spec.changes.userns_unmapped) name += "+" + std::string(kUsernsUnmapped);
  if (spec.changes.fd_table_full) name += "+" + std::string(kFdTableFull);
  return name;
}

Result<ContextSpec> parse_context_name(std::string_view name) {
  const auto parts = split(name, '+');
  ContextSpec spec;
  spec.preset = std::string(parts[0]);
  if (auto preset = caller_preset(spec.preset); !preset || preset->preset != spec.preset)
    return make_error("context '" + std::string(name) + "' does not start with a preset's name");
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto words = split(parts[i], '.');
    if (words[0] == kUsernsUnmapped && words.size() == 1) {
      spec.changes.userns_unmapped = true;
      continue;
    }
    if (words[0] == kFdTableFull && words.size() == 1) {
      spec.changes.fd_table_full = true;
      continue;
    }
    const CapKey* key = nullptr;
    for (const CapKey& k : kCapKeys)
      if (k.key == words[0]) key = &k;
    if (!key || words.size() < 2)
      return make_error("context '" + std::string(name) + "': unknown change '" + std::string(parts[i]) +
                        "' (changes: drop.CAP, drop_permitted.CAP, drop_effective.CAP, drop_bounding.CAP, "
                        "userns_unmapped, fd_table_full)");
    for (std::size_t w = 1; w < words.size(); ++w) {
      std::string upper = "CAP_";
      for (char ch : words[w]) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      const auto cap = parse_cap_name(upper);
      if (!cap || words[w] != lower_short(upper))
        return make_error("context '" + std::string(name) + "': unknown capability '" + std::string(words[w]) + "'");
      drop_cap(spec.changes, *cap, key->sets);
    }
  }
  return spec;
}

Caller apply_context_changes(Caller c, const ContextChanges& changes) {
  if (changes.userns_unmapped) {
    c.in_initial_userns = false;
    c.userns_level += 1;
    c.cap_sys_admin = true;
    c.cap_checkpoint_restore = true;
    c.cap_sys_admin_init = false;
    c.cap_sys_resource = false;
    c.userns_owns_pidns = false;
    c.userns_unmapped = true;
  }
  const auto gone = [&](int cap) { return (changes.dropped[static_cast<std::size_t>(cap)] & kEffective) != 0; };
  if (gone(kCapSysAdmin)) c.cap_sys_admin = c.cap_sys_admin_init = false;
  if (gone(kCapSysResource)) c.cap_sys_resource = false;
  if (gone(kCapCheckpointRestore)) c.cap_checkpoint_restore = false;
  if (changes.fd_table_full) c.fd_table_full = true;
  return c;
}

}  // namespace clonediff::model
