// For tests that take a system call away from their own (forked) process: a
// seccomp filter that makes it fail with an errno, as under gVisor, where
// kcmp and seccomp's user notification are ENOSYS.
#pragma once

#include <seccomp.h>

#include <cstdint>

#include "probes/sys/cleanup.hpp"

namespace clonediff {

// Installs a filter on the calling process that fails system call `nr` with
// `err`; everything else is allowed. False if it could not be installed.
inline bool refuse_in_this_process(int nr, int err) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) return false;
  const sys::Cleanup release([ctx] { seccomp_release(ctx); });
  return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(static_cast<std::uint32_t>(err)), nr, 0) == 0 && seccomp_load(ctx) == 0;
}

}  // namespace clonediff
