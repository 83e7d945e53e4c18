#include "harness/caller/context_recipe.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <vector>

#include "harness/caller/context_changes.hpp"
#include "model/context_changes.hpp"
#include "probes/sys/cleanup.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/text_file.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {
namespace {

using sys::errno_error;
using sys::write_file;


// A user namespace of its own, with uid and gid 0 mapped to the caller's own
// (the one mapping an unprivileged writer may make).
Status enter_own_userns() {
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER) != 0) return errno_error("unshare(CLONE_NEWUSER)");
  if (auto st = write_file("/proc/self/setgroups", "deny"); !st) return st;
  if (auto st = write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"); !st) return st;
  if (auto st = write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"); !st) return st;
  return ok_status();
}

// Drops to uid/gid `id`, keeping only the capabilities in `keep` (bit numbers).
Status become(unsigned id, const std::vector<int>& keep) {
  __user_cap_header_struct now_hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct now[2] = {};
  ::syscall(SYS_capget, &now_hdr, now);
  for (int cap : keep)
    if (!(now[cap / 32].permitted & (1u << (cap % 32))))
      return make_error("clonediff holds no capability " + std::to_string(cap) +
                        " to keep here (it is not in this machine's bounding set)");
  if (!keep.empty() && ::prctl(PR_SET_KEEPCAPS, 1) != 0) return errno_error("PR_SET_KEEPCAPS");
  if (::setgroups(0, nullptr) != 0) return errno_error("setgroups");
  if (::setresgid(id, id, id) != 0) return errno_error("setresgid");
  if (::setresuid(id, id, id) != 0) return errno_error("setresuid");
  // Privilege: uid/gid `id`; with keep-caps the permitted set survived.
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int cap : keep) {
    data[cap / 32].effective |= 1u << (cap % 32);
    data[cap / 32].permitted |= 1u << (cap % 32);
  }
  if (::syscall(SYS_capset, &hdr, data) != 0) return errno_error("capset");
  ::prctl(PR_SET_KEEPCAPS, 0);
  // Stay ptrace-readable for the prober (a uid change clears dumpable).
  ::prctl(PR_SET_DUMPABLE, 1);
  return ok_status();
}

// The context's uid (as its gid too), keeping the capabilities its facts
// say it holds.
Status become_as_built(const model::Caller& as_built) {
  std::vector<int> keep;
  if (as_built.cap_sys_admin) keep.push_back(CAP_SYS_ADMIN);
  if (as_built.cap_sys_resource) keep.push_back(CAP_SYS_RESOURCE);
  if (as_built.cap_checkpoint_restore) keep.push_back(model::kCapCheckpointRestore);
  return become(static_cast<unsigned>(as_built.uid), keep);
}

Status limit_nproc_to_one() {
  const rlimit one{1, 1};
  if (::setrlimit(RLIMIT_NPROC, &one) != 0) return errno_error("setrlimit(RLIMIT_NPROC)");
  return ok_status();
}

// Two filters that allow everything: the seccomp context's.
Status install_allow_all_filters() {
  for (int i = 0; i < 2; ++i) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return make_error("seccomp_init failed");
    const sys::Cleanup release([ctx] { seccomp_release(ctx); });
    // A rule that changes nothing keeps libseccomp from refusing an empty filter.
    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getpid), 0);
    if (const int rc = seccomp_load(ctx); rc != 0) return errno_error("seccomp_load", -rc);
  }
  return ok_status();
}

