#include "harness/caller/supervision_filter.hpp"

#include <seccomp.h>

#include <cerrno>
#include <memory>
#include <string>

#include "probes/sys/errors.hpp"

namespace clonediff::harness {

std::string_view supervision_name(Supervision s) {
  switch (s) {
    case Supervision::none: return "none";
    case Supervision::notify: return "notify";
    case Supervision::notify_clone3_enosys: return "notify, clone3 ENOSYS";
  }
  return "?";
}

Result<sys::UniqueFd> install_supervision_filter(Supervision s) {
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ALLOW), seccomp_release);
  if (!ctx) return make_error("seccomp_init failed");
  for (int nr : {SCMP_SYS(clone), SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(execve), SCMP_SYS(execveat)})
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_NOTIFY, nr, 0); rc != 0)
      return sys::errno_error("seccomp_rule_add", -rc);
  const std::uint32_t clone3_action = s == Supervision::notify_clone3_enosys ? SCMP_ACT_ERRNO(ENOSYS) : SCMP_ACT_NOTIFY;
  if (int rc = seccomp_rule_add(ctx.get(), clone3_action, SCMP_SYS(clone3), 0); rc != 0)
    return sys::errno_error("seccomp_rule_add clone3", -rc);
  if (int rc = seccomp_load(ctx.get()); rc != 0)
    return sys::errno_error("seccomp_load (user notification unavailable?)", -rc);
  const int fd = seccomp_notify_fd(ctx.get());
  if (fd < 0) return sys::errno_error("seccomp_notify_fd", -fd);
  return sys::UniqueFd(fd);
}

}  // namespace clonediff::harness
