// Two result files compared case by case (`clonediff diff A B`): the cases
// whose observations differ, each classed by the model. A change is
// *expected* when the model's profiles of the two kernels predict it: each
// side's prediction matches its own observation, and the predictions differ.
// Anything else is *unexpected*: a regression, or a gap in the model. A case
// the model predicts to change that did not change is unexpected too.
#pragma once

#include <string>
#include <vector>

#include "harness/case/compare.hpp"
#include "harness/records/json.hpp"
#include "model/kernel.hpp"
#include "model/predict.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

// One side of the comparison: the records of one file, in file order.
struct RecordSet {
  std::string name;  // the file, for messages
  std::vector<json::Value> records;
};

// A versioned rule or semantic whose range holds on one kernel and not the
// other, and that decided part of the case's prediction on one of them.
struct VersionedCause {
  std::string id;
  std::string where;
  std::string text;  // "holds on 6.1.0, not on 6.12.111: removed by 83b290c9e3b5 ..."
};

struct CaseChange {
  std::string id;
  bool expected = false;
  // Observed in A -> observed in B, field by field (DiffEntry's predicted is
  // A's value, observed is B's).
  std::vector<DiffEntry> observed;
  // The predictions' change, field by field, the same way.
  std::vector<DiffEntry> predicted;
  std::string rule_a, rule_b;          // the deciding rules
  std::vector<VersionedCause> causes;  // why the profiles differ here
  std::string note;                    // for unexpected changes: what does not fit
  std::string explain_a, explain_b;    // `clonediff explain` arguments (with --kernel)
};

struct DiffReport {
  std::vector<CaseChange> changes;  // in A's order
  std::size_t compared = 0;         // cases with an observation on both sides
  std::vector<std::string> only_a, only_b;   // ids found on one side
  std::vector<std::string> not_compared;     // "id: why" (no observation on a side)
  std::size_t expected() const;
  std::size_t unexpected() const;
};

struct DiffOptions {
  // Profiles to predict A's and B's cases for; unset: each record's own.
  std::optional<model::Kernel> kernel_a, kernel_b;
};

// The error names the record (file and id) at fault.
Result<DiffReport> diff_records(const RecordSet& a, const RecordSet& b, const DiffOptions& options = {});

// The report in words, for people.
std::string diff_text(const DiffReport& report, const RecordSet& a, const RecordSet& b);

}  // namespace clonediff::harness