// pidns_unshared, before its first case and after every case: back to the
// active pid namespace for children, then a fresh one. The child born in it
// was its pid 1 and took it along; and a call refused after alloc_pid() gave
// out that pid 1 leaves the namespace unable to allocate again (free_pid():
// "fork failure of the first process").
Status fresh_pid_for_children() {
  static sys::UniqueFd active(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  if (!active) return errno_error("open /proc/self/ns/pid");
  if (::setns(active.get(), CLONE_NEWPID) != 0) return errno_error("setns(pid)");
  if (::unshare(CLONE_NEWPID) != 0) return errno_error("unshare(CLONE_NEWPID)");
  return ok_status();
}

// The steps, as the recipes name them.
Status drop_privileges(const model::Caller& as_built, const ContextResources&) { return become_as_built(as_built); }

Status own_user_namespace(const model::Caller&, const ContextResources&) { return enter_own_userns(); }

Status own_user_namespace_without_quota(const model::Caller&, const ContextResources&) {
  if (auto st = enter_own_userns(); !st) return st;
  // Per user namespace: the host's own limit is untouched.
  return write_file("/proc/sys/user/max_user_namespaces", "0");
}

Status nest_user_namespaces(const model::Caller&, const ContextResources&) {
  // Deeper until the kernel says no: create_user_ns() refuses below level 33.
  for (int level = 1; level <= 64; ++level) {
    if (::unshare(CLONE_NEWUSER) != 0) {
      if (errno == ENOSPC || errno == EUSERS) return ok_status();
      return errno_error("unshare(CLONE_NEWUSER) at level " + std::to_string(level));
    }
    if (auto st = write_file("/proc/self/setgroups", "deny"); !st) return st;
    if (auto st = write_file("/proc/self/uid_map", "0 0 1"); !st) return st;
    if (auto st = write_file("/proc/self/gid_map", "0 0 1"); !st) return st;
  }
  return make_error("user namespaces nested past 64 levels without a limit");
}

Status unshare_pid_for_children(const model::Caller&, const ContextResources&) { return fresh_pid_for_children(); }

Status unshare_time_for_children(const model::Caller&, const ContextResources&) {
  if (::unshare(CLONE_NEWTIME) != 0) return errno_error("unshare(CLONE_NEWTIME)");
  return ok_status();
}

Status nproc_limit(const model::Caller&, const ContextResources&) { return limit_nproc_to_one(); }

Status drop_privileges_at_nproc_limit(const model::Caller& as_built, const ContextResources&) {
  if (auto st = become_as_built(as_built); !st) return st;
  return limit_nproc_to_one();
}

Status join_lent_pids_cgroup(const model::Caller&, const ContextResources& lent) {
  if (lent.pids_cgroup.empty()) return make_error("no pids cgroup was made for the caller");
  return write_file(lent.pids_cgroup + "/cgroup.procs", std::to_string(::getpid()));
}

Status chroot_into_lent_dir(const ContextResources& lent) {
  // Privilege: root. After this the caller sees no /proc, which it no longer needs.
  if (::chroot(lent.chroot_dir.c_str()) != 0) return errno_error("chroot " + lent.chroot_dir);
  if (::chdir("/") != 0) return errno_error("chdir /");
  return ok_status();
}

Status allow_all_filters(const ContextResources&) { return install_allow_all_filters(); }

// One recipe per context of model::caller_contexts(), in its order. Contexts
// with no steps are built by their spawn kind alone.
constexpr ContextRecipe kRecipes[] = {
    {"root"},
    {"unpriv", SpawnKind::fork, false, false, drop_privileges},
    {"userns_root", SpawnKind::fork, false, false, own_user_namespace},
    {"pidns_init", SpawnKind::new_pidns},
    {"pidns_unshared", SpawnKind::fork, false, false, unshare_pid_for_children, nullptr, fresh_pid_for_children},
    {"timens_unshared", SpawnKind::fork, false, false, unshare_time_for_children},
    {"chroot", SpawnKind::fork, true, false, nullptr, chroot_into_lent_dir},
    {"nproc_limit", SpawnKind::fork, false, false, drop_privileges_at_nproc_limit},
    {"nproc_limit_root", SpawnKind::fork, false, false, nproc_limit},
    {"nproc_limit_cap_sys_resource", SpawnKind::fork, false, false, drop_privileges_at_nproc_limit},
    {"nproc_limit_cap_sys_admin", SpawnKind::fork, false, false, drop_privileges_at_nproc_limit},
    {"pids_max", SpawnKind::fork, false, true, join_lent_pids_cgroup},
    {"userns_depth", SpawnKind::fork, false, false, nest_user_namespaces},
    {"pidns_depth", SpawnKind::nested_pidns},
    {"userns_quota", SpawnKind::fork, false, false, own_user_namespace_without_quota},
    {"seccomp", SpawnKind::fork, false, false, nullptr, allow_all_filters},
    {"leader_exit_signal", SpawnKind::exit_signal_0},
    {"checkpoint_restore", SpawnKind::fork, false, false, drop_privileges},
};

}  // namespace

std::span<const ContextRecipe> context_recipes() { return kRecipes; }

Result<const ContextRecipe*> find_recipe(std::string_view context) {
  // A changed context is built by its preset's recipe, with the changes
  // around it (context_changes.hpp).
  context = context.substr(0, context.find('+'));
  for (const ContextRecipe& r : kRecipes)
    if (r.context == context) return &r;
  std::string known;
  for (const ContextRecipe& r : kRecipes) known += (known.empty() ? "" : ", ") + std::string(r.context);
  return make_error("context '" + std::string(context) + "' has no recipe in this harness (contexts: " + known + ")");
}

Status enter_context(std::string_view context, const ContextResources& lent) {
  if (::geteuid() != 0)
    return make_error("contexts are built from root; clonediff runs as uid " + std::to_string(::geteuid()));
  auto recipe = find_recipe(context);
  if (!recipe) return recipe.error();
  auto spec = model::parse_context_name(context);
  if (!spec) return spec.error();
  if (auto st = apply_changes_before_preset(spec->changes); !st) return st;
  if ((*recipe)->enter) {
    // The preset's own facts: its steps build the preset, not the changes.
    auto as_built = model::caller_preset(spec->preset);
    if (!as_built) return as_built.error();
    if (auto st = (*recipe)->enter(*as_built, lent); !st) return st;
  }
  if (auto st = apply_changes_after_preset(spec->changes); !st) return st;
  // A context renewed after every case must be renewable as built (with its
  // changes): found now, it is a context this machine cannot build, not an
  // error after the first case (pidns_unshared in an unmapped user namespace
  // may not setns() back to its own pid namespace).
  if ((*recipe)->after_case)
    if (auto st = (*recipe)->after_case(); !st)
      return make_error("renewing it after a case fails: " + st.error().message);
  return ok_status();
}

Status finish_context(std::string_view context, const ContextResources& lent) {
  auto recipe = find_recipe(context);
  if (!recipe) return recipe.error();
  return (*recipe)->finish ? (*recipe)->finish(lent) : ok_status();
}

Status after_case(std::string_view context) {
  auto recipe = find_recipe(context);
  if (!recipe) return recipe.error();
  return (*recipe)->after_case ? (*recipe)->after_case() : ok_status();
}

}  // namespace clonediff::harness
