#include "probes/sys/timer_slack.hpp"

#include <sys/prctl.h>

namespace clonediff::sys {

Status request_precise_timers(std::chrono::nanoseconds slack) {
  // PR_SET_TIMERSLACK takes nanoseconds; 0 would mean "back to the default".
  if (slack.count() <= 0) return make_error("a timer slack must be at least 1 ns");
  if (::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack.count()), 0, 0, 0) != 0)
    return errno_error("prctl(PR_SET_TIMERSLACK)");
  return ok_status();
}

}  // namespace clonediff::sys
