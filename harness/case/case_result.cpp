#include "harness/case/case_result.hpp"

namespace clonediff::harness {

model::Request request_to_predict(const model::Request& asked, const std::optional<Route>& recorded) {
  if (!recorded) return asked;
  model::Request made = recorded->request;
  if (asked.entry == model::Entry::glibc_clone && made.entry == model::Entry::clone) made.entry = model::Entry::glibc_clone;
  return made;
}

void name_recorded_route(CaseResult& r) {
  if (r.live && r.live->route) r.predicted->call.route = "recorded: " + r.live->route->text;
}

void compare_with_prediction(CaseResult& r) {
  r.diff = diff_outcomes(r.predicted->outcome, r.live->observed);
  r.verdict = r.diff.empty() ? Verdict::match : Verdict::mismatch;
}

std::string_view status_name(LiveCall::Status s) {
  switch (s) {
    case LiveCall::Status::completed: return "completed";
    case LiveCall::Status::timeout: return "timeout";
    case LiveCall::Status::crash: return "crash";
    case LiveCall::Status::error: return "error";
  }
  return "?";
}

}  // namespace clonediff::harness
