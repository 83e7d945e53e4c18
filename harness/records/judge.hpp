// Judging records: a record's observation against the model's prediction for
// its request and context on a kernel profile. `check` judges records from
// anywhere; `run --target` judges the records a target sent back; `diff`
// predicts two records' cases on two profiles.
#pragma once

#include <vector>

#include "harness/case/compare.hpp"
#include "harness/records/json.hpp"
#include "model/kernel.hpp"
#include "model/predict.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

// The kernel profile a record was made on: its "kernel_profile" (a spec,
// model::parse_kernel_spec), else its "kernel" release with default knobs.
Result<model::Kernel> record_kernel(const json::Value& record);

// The model's prediction for a record's case on `kernel`: from its request
// and context, or, for a supervised entry, from the call it recorded glibc
// making (observed.route). The error names the field at fault.
Result<model::Prediction> predict_record(const json::Value& record, const model::Kernel& kernel);

struct Judged {
  Verdict verdict = Verdict::error;
  std::vector<DiffEntry> diff;
  std::optional<model::Prediction> prediction;  // absent for a record without an observation
};

// Fills in "predicted", "verdict" and "diff" of a record that carries
// "observed". A record without one (a skip, timeout, crash or error) passes
// through with its recorded verdict. The error names the field at fault.
Result<Judged> judge_record(json::Value& record, const model::Kernel& kernel);

}  // namespace clonediff::harness
