// A target's records turned back into case results, judged on this host:
// every selected case gets a result, whether its record came back or not.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/records/json.hpp"
#include "harness/case/case_result.hpp"
#include "harness/targets/target_run.hpp"
#include "model/kernel.hpp"

namespace clonediff::targets {

struct JudgedTarget {
  std::vector<harness::CaseResult> results;  // one per selected case, in their order
  model::Kernel profile;         // what the cases were judged against
  std::string reported_kernel;   // the release the target reported in its records
  std::vector<std::string> notes;  // records that fit no selected case, and the like
};

// Judges the records of `run` for `cases` (their target fields set): against
// `profile` when given (gVisor, qemu-user: the running kernel's), else
// against the profile the records carry (a kernel target's own). A case
// without a record is an error verdict: the target's failure reason, or that
// none came back; where a stop killed the target (run.stopped), "not run: "
// (kNotRunPrefix) and the reason. A target that did not start leaves every case an error
// with its reason, or a skip where the user allowed that (`skip_allowed`:
// --allow-skip).
inline constexpr std::string_view kNotRunPrefix = "not run: ";

JudgedTarget judge_target(std::span<const harness::CatalogueCase> cases, const TargetRun& run,
                          const std::optional<model::Kernel>& profile, bool skip_allowed = false);

// The JSON record of a judged case: as a run on the host writes it, with
// "kernel" the release the target reported and "kernel_profile" the profile
// it was judged against.
json::Value target_record(const harness::CaseResult& r, const JudgedTarget& t);

}  // namespace clonediff::targets
