// What one case came to: the prediction, what the live call showed, the
// verdict. Plain data, without the engine that produces it, so that records,
// reports, `check` and `diff` depend on this and not on the engine.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/case/compare.hpp"
#include "model/caller.hpp"
#include "model/outcome.hpp"
#include "model/predict.hpp"
#include "model/request.hpp"
#include "probes/witnesses.hpp"

namespace clonediff::harness {

// The request a recorded process-creating call amounts to, for the model; the
// text says how it was made ("clone3(size 88, CLONE_VM|..., exit 0)").
struct Route {
  model::Request request;
  std::string text;
};

// The request a live call is predicted as: the call glibc made where the
// supervisor recorded one, else the case's own. glibc's clone() is its
// wrapper around the clone call recorded, so that call is predicted as the
// wrapper's (its child exits with fn's return value). The Runner, a target's
// results judged on the host, and `check` of a record all predict this.
model::Request request_to_predict(const model::Request& asked, const std::optional<Route>& recorded);

// The live call: what it showed, or why it could not show it. (The engine's
// CaseHost::make_call() makes it; a target's record is read back into one.)
struct LiveCall {
  enum class Status { completed, timeout, crash, error };
  Status status = Status::error;
  model::Outcome observed;   // meaningful when completed
  probes::Witnesses witnesses;
  std::string note;          // for timeout/crash/error: what happened
  long long returned = 0;    // the call's return value in the caller's pid namespace
  std::uint64_t signals = 0; // bit n-1: signal n reached the caller during the case
  // Supervised entries: the process-creating call glibc made, and any others.
  std::optional<Route> route;
  std::vector<std::string> other_calls;
  std::chrono::nanoseconds elapsed{0};
};
std::string_view status_name(LiveCall::Status s);

// Everything known about one case after it ran (or could not run): "run" is
// Runner::run(), a case from prediction to verdict.
struct CaseResult {
  CatalogueCase spec;
  std::optional<model::Prediction> predicted;
  std::optional<model::Caller> caller_facts;  // read back from the live caller, as predicted with
  std::optional<LiveCall> live;  // absent where the call was not made (a skip, a caller that did not start)
  Verdict verdict = Verdict::error;
  std::vector<DiffEntry> diff;
  std::string reason;  // for skip/timeout/crash/error: why
};

// Where the supervisor recorded the call glibc made, the prediction names it
// ("recorded: clone(...)"). Needs r.predicted.
void name_recorded_route(CaseResult& r);
// A completed live call against its prediction: the diff, and match or
// mismatch. Needs r.predicted and a completed r.live.
void compare_with_prediction(CaseResult& r);

}  // namespace clonediff::harness
