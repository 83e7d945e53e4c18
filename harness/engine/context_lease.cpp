#include "harness/engine/context_lease.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <utility>

#include "probes/sys/cgroup_mounts.hpp"
#include "harness/engine/cgroup_scratch.hpp"

namespace clonediff::harness {
namespace {

std::string errtext(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string v1_pids_mount() {
  for (const sys::CgroupMount& m : sys::cgroup_mounts())
    if (m.root == "/" && m.v1_with("pids")) return m.point;
  return "";
}

void remove_dir(const std::string& path) {
  for (int i = 0; i < 200 && !path.empty(); ++i) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) return;
    ::usleep(5000);  // a cgroup stays busy until its last task is released
  }
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

Result<ContextLease> ContextLease::make(const ContextSpec& spec, pid_t host_pid) {
  static int serial = 0;
  ContextLease lease;
  if (spec.needs_chroot_dir) {
    // Named after the host, like every directory the harness makes.
    std::string dir = "/tmp/clonediff-chroot-" + std::to_string(host_pid) + "-XXXXXX";
    if (!::mkdtemp(dir.data())) return make_error(errtext("mkdtemp"));
    lease.res_.chroot_dir = dir;
  }
  if (spec.needs_pids_cgroup) {
    auto parent = pids_cgroup_parent();
    if (!parent) return parent.error();
    const std::string dir = *parent + "/clonediff-pids-" + std::to_string(host_pid) + "-" + std::to_string(++serial);
    if (::mkdir(dir.c_str(), 0755) != 0) return make_error(errtext("mkdir " + dir));
    lease.res_.pids_cgroup = dir;
    std::ofstream max(dir + "/pids.max");
    if (!(max << "1\n") || !max.flush()) return make_error("cannot set " + dir + "/pids.max");
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
  remove_dir(res_.chroot_dir);
  remove_dir(res_.pids_cgroup);
  res_ = ContextResources{};
}

}  // namespace clonediff::harness
