#include "harness/engine/cgroup_scratch.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "probes/sys/cgroup_mounts.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::harness {

Result<std::string> CgroupScratch::cgroup2_root() {
  for (const sys::CgroupMount& m : sys::cgroup_mounts())
    if (m.fstype == "cgroup2" && m.root == "/") return m.point;
  return make_error("no cgroup v2 hierarchy is mounted");
}

Result<CgroupScratch> CgroupScratch::create(const std::string& name) {
  auto root = cgroup2_root();
  if (!root) return root.error();
  std::string path = *root + "/" + name;
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return sys::errno_error("cannot create cgroup " + path);
  return CgroupScratch(path, "/" + name);
}

CgroupScratch::CgroupScratch(CgroupScratch&& o) noexcept
    : path_(std::exchange(o.path_, std::string())), relative_(std::move(o.relative_)) {}

CgroupScratch::~CgroupScratch() { sys::remove_dir_when_free(path_); }

}  // namespace clonediff::harness
