#include "model/caller.hpp"

#include "model/context_changes.hpp"

#include <array>
#include <limits>
#include <string>

namespace clonediff::model {
namespace {

#define CLONEDIFF_FACT_IN(field, is_bool, lo, hi, text)                                          \
  CallerFact {                                                                                  \
    #field, is_bool, text, lo, hi, [](const Caller& c) { return static_cast<long long>(c.field); }, \
        [](Caller& c, long long v) { c.field = static_cast<decltype(c.field)>(v); }             \
  }
#define CLONEDIFF_FACT(field, is_bool, text) CLONEDIFF_FACT_IN(field, is_bool, 0, 1, text)

constexpr long long kAnyMask = std::numeric_limits<long long>::min();  // a signal set: all 64 bits
constexpr long long kAnyMaskMax = std::numeric_limits<long long>::max();

// The order is the records' (a context object lists the facts that differ in
// this order) and the wire's: add a fact at the end.
constexpr std::array kFacts = {
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
    CLONEDIFF_FACT(userns_unmapped, true, "its user namespace has no uid/gid map for it"),
    CLONEDIFF_FACT(fd_table_full, true, "no descriptor is free below RLIMIT_NOFILE"),
};
#undef CLONEDIFF_FACT
#undef CLONEDIFF_FACT_IN
static_assert(kFacts.size() <= kMostCallerFacts, "the harness's facts message has no room for more facts");

// The uid the nproc_limit contexts run as: one no process on the machine
// has, so that RLIMIT_NPROC 1 counts the caller alone.
constexpr long long kNprocUid = 4194303;

// Every context, in the order reports list them. Facts not named are a root
// caller's: uid 0 with every capability, in the initial namespaces, SIGCHLD
// as its leader's exit signal, primed with an io context and a SysV undo list.
constexpr std::array<CallerContext, 18> kContexts = {{
    {"root", "uid 0, all capabilities, the initial namespaces", {}},
    {"unpriv", "uid/gid 65534, no capabilities, the initial user namespace",
     {{{"uid", 65534}, {"cap_sys_admin", 0}, {"cap_sys_admin_init", 0}, {"cap_sys_resource", 0},
       {"cap_checkpoint_restore", 0}}}},
    // Capable in its own user namespace, not in the initial one, and not over
    // the initial pid namespace.
    {"userns_root", "uid 0 in a user namespace of its own",
     {{{"in_initial_userns", 0}, {"userns_level", 1}, {"cap_sys_admin_init", 0}, {"cap_sys_resource", 0},
       {"userns_owns_pidns", 0}}}},
    {"pidns_init", "root as pid 1 of a fresh pid namespace", {{{"pidns_init", 1}, {"pidns_level", 1}}}},
    {"pidns_unshared", "root after unshare(CLONE_NEWPID): its children start a new pid namespace",
     {{{"pid_for_children_differs", 1}}}},
    {"timens_unshared", "root after unshare(CLONE_NEWTIME): its children enter a new time namespace",
     {{{"time_for_children_differs", 1}}}},
    {"chroot", "root, chrooted into an empty directory", {{{"chrooted", 1}}}},
    {"nproc_limit", "uid 4194303, no capabilities, at RLIMIT_NPROC 1",
     {{{"uid", kNprocUid}, {"cap_sys_admin", 0}, {"cap_sys_admin_init", 0}, {"cap_sys_resource", 0},
       {"cap_checkpoint_restore", 0}, {"nproc_at_limit", 1}}}},
    {"nproc_limit_root", "root at RLIMIT_NPROC 1 (root is exempt)", {{{"nproc_at_limit", 1}}}},
    {"nproc_limit_cap_sys_resource", "uid 4194303 keeping CAP_SYS_RESOURCE, at RLIMIT_NPROC 1",
     {{{"uid", kNprocUid}, {"cap_sys_admin", 0}, {"cap_sys_admin_init", 0}, {"cap_checkpoint_restore", 0},
       {"nproc_at_limit", 1}}}},
    {"nproc_limit_cap_sys_admin", "uid 4194303 keeping CAP_SYS_ADMIN, at RLIMIT_NPROC 1",
     {{{"uid", kNprocUid}, {"cap_sys_resource", 0}, {"cap_checkpoint_restore", 0}, {"nproc_at_limit", 1}}}},
    {"pids_max", "root in a cgroup at pids.max 1", {{{"pids_at_max", 1}}}},
    // create_user_ns() refuses a child of a level above 32.
    {"userns_depth", "root in user namespaces nested as deep as they go",
     {{{"in_initial_userns", 0}, {"userns_level", 33}, {"cap_sys_admin_init", 0}, {"cap_sys_resource", 0},
       {"userns_owns_pidns", 0}}}},
    // MAX_PID_NS_LEVEL.
    {"pidns_depth", "root as pid 1 of pid namespaces nested as deep as they go",
     {{{"pidns_init", 1}, {"pidns_level", 32}}}},
    {"userns_quota", "uid 0 in a user namespace whose max_user_namespaces is 0",
     {{{"in_initial_userns", 0}, {"userns_level", 1}, {"cap_sys_admin_init", 0}, {"cap_sys_resource", 0},
       {"userns_owns_pidns", 0}, {"userns_quota_reached", 1}}}},
    // An allow-all filter changes no fact the model consults.
    {"seccomp", "root with two allow-all seccomp filters", {}},
    {"leader_exit_signal", "root whose thread-group leader has exit signal 0", {{{"leader_exit_signal", 0}}}},
    {"checkpoint_restore", "uid/gid 65534 keeping CAP_CHECKPOINT_RESTORE",
     {{{"uid", 65534}, {"cap_sys_admin", 0}, {"cap_sys_admin_init", 0}, {"cap_sys_resource", 0}}}},
}};

constexpr const CallerFact* find_fact(std::string_view name) {
  for (const CallerFact& f : kFacts)
    if (f.name == name) return &f;
  return nullptr;
}

// Every fact a context names is a fact, with a value it can take, and no
// context is named twice.
constexpr bool contexts_are_well_formed() {
  for (std::size_t i = 0; i < kContexts.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j)
      if (kContexts[j].name == kContexts[i].name) return false;
    for (const FactValue& v : kContexts[i].facts) {
      if (v.fact.empty()) continue;
      const CallerFact* f = find_fact(v.fact);
      if (!f || (f->boolean && v.value != 0 && v.value != 1) || v.value < f->min || v.value > f->max) return false;
    }
  }
  return true;
}
static_assert(contexts_are_well_formed(), "a context names an unknown fact, a non-boolean value, or itself twice");

constexpr auto kContextNames = [] {
  std::array<std::string_view, kContexts.size()> names{};
  for (std::size_t i = 0; i < kContexts.size(); ++i) names[i] = kContexts[i].name;
  return names;
}();

}  // namespace

