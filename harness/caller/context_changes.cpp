#include "harness/caller/context_changes.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "probes/sys/errors.hpp"

namespace clonediff::harness {
namespace {

using sys::errno_error;

bool dropped_from(const model::ContextChanges& changes, int cap, std::uint8_t set) {
  return (changes.dropped[static_cast<std::size_t>(cap)] & set) != 0;
}

Status drop_from_capability_sets(const model::ContextChanges& changes) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &hdr, data) != 0) return errno_error("capget");
  bool any = false;
  for (int cap = 0; cap <= model::kLastCap; ++cap) {
    const auto bit = 1u << (cap % 32);
    if (dropped_from(changes, cap, model::kEffective)) {
      data[cap / 32].effective &= ~bit;
      any = true;
    }
    if (dropped_from(changes, cap, model::kPermitted)) {
      data[cap / 32].permitted &= ~bit;
      any = true;
    }
  }
  if (!any) return ok_status();
  // Privilege: none needed to narrow one's own sets.
  if (::syscall(SYS_capset, &hdr, data) != 0) return errno_error("capset (dropping capabilities)");
  return ok_status();
}

// The lowest descriptor number not in use, at most `bound`.
int lowest_free_fd(int bound) {
  int fd = 0;
  while (fd < bound && ::fcntl(fd, F_GETFD) != -1) ++fd;
  return fd;
}

constexpr int kMostDescriptorsLooked = 1 << 20;

}  // namespace

Status apply_changes_before_preset(const model::ContextChanges& changes) {
  for (int cap = 0; cap <= model::kLastCap; ++cap)
    if (dropped_from(changes, cap, model::kBounding) && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      return errno_error("PR_CAPBSET_DROP " + std::string(model::cap_name(cap)));
  return ok_status();
}

Status apply_changes_after_preset(const model::ContextChanges& changes) {
  if (changes.userns_unmapped) {
    if (::unshare(CLONE_NEWUSER) != 0) return errno_error("unshare(CLONE_NEWUSER)");
    // No uid_map, no gid_map: the point of the change. Stay ptrace-readable.
    ::prctl(PR_SET_DUMPABLE, 1);
  }
  return drop_from_capability_sets(changes);
}

FullFdTable::FullFdTable(bool wanted) {
  if (!wanted || ::getrlimit(RLIMIT_NOFILE, &saved_) != 0) return;
  const int bound = saved_.rlim_cur < static_cast<rlim_t>(kMostDescriptorsLooked) ? static_cast<int>(saved_.rlim_cur)
                                                                                   : kMostDescriptorsLooked;
  const rlimit full{static_cast<rlim_t>(lowest_free_fd(bound)), saved_.rlim_max};
  engaged_ = ::setrlimit(RLIMIT_NOFILE, &full) == 0;
}

FullFdTable::~FullFdTable() {
  if (engaged_) ::setrlimit(RLIMIT_NOFILE, &saved_);
}

bool FullFdTable::full_now() {
  rlimit now{};
  if (::getrlimit(RLIMIT_NOFILE, &now) != 0 || now.rlim_cur >= static_cast<rlim_t>(kMostDescriptorsLooked))
    return false;
  const int limit = static_cast<int>(now.rlim_cur);
  return lowest_free_fd(limit) >= limit;
}

}  // namespace clonediff::harness
