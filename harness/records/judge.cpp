#include "harness/records/judge.hpp"

#include "harness/records/record.hpp"

namespace clonediff::harness {

Result<model::Kernel> record_kernel(const json::Value& record) {
  if (const json::Value* spec = json::find(record, "kernel_profile")) {
    if (!spec->is_string()) return make_error("'kernel_profile' must be a string such as \"6.1.0-50-cloud-amd64\"");
    return model::parse_kernel_spec(json::str(*spec));
  }
  const json::Value* release = json::find(record, "kernel");
  if (!release || !release->is_string()) return make_error("the record names no \"kernel\"");
  return model::parse_kernel_spec(json::str(*release));
}

Result<model::Prediction> predict_record(const json::Value& record, const model::Kernel& kernel) {
  if (!record.is_object()) return make_error("a record is a JSON object");
  auto request = request_from_json(record);
  if (!request) return request.error();
  const json::Value* context = json::find(record, "context");
  auto caller = caller_from_json(context ? *context : json::Value("root"));
  if (!caller) return make_error("context: " + caller.error().message);
  // A supervised entry's record carries the call glibc made: predict from it.
  std::optional<Route> recorded;
  if (const json::Value* observed = json::find(record, "observed"))
    if (const json::Value* route = json::find(*observed, "route")) {
      auto made = request_from_json(*route);
      if (!made) return make_error("observed.route: " + made.error().message);
      recorded = Route{*made, ""};
    }
  return model::predict(request_to_predict(*request, recorded), *caller, kernel);
}

Result<Judged> judge_record(json::Value& record, const model::Kernel& kernel) {
  if (!record.is_object()) return make_error("a record is a JSON object");
  const json::Value* observed = json::find(record, "observed");
  if (!observed) {
    // A case that never produced an observation (timeout, crash, ...) passes
    // through as recorded.
    if (const json::Value* v = json::find(record, "verdict"); v && v->is_string())
      for (auto verdict : {Verdict::skip, Verdict::timeout, Verdict::crash, Verdict::error})
        if (json::str(*v) == verdict_name(verdict)) return Judged{verdict, {}, std::nullopt};
    return make_error("no \"observed\" to judge");
  }
  auto outcome = outcome_from_json(*observed);
  if (!outcome) return make_error("observed: " + outcome.error().message);
  auto prediction = predict_record(record, kernel);
  if (!prediction) return prediction.error();

  Judged j;
  j.diff = diff_outcomes(prediction->outcome, *outcome);
  j.verdict = j.diff.empty() ? Verdict::match : Verdict::mismatch;
  record["predicted"] = prediction_to_json(*prediction);
  record["verdict"] = std::string(verdict_name(j.verdict));
  record["diff"] = diff_to_json(j.diff);
  j.prediction = std::move(prediction).value();
  return j;
}

}  // namespace clonediff::harness
