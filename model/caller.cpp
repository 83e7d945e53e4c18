#include "model/caller.hpp"

#include <array>
#include <limits>
#include <string>

namespace clonediff::model {
namespace {

constexpr std::array<std::string_view, 18> kPresets = {
    "root", "unpriv", "userns_root", "pidns_init", "pidns_unshared", "timens_unshared", "chroot",
    "nproc_limit", "nproc_limit_root", "nproc_limit_cap_sys_resource", "nproc_limit_cap_sys_admin",
    "pids_max", "userns_depth", "pidns_depth", "userns_quota", "seccomp", "leader_exit_signal",
    "checkpoint_restore"};

#define CLONEDIFF_FACT_IN(field, is_bool, lo, hi, text)                                          \
  CallerFact {                                                                                  \
    #field, is_bool, text, lo, hi, [](const Caller& c) { return static_cast<long long>(c.field); }, \
        [](Caller& c, long long v) { c.field = static_cast<decltype(c.field)>(v); }             \
  }
#define CLONEDIFF_FACT(field, is_bool, text) CLONEDIFF_FACT_IN(field, is_bool, 0, 1, text)

constexpr long long kAnyMask = std::numeric_limits<long long>::min();  // a signal set: all 64 bits
constexpr long long kAnyMaskMax = std::numeric_limits<long long>::max();

const std::array kFacts = {
    CLONEDIFF_FACT_IN(uid, false, 0, 4294967294LL, "real uid in the initial user namespace"),
    CLONEDIFF_FACT(in_initial_userns, true, "runs in the initial user namespace"),
    CLONEDIFF_FACT(cap_sys_admin, true, "CAP_SYS_ADMIN in its own user namespace"),
    CLONEDIFF_FACT(cap_sys_admin_init, true, "CAP_SYS_ADMIN in the initial user namespace"),
    CLONEDIFF_FACT(cap_sys_resource, true, "CAP_SYS_RESOURCE in the initial user namespace"),
    CLONEDIFF_FACT(cap_checkpoint_restore, true, "CAP_CHECKPOINT_RESTORE in its own user namespace"),
    CLONEDIFF_FACT(userns_owns_pidns, true, "its user namespace owns its pid namespace (or an ancestor of the owner)"),
    CLONEDIFF_FACT(pidns_init, true, "pid 1 of its pid namespace"),
    CLONEDIFF_FACT(pid_for_children_differs, true, "pid_for_children differs from its pid namespace"),
    CLONEDIFF_FACT(time_for_children_differs, true, "time_for_children differs from its time namespace"),
    CLONEDIFF_FACT(chrooted, true, "chrooted below its mount namespace's root"),
    CLONEDIFF_FACT_IN(userns_level, false, 0, 33, "user namespace nesting depth (the initial one is 0; 33 is the deepest)"),
    CLONEDIFF_FACT_IN(pidns_level, false, 0, 32, "pid namespace nesting depth (MAX_PID_NS_LEVEL is 32)"),
    CLONEDIFF_FACT(nproc_at_limit, true, "its user is at RLIMIT_NPROC"),
    CLONEDIFF_FACT(pids_at_max, true, "its cgroup is at pids.max"),
    CLONEDIFF_FACT(pids_max_on_cgroup2, true, "that pids limit is in cgroup v2, not v1"),
    CLONEDIFF_FACT(userns_quota_reached, true, "max_user_namespaces allows no more"),
    CLONEDIFF_FACT_IN(leader_exit_signal, false, 0, 255, "exit signal of its thread-group leader"),
    CLONEDIFF_FACT_IN(signals_blocked, false, kAnyMask, kAnyMaskMax, "signals it blocks (bit n-1: signal n, as SigBlk)"),
    CLONEDIFF_FACT_IN(signals_ignored, false, kAnyMask, kAnyMaskMax, "signals it ignores (as SigIgn)"),
    CLONEDIFF_FACT_IN(signals_caught, false, kAnyMask, kAnyMaskMax, "signals it has handlers for (as SigCgt)"),
    CLONEDIFF_FACT(io_context, true, "holds an io context"),
    CLONEDIFF_FACT(sysvsem_undo, true, "holds a SysV semaphore undo list"),
};
#undef CLONEDIFF_FACT
#undef CLONEDIFF_FACT_IN

}  // namespace

std::span<const std::string_view> caller_preset_names() { return kPresets; }

namespace {
void drop_capabilities(Caller& c) {
  c.cap_sys_admin = c.cap_sys_admin_init = c.cap_sys_resource = c.cap_checkpoint_restore = false;
}
constexpr long long kNprocUid = 4194303;  // the uid the nproc_limit contexts run as
}  // namespace

// What each context is, as facts. The harness builds them for real and reads
// the facts back from the live caller; these are for check and explain.
Result<Caller> caller_preset(std::string_view name) {
  Caller c;
  c.preset = std::string(name);
  if (name == "root" || name == "seccomp") return c;  // seccomp: an allow-all filter
  if (name == "unpriv") {
    c.uid = 65534;
    drop_capabilities(c);
    return c;
  }
  if (name == "userns_root") {
    // uid 0 in a user namespace of its own: capable there, not in the initial one,
    // and not over the initial pid namespace.
    c.in_initial_userns = false;
    c.userns_level = 1;
    c.cap_sys_admin_init = c.cap_sys_resource = false;
    c.userns_owns_pidns = false;
    return c;
  }
  if (name == "pidns_init") {
    c.pidns_init = true;
    c.pidns_level = 1;
    return c;
  }
  if (name == "pidns_unshared") {
    c.pid_for_children_differs = true;
    return c;
  }
  if (name == "timens_unshared") {
    c.time_for_children_differs = true;
    return c;
  }
  if (name == "chroot") {
    c.chrooted = true;
    return c;
  }
  if (name == "nproc_limit" || name == "nproc_limit_cap_sys_resource" || name == "nproc_limit_cap_sys_admin") {
    c.uid = kNprocUid;
    drop_capabilities(c);
    c.nproc_at_limit = true;
    if (name == "nproc_limit_cap_sys_resource") c.cap_sys_resource = true;
    if (name == "nproc_limit_cap_sys_admin") c.cap_sys_admin = c.cap_sys_admin_init = true;
    return c;
  }
  if (name == "nproc_limit_root") {
    c.nproc_at_limit = true;
    return c;
  }
  if (name == "pids_max") {
    c.pids_at_max = true;
    return c;
  }
  if (name == "userns_depth") {
    c.in_initial_userns = false;
    c.userns_level = 33;  // create_user_ns() refuses a child of a level above 32
    c.cap_sys_admin_init = c.cap_sys_resource = false;
    c.userns_owns_pidns = false;
    return c;
  }
  if (name == "pidns_depth") {
    c.pidns_init = true;
    c.pidns_level = 32;  // MAX_PID_NS_LEVEL
    return c;
  }
  if (name == "userns_quota") {
    c.in_initial_userns = false;
    c.userns_level = 1;
    c.cap_sys_admin_init = c.cap_sys_resource = false;
    c.userns_owns_pidns = false;
    c.userns_quota_reached = true;
    return c;
  }
  if (name == "leader_exit_signal") {
    c.leader_exit_signal = 0;
    return c;
  }
  if (name == "checkpoint_restore") {
    // uid 65534 with CAP_CHECKPOINT_RESTORE alone.
    c.uid = 65534;
    drop_capabilities(c);
    c.cap_checkpoint_restore = true;
    return c;
  }
  std::string known;
  for (auto p : kPresets) known += (known.empty() ? "" : ", ") + std::string(p);
  return make_error("unknown context '" + std::string(name) + "' (presets: " + known + ")");
}

std::span<const CallerFact> caller_facts() { return kFacts; }

Status set_caller_fact(Caller& c, std::string_view name, long long value) {
  for (const CallerFact& f : kFacts) {
    if (f.name != name) continue;
    if (f.boolean && value != 0 && value != 1)
      return make_error("context fact '" + std::string(name) + "' is true or false");
    if (value < f.min || value > f.max)
      return make_error("context fact '" + std::string(name) + "' is from " + std::to_string(f.min) + " to " +
                        std::to_string(f.max) + ", not " + std::to_string(value));
    f.set(c, value);
    return ok_status();
  }
  return make_error("unknown context fact '" + std::string(name) + "'");
}

}  // namespace clonediff::model
