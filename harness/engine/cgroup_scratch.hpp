// A cgroup v2 directory of the harness's own, for CLONE_INTO_CGROUP cases:
// made before the case, removed after it (the child is reaped by then).
#pragma once

#include <string>

#include "model/result.hpp"

namespace clonediff::harness {

class CgroupScratch {
 public:
  // The cgroup2 mount point (/sys/fs/cgroup on a unified system,
  // /sys/fs/cgroup/unified on a hybrid one), from /proc/self/mountinfo.
  static Result<std::string> cgroup2_root();

  // mkdir <root>/<name>. Errors name what is missing (no cgroup2, no rights).
  static Result<CgroupScratch> create(const std::string& name);
  CgroupScratch(CgroupScratch&& o) noexcept;
  CgroupScratch& operator=(CgroupScratch&&) = delete;
  CgroupScratch(const CgroupScratch&) = delete;
  ~CgroupScratch();  // rmdir, retrying briefly while tasks are still leaving

  const std::string& path() const { return path_; }          // absolute
  const std::string& cgroup_path() const { return relative_; }  // as /proc/<pid>/cgroup shows it

 private:
  CgroupScratch(std::string path, std::string relative) : path_(std::move(path)), relative_(std::move(relative)) {}
  std::string path_;
  std::string relative_;
};

}  // namespace clonediff::harness
