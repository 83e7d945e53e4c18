#include "harness/targets/target_results.hpp"

#include <map>

#include "harness/records/judge.hpp"
#include "harness/records/record.hpp"
#include "model/names.hpp"
#include "model/predict.hpp"

namespace clonediff::targets {
namespace {

using harness::CaseResult;
using harness::LiveCall;
using harness::Verdict;

std::optional<Verdict> verdict_of(const json::Value& record) {
  const json::Value* v = json::find(record, "verdict");
  if (!v || !v->is_string()) return std::nullopt;
  for (Verdict x : {Verdict::match, Verdict::mismatch, Verdict::skip, Verdict::timeout, Verdict::crash, Verdict::error})
    if (json::str(*v) == harness::verdict_name(x)) return x;
  return std::nullopt;
}

std::string string_field(const json::Value& obj, std::string_view key) {
  const json::Value* v = json::find(obj, key);
  return v && v->is_string() ? json::str(*v) : std::string();
}

void read_resources(const json::Value* obj, std::array<model::Fact, model::kResourceCount>& out) {
  if (!obj || !obj->is_object()) return;
  for (const auto& [name, value] : json::members(*obj)) {
    auto r = model::parse_resource(name);
    auto f = harness::fact_from_json(value, name);
    if (r && f) out[static_cast<std::size_t>(*r)] = *f;
  }
}

// What a completed case's record says beyond the outcome: witnesses, the
// returned value, signals, the recorded route, the time taken.
void read_live_call(const json::Value& observed, const json::Value& record, LiveCall& run) {
  if (const json::Value* w = json::find(observed, "witnesses")) {
    read_resources(json::find(*w, "kcmp"), run.witnesses.kcmp);
    read_resources(json::find(*w, "behaviour"), run.witnesses.behaviour);
    run.witnesses.kcmp_note = string_field(*w, "kcmp_note");
  }
  if (const json::Value* ret = json::find(observed, "returned"); ret && json::as_int(*ret)) run.returned = *json::as_int(*ret);
  if (const json::Value* sigs = json::find(observed, "signals"); sigs && sigs->is_array())
    for (const json::Value& s : *sigs)
      if (s.is_string())
        if (auto n = model::parse_signal(json::str(s)); n && *n >= 1 && *n <= 64)
          run.signals |= std::uint64_t{1} << (*n - 1);
  if (const json::Value* route = json::find(observed, "route"))
    if (auto req = harness::request_from_json(*route)) run.route = harness::Route{*req, string_field(*route, "text")};
  if (const json::Value* others = json::find(observed, "other_calls"); others && others->is_array())
    for (const json::Value& c : *others)
      if (c.is_string()) run.other_calls.push_back(json::str(c));
  if (const json::Value* us = json::find(record, "elapsed_us"); us && json::as_int(*us))
    run.elapsed = std::chrono::microseconds(*json::as_int(*us));
}

CaseResult from_record(const harness::CatalogueCase& c, const json::Value& record, const model::Kernel& kernel) {
  CaseResult r;
  r.spec = c;
  auto predicted = harness::predict_record(record, kernel);
  if (predicted) r.predicted = std::move(predicted).value();
  // The caller as the target saw it: the facts the prediction rests on, which
  // the record written from this result must carry again.
  if (const json::Value* context = json::find(record, "context"))
    if (auto caller = harness::caller_from_json(*context)) r.caller_facts = std::move(caller).value();
  const json::Value* observed = json::find(record, "observed");
  if (!observed) {
    r.verdict = verdict_of(record).value_or(Verdict::error);
    r.reason = string_field(record, "reason");
    if (r.reason.empty()) r.reason = "the target's record has no observation and no reason";
    if (r.verdict == Verdict::match || r.verdict == Verdict::mismatch) r.verdict = Verdict::error;
    return r;
  }
  auto outcome = harness::outcome_from_json(*observed);
  if (!outcome || !r.predicted) {
    r.verdict = Verdict::error;
    r.reason = "the target's record cannot be judged: " +
               (!outcome ? outcome.error().message : harness::predict_record(record, kernel).error().message);
    return r;
  }
  r.live = LiveCall{};
  r.live->status = LiveCall::Status::completed;
  r.live->observed = *outcome;
  read_live_call(*observed, record, *r.live);
  harness::name_recorded_route(r);
  harness::compare_with_prediction(r);
  return r;
}

// A case's result as the target's results stream carried it (no prediction,
// no comparison), judged here as a record of it would be (from_record): the
// call glibc made where one was recorded, else the case's own request,
// predicted for the caller the target reported. A result without an
// observation (a timeout, a crash, a skip) keeps its prediction, as the
// Runner's does, and the target's verdict.
CaseResult from_result(const harness::CatalogueCase& c, const CaseResult& sent, const model::Kernel& kernel) {
  CaseResult r;
  r.spec = c;
  r.caller_facts = sent.caller_facts;
  const bool completed = sent.live && sent.live->status == LiveCall::Status::completed;
  if (completed) r.live = sent.live;
  auto caller = sent.caller_facts ? Result<model::Caller>(*sent.caller_facts) : model::caller_preset(c.context);
  const std::optional<harness::Route> no_route;
  auto predicted = caller ? model::predict(harness::request_to_predict(c.request, sent.live ? sent.live->route : no_route),
                                           *caller, kernel)
                          : Result<model::Prediction>(caller.error());
  if (predicted) r.predicted = std::move(predicted).value();
  if (!completed) {
    r.verdict = sent.verdict;
    r.reason = sent.reason;
    if (r.reason.empty()) r.reason = "the target's result has no observation and no reason";
    if (r.verdict == Verdict::match || r.verdict == Verdict::mismatch) r.verdict = Verdict::error;
    return r;
  }
  if (!predicted) {
    r.verdict = Verdict::error;
    r.reason = "the target's result cannot be judged: " + predicted.error().message;
    return r;
  }
  harness::name_recorded_route(r);
  harness::compare_with_prediction(r);
  return r;
}

}  // namespace

JudgedTarget judge_target(std::span<const harness::CatalogueCase> cases, const TargetRun& run,
                          const std::optional<model::Kernel>& profile, bool skip_allowed) {
  JudgedTarget t;
  std::map<std::string, const json::Value*> by_id;  // JSON records
  std::map<std::string, const CaseResult*> sent_by_id;  // a results stream's
  if (run.results) {
    for (const CaseResult& r : run.results->results)
      if (r.spec.id.empty() || !sent_by_id.emplace(r.spec.id, &r).second)
        t.notes.push_back("a result without an id, or one id twice: " + r.spec.id);
    t.reported_kernel = run.results->release;
  }
  for (const json::Value& r : run.records) {
    const std::string id = string_field(r, "id");
    if (id.empty() || !by_id.emplace(id, &r).second) t.notes.push_back("a record without an id, or one id twice: " + id);
    if (t.reported_kernel.empty()) t.reported_kernel = string_field(r, "kernel");
  }
  if (profile) {
    t.profile = *profile;
  } else if (run.results && run.results->profile) {
    t.profile = *run.results->profile;
  } else if (!run.records.empty()) {
    auto k = harness::record_kernel(run.records.front());
    if (k) t.profile = *k;
  }
  if (t.profile.release.empty() && !cases.empty()) {
    // Nothing came back: the release in the target's name, for the reports.
    const std::string& name = cases.front().target;
    const auto colon = name.find(':');
    if (auto k = model::parse_kernel_spec(colon == std::string::npos ? name : name.substr(colon + 1))) t.profile = *k;
  }
  if (run.bad_lines) t.notes.push_back(std::to_string(run.bad_lines) + " lines of the target's output were not records");

  std::size_t used = 0;
  for (const harness::CatalogueCase& c : cases) {
    auto found = by_id.find(c.id);
    auto sent = sent_by_id.find(c.id);
    const bool not_started = run.status == TargetRun::Status::not_started;
    if (!not_started && sent != sent_by_id.end()) {
      ++used;
      t.results.push_back(from_result(c, *sent->second, t.profile));
      continue;
    }
    if (not_started || found == by_id.end()) {
      CaseResult r;
      r.spec = c;
      r.verdict = not_started && skip_allowed ? Verdict::skip : Verdict::error;
      r.reason = not_started                                ? "the target did not start: " + run.reason
                 : run.stopped                              ? std::string(kNotRunPrefix) + run.reason
                 : run.status == TargetRun::Status::failed ? "no record came back: " + run.reason
                                                            : "the target sent no record for this case";
      t.results.push_back(std::move(r));
      continue;
    }
    ++used;
    // A kernel target's records each carry their profile; they are one kernel's.
    model::Kernel kernel = t.profile;
    if (!profile)
      if (auto own = harness::record_kernel(*found->second)) kernel = *own;
    t.results.push_back(from_record(c, *found->second, kernel));
  }
  if (used < by_id.size() + sent_by_id.size())
    t.notes.push_back(std::to_string(by_id.size() + sent_by_id.size() - used) + " records fit no selected case");
  return t;
}

json::Value target_record(const harness::CaseResult& r, const JudgedTarget& t) {
  json::Value j = harness::record_to_json(r, t.profile);
  if (!t.reported_kernel.empty()) j["kernel"] = t.reported_kernel;
  return j;
}

}  // namespace clonediff::targets
