#include "harness/engine/context_lease.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "harness/engine/cgroup_scratch.hpp"
#include "harness/engine/lease_owner.hpp"
#include "probes/sys/cgroup_mounts.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::harness {
namespace {

std::string v1_pids_mount() {
  for (const sys::CgroupMount& m : sys::cgroup_mounts())
    if (m.root == "/" && m.v1_with("pids")) return m.point;
  return "";
}

}  // namespace

Result<std::string> pids_cgroup_parent() {
  if (auto v2 = CgroupScratch::cgroup2_root()) {
    std::ifstream control(*v2 + "/cgroup.subtree_control");
    std::string word;
    while (control >> word)
      if (word == "pids") return *v2;
  }
  const std::string v1 = v1_pids_mount();
  if (!v1.empty()) return v1;
  return make_error("no pids controller: not enabled in cgroup v2's root subtree, and no v1 pids hierarchy");
}

Result<ContextLease> ContextLease::make(const ContextRecipe& recipe, pid_t host_pid) {
  static int serial = 0;
  ContextLease lease;
  if (recipe.needs_chroot_dir) {
    // Named after the host, like every directory the harness makes (lease_owner.hpp).
    std::string dir = "/tmp/clonediff-chroot-" + lease_owner_tag(host_pid) + "-XXXXXX";
    if (!::mkdtemp(dir.data())) return sys::errno_error("mkdtemp");
    lease.res_.chroot_dir = dir;
  }
  if (recipe.needs_pids_cgroup) {
    auto parent = pids_cgroup_parent();
    if (!parent) return parent.error();
    const std::string dir = *parent + "/clonediff-pids-" + lease_owner_tag(host_pid) + "-" + std::to_string(++serial);
    if (::mkdir(dir.c_str(), 0755) != 0) return sys::errno_error("mkdir " + dir);
    lease.res_.pids_cgroup = dir;
    if (auto st = sys::write_file(dir + "/pids.max", "1\n"); !st)
      return make_error("cannot set " + dir + "/pids.max", st.error().errnum);
  }
  return lease;
}

ContextLease::ContextLease(ContextLease&& o) noexcept : res_(std::exchange(o.res_, ContextResources{})) {}

ContextLease& ContextLease::operator=(ContextLease&& o) noexcept {
  if (this != &o) {
    release();
    res_ = std::exchange(o.res_, ContextResources{});
  }
  return *this;
}

ContextLease::~ContextLease() { release(); }

void ContextLease::release() {
  sys::remove_dir_when_free(res_.chroot_dir);
  sys::remove_dir_when_free(res_.pids_cgroup);
  res_ = ContextResources{};
}

}  // namespace clonediff::harness
