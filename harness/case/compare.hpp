// The verdict: a field-by-field diff of the predicted and observed Outcomes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/outcome.hpp"

namespace clonediff::harness {

// One field that differs. Values are written as in the record: true, false,
// "conflict", an errno name, a number.
struct DiffEntry {
  std::string field;  // "result", "share.vm", "ns_new.pid", "same_tgid", "exit_signal"
  std::string predicted;
  std::string observed;
  bool operator==(const DiffEntry&) const = default;
};

// Results differ: that alone. Both refused alike: nothing. Both created: every
// child field where both sides know the answer and differ; an observed
// `conflict` (two witnesses disagreeing) always differs. An `unknown` on either
// side does not, but for a trait of the case's after= scenario
// (model::scenario_trait), which the case asked for: predicted, it must have
// been observed.
std::vector<DiffEntry> diff_outcomes(const model::Outcome& predicted, const model::Outcome& observed);

enum class Verdict { match, mismatch, skip, timeout, crash, error };
std::string_view verdict_name(Verdict v);

// "share.vm: predicted true, observed false"
std::string describe(const DiffEntry& d);

}  // namespace clonediff::harness
