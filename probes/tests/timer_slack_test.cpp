#include "probes/sys/timer_slack.hpp"

#include <gtest/gtest.h>

#include <sys/prctl.h>

#include "probes/sys/check.hpp"
#include "probes/sys/in_forked_process.hpp"

namespace clonediff::sys {
namespace {

long slack_now() { return ::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0); }

// The request shows in the thread's slack, and a child inherits it.
TEST(TimerSlack, IsTakenAndInherited) {
  const ForkedEnd end = in_forked_process([] {
    CLONEDIFF_CHECK(request_precise_timers().ok());
    CLONEDIFF_CHECK(slack_now() == 1000);
    const ForkedEnd child = in_forked_process([] { CLONEDIFF_CHECK(slack_now() == 1000); });
    CLONEDIFF_CHECK(child.passed());
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

// 0 would put the default back: refused, with the slack left as it was.
TEST(TimerSlack, RefusesNoSlack) {
  const ForkedEnd end = in_forked_process([] {
    const long before = slack_now();
    CLONEDIFF_CHECK(!request_precise_timers(std::chrono::nanoseconds{0}).ok());
    CLONEDIFF_CHECK(slack_now() == before);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

}  // namespace
}  // namespace clonediff::sys
