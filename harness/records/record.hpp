// The case record (../shared/DESIGN.md): one JSON object per case, the form in
// which everything leaves clonediff and comes back to `check`. Field names are
// stable; fields are added, never renamed.
#pragma once

#include <vector>

#include "harness/case/compare.hpp"
#include "harness/records/json.hpp"
#include "harness/case/case_result.hpp"
#include "model/caller.hpp"
#include "model/kernel.hpp"
#include "model/outcome.hpp"
#include "model/predict.hpp"
#include "model/request.hpp"

namespace clonediff::harness {

// Facts: true, false, "unknown", "conflict".
json::Value fact_to_json(model::Fact f);
Result<model::Fact> fact_from_json(const json::Value& v, std::string_view field);

// {"result": "ok", "share": {...}, "ns_new": [...], "same_tgid": ..., ...};
// a refused call is just {"result": "EINVAL"}.
json::Value outcome_to_json(const model::Outcome& o);
// The inverse, for observations recorded anywhere: missing child fields are
// unknown, except that namespaces not listed in ns_new or ns_unknown are not new.
Result<model::Outcome> outcome_from_json(const json::Value& v);

json::Value prediction_to_json(const model::Prediction& p);
json::Value diff_to_json(const std::vector<DiffEntry>& diff);

// "root", or {"preset": "root", "leader_exit_signal": 0, ...}.
Result<model::Caller> caller_from_json(const json::Value& context);
// The request fields of a record: entry, flags, exit_signal.
Result<model::Request> request_from_json(const json::Value& record);
// entry, flags and exit_signal written into a record object.
void request_to_json(const model::Request& r, json::Value& record);

// A context as a record carries it: the preset's name when the live facts are
// the preset's, else {"preset": NAME, FACT: VALUE...} for each fact that
// differs, so that `check` predicts from the very facts the run used.
json::Value context_to_json(const std::string& preset, const model::Caller& live);

// The whole record of a live case; after "target" come "clonediff_version"
// and "clonediff_commit", which clonediff wrote it.
json::Value record_to_json(const CaseResult& r, const model::Kernel& kernel);

}  // namespace clonediff::harness
