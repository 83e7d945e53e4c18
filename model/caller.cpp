#include "model/caller.hpp"

#include <array>

namespace clonediff::model {
namespace {

constexpr std::array<std::string_view, 3> kPresets = {"root", "unpriv", "pidns_init"};

#define CLONEDIFF_FACT(field, is_bool, text)                                            \
  CallerFact {                                                                          \
    #field, is_bool, text, [](const Caller& c) { return static_cast<long long>(c.field); }, \
        [](Caller& c, long long v) { c.field = static_cast<decltype(c.field)>(v); }     \
  }

const std::array kFacts = {
    CLONEDIFF_FACT(uid, false, "real uid in the initial user namespace"),
    CLONEDIFF_FACT(in_initial_userns, true, "runs in the initial user namespace"),
    CLONEDIFF_FACT(cap_sys_admin, true, "CAP_SYS_ADMIN in its own user namespace"),
    CLONEDIFF_FACT(cap_sys_admin_init, true, "CAP_SYS_ADMIN in the initial user namespace"),
    CLONEDIFF_FACT(cap_sys_resource, true, "CAP_SYS_RESOURCE in the initial user namespace"),
    CLONEDIFF_FACT(cap_checkpoint_restore, true, "CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN in its user namespace"),
    CLONEDIFF_FACT(pidns_init, true, "pid 1 of its pid namespace"),
    CLONEDIFF_FACT(pid_for_children_differs, true, "pid_for_children differs from its pid namespace"),
    CLONEDIFF_FACT(time_for_children_differs, true, "time_for_children differs from its time namespace"),
    CLONEDIFF_FACT(chrooted, true, "chrooted below its mount namespace's root"),
    CLONEDIFF_FACT(userns_level, false, "user namespace nesting depth"),
    CLONEDIFF_FACT(pidns_level, false, "pid namespace nesting depth"),
    CLONEDIFF_FACT(nproc_at_limit, true, "its user is at RLIMIT_NPROC"),
    CLONEDIFF_FACT(leader_exit_signal, false, "exit signal of its thread-group leader"),
    CLONEDIFF_FACT(io_context, true, "holds an io context"),
    CLONEDIFF_FACT(sysvsem_undo, true, "holds a SysV semaphore undo list"),
};
#undef CLONEDIFF_FACT

}  // namespace

std::span<const std::string_view> caller_preset_names() { return kPresets; }

Result<Caller> caller_preset(std::string_view name) {
  Caller c;
  c.preset = std::string(name);
  if (name == "root") return c;
  if (name == "unpriv") {
    c.uid = 65534;
    c.cap_sys_admin = c.cap_sys_admin_init = c.cap_sys_resource = c.cap_checkpoint_restore = false;
    return c;
  }
  if (name == "pidns_init") {
    c.pidns_init = true;
    c.pidns_level = 1;
    return c;
  }
  return make_error("unknown context '" + std::string(name) + "' (presets: root, unpriv, pidns_init)");
}

std::span<const CallerFact> caller_facts() { return kFacts; }

Status set_caller_fact(Caller& c, std::string_view name, long long value) {
  for (const CallerFact& f : kFacts) {
    if (f.name != name) continue;
    if (f.boolean && value != 0 && value != 1)
      return make_error("context fact '" + std::string(name) + "' is true or false");
    f.set(c, value);
    return ok_status();
  }
  return make_error("unknown context fact '" + std::string(name) + "'");
}

}  // namespace clonediff::model