std::span<const CallerFact> caller_facts() { return kFacts; }

Status set_caller_fact(Caller& c, std::string_view name, long long value) {
  const CallerFact* f = find_fact(name);
  if (!f) return make_error("unknown context fact '" + std::string(name) + "'");
  if (f->boolean && value != 0 && value != 1)
    return make_error("context fact '" + std::string(name) + "' is true or false");
  if (value < f->min || value > f->max)
    return make_error("context fact '" + std::string(name) + "' is from " + std::to_string(f->min) + " to " +
                      std::to_string(f->max) + ", not " + std::to_string(value));
  f->set(c, value);
  return ok_status();
}

std::span<const CallerContext> caller_contexts() { return kContexts; }

std::span<const std::string_view> caller_preset_names() { return kContextNames; }

Result<Caller> caller_preset(std::string_view name) {
  if (name.find('+') != std::string_view::npos) {
    auto spec = parse_context_name(name);
    if (!spec) return spec.error();
    Caller c = apply_context_changes(*caller_preset(spec->preset), spec->changes);
    c.preset = context_name(*spec);
    for (const CallerFact& f : kFacts)
      if (f.get(c) < f.min || f.get(c) > f.max)
        return make_error("context '" + std::string(name) + "' cannot be: its " + std::string(f.name) + " would be " +
                          std::to_string(f.get(c)) + " (at most " + std::to_string(f.max) + ")");
    return c;
  }
  for (const CallerContext& context : kContexts) {
    if (context.name != name) continue;
    Caller c;
    c.preset = std::string(name);
    for (const FactValue& v : context.facts)
      if (!v.fact.empty()) find_fact(v.fact)->set(c, v.value);
    return c;
  }
  std::string known;
  for (std::string_view p : kContextNames) known += (known.empty() ? "" : ", ") + std::string(p);
  return make_error("unknown context '" + std::string(name) + "' (presets: " + known + ")");
}

}  // namespace clonediff::model
