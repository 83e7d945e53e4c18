// The caller's side of seccomp user notification around the C library's
// entries: a filter that sends every process-creating call (and execve) to
// the supervisor in the host (engine/supervisor.hpp).
#pragma once

#include <cstdint>
#include <string_view>

#include "model/result.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {

enum class Supervision : std::uint8_t {
  none,                  // raw entries: no filter
  notify,                // clone, clone3, fork, vfork, execve, execveat notify the host
  notify_clone3_enosys,  // ... and clone3 fails with ENOSYS, so glibc falls back to clone
};
std::string_view supervision_name(Supervision s);

// Installs the filter on the calling process (all its future children inherit
// it) and returns the notification descriptor. Needs CAP_SYS_ADMIN or
// no_new_privs (libseccomp sets the latter).
Result<sys::UniqueFd> install_supervision_filter(Supervision s);

}  // namespace clonediff::harness
