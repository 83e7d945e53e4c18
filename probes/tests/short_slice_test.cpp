#include "probes/sys/short_slice.hpp"

#include <gtest/gtest.h>

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

#include "probes/sys/check.hpp"
#include "probes/sys/in_forked_process.hpp"

namespace clonediff::sys {
namespace {

// The kernel's sched_attr, as short_slice.cpp reads it.
struct Attr {
  std::uint32_t size, policy;
  std::uint64_t flags;
  std::int32_t nice;
  std::uint32_t priority;
  std::uint64_t runtime, deadline, period;
  std::uint32_t util_min, util_max;
};

Attr attr_now() {
  Attr a{};
  CLONEDIFF_CHECK(::syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) == 0);
  return a;
}

// Where the kernel reports a fair task's slice (EEVDF, Linux 6.12 on), the
// request shows, its nice value is kept, and a child inherits it; where it
// does not, the request still succeeds and changes nothing else.
TEST(ShortSlice, IsTakenWhereTheKernelReportsSlicesAndKeepsNice) {
  const ForkedEnd end = in_forked_process([] {
    CLONEDIFF_CHECK(::setpriority(PRIO_PROCESS, 0, 3) == 0);
    const bool reports_slice = attr_now().runtime != 0;
    CLONEDIFF_CHECK(request_short_slice().ok());
    const Attr after = attr_now();
    CLONEDIFF_CHECK(after.policy == SCHED_OTHER);
    CLONEDIFF_CHECK(after.nice == 3);
    if (!reports_slice) return;
    CLONEDIFF_CHECK(after.runtime == 100'000);
    const ForkedEnd child = in_forked_process([] { CLONEDIFF_CHECK(attr_now().runtime == 100'000); });
    CLONEDIFF_CHECK(child.passed());
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

// A thread its user put under another policy keeps it.
TEST(ShortSlice, LeavesOtherPoliciesAlone) {
  const ForkedEnd end = in_forked_process([] {
    sched_param none{};
    CLONEDIFF_CHECK(::sched_setscheduler(0, SCHED_BATCH, &none) == 0);
    const Attr before = attr_now();
    CLONEDIFF_CHECK(request_short_slice().ok());
    const Attr after = attr_now();
    CLONEDIFF_CHECK(after.policy == SCHED_BATCH);
    CLONEDIFF_CHECK(after.runtime == before.runtime);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

}  // namespace
}  // namespace clonediff::sys
