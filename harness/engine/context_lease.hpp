// What the host makes for a caller's context and takes back when the caller is
// gone: an empty directory to chroot into, a cgroup at pids.max 1. Removed on
// destruction, which must come after every task that used them is reaped.
#pragma once

#include <sys/types.h>

#include <string>

#include "harness/caller/context_recipe.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

class ContextLease {
 public:
  static Result<ContextLease> make(const ContextRecipe& recipe, pid_t host_pid);
  ContextLease(ContextLease&& o) noexcept;
  ContextLease& operator=(ContextLease&& o) noexcept;
  ContextLease(const ContextLease&) = delete;
  ContextLease& operator=(const ContextLease&) = delete;
  ~ContextLease();

  const ContextResources& resources() const { return res_; }

 private:
  ContextLease() = default;
  void release();
  ContextResources res_;
};

// Where a cgroup with a pids limit can be made: a directory under the cgroup v2
// root if the pids controller is already enabled for its children (nothing on
// the host is changed to enable it), else the v1 pids hierarchy.
Result<std::string> pids_cgroup_parent();

}  // namespace clonediff::harness
