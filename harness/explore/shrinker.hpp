// Shrinks a divergent case to a minimal one that still diverges the same way
// (the same shrink_key(): the kernel shows the same behaviour), running
// every candidate live. First the case is
// run again `confirm_runs` times: if it does not diverge that way every time
// it is flaky, and it is reported as such, not shrunk (a shrink led by chance
// ends in nonsense). Then, greedily, the first of simpler() that diverges the
// same way twice in a row is taken, until none does or the runs or the time
// run out. The minimal case must then diverge that way `confirm_runs` times
// out of `confirm_runs`; if it does not, the original is kept.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "harness/case/case_result.hpp"
#include "harness/explore/space.hpp"

namespace clonediff::explore {

using RunCase = std::function<harness::CaseResult(const harness::CatalogueCase&)>;

struct ShrinkOptions {
  std::size_t confirm_runs = 3;
  std::size_t max_runs = 300;                 // live runs shrinking one finding (the final check adds confirm_runs)
  std::chrono::milliseconds max_time{120000};  // wall time for one finding
  std::function<bool()> stopped;               // asked before each run: true ends the shrinking as time does
};

struct ShrinkResult {
  enum class Status {
    shrunk,          // minimal is as small as simpler() reaches (or the runs ran out), and reproduces every time
    flaky,           // the original did not diverge the same way every time: not shrunk
    minimal_flaky,   // the shrunk case did not reproduce every time: the original is kept
  };
  Status status = Status::flaky;
  std::size_t confirm_runs = 0;        // as the options said
  std::size_t reproduced = 0;          // of confirm_runs, the original
  std::size_t minimal_reproduced = 0;  // of confirm_runs, the minimal
  std::size_t runs = 0;                // live runs taken
  std::size_t steps = 0;               // simplifications taken
  bool out_of_runs = false;            // stopped by max_runs or max_time, not by a minimum
  harness::CatalogueCase minimal;      // the original when not shrunk
  std::optional<harness::CaseResult> minimal_result;  // its last run that diverged that way
};
std::string_view shrink_status_name(ShrinkResult::Status s);  // "shrunk", "flaky", "minimal flaky"

ShrinkResult shrink(const harness::CatalogueCase& original, const std::string& key, const RunCase& run,
                    const Space& space, const ShrinkOptions& options);

}  // namespace clonediff::explore
