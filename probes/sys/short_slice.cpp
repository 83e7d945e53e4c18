#include "probes/sys/short_slice.hpp"

#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace clonediff::sys {
namespace {

// The kernel's struct sched_attr (include/uapi/linux/sched/types.h, as of
// SCHED_ATTR_SIZE_VER1): glibc 2.36 has no declaration, and the uapi header
// clashes with <sched.h>.
struct SchedAttr {
  std::uint32_t size;
  std::uint32_t sched_policy;
  std::uint64_t sched_flags;
  std::int32_t sched_nice;
  std::uint32_t sched_priority;
  std::uint64_t sched_runtime;
  std::uint64_t sched_deadline;
  std::uint64_t sched_period;
  std::uint32_t sched_util_min;
  std::uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56);

}  // namespace

Status request_short_slice(std::chrono::microseconds slice) {
  SchedAttr attr{};
  if (::syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) != 0) return errno_error("sched_getattr");
  if (attr.sched_policy != SCHED_OTHER) return ok_status();  // the user's choice
  attr.size = sizeof attr;
  attr.sched_flags = 0;
  attr.sched_runtime = static_cast<std::uint64_t>(std::chrono::nanoseconds(slice).count());
  if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0) return errno_error("sched_setattr");
  return ok_status();
}

}  // namespace clonediff::sys
