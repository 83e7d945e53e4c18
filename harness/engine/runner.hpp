// Runs catalogue cases live: the model's prediction, the real call in a case
// host for the case's context, the comparison. One Runner per process; it
// keeps one CaseHost (caller process) per context and reuses it.
// The thread that makes a Runner is the one that runs its cases: it and
// everything it creates (callers, their children) are kept on one CPU
// (probes/sys/one_cpu.hpp), moved when that CPU is wanted by other work,
// and the thread's CPU mask is put back when the Runner goes.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <span>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/case_host.hpp"
#include "harness/case/case_result.hpp"
#include "harness/case/catalogue.hpp"
#include "harness/case/compare.hpp"
#include "model/kernel.hpp"
#include "model/predict.hpp"
#include "probes/sys/one_cpu.hpp"

namespace clonediff::harness {


// The C library's entries (model::is_library_entry()) run supervised, and are
// predicted from the route glibc took.
Supervision supervision_for(const CatalogueCase& c);

// What a Runner predicts with: model::predict(), unless a test puts a
// deliberately wrong model in its place to show that what the harness
// observes does not follow the prediction.
using Predictor =
    std::function<Result<model::Prediction>(const model::Request&, const model::Caller&, const model::Kernel&)>;

class Runner {
 public:
  explicit Runner(model::Kernel kernel, std::chrono::milliseconds timeout = std::chrono::milliseconds{5000});
  ~Runner();

  // For tests only (see Predictor).
  void set_predictor(Predictor predictor) { predictor_ = std::move(predictor); }

  // Runs one case. `next`: the cases that will be run after it, in order
  // (where the caller knows them): those of the same context that may go
  // ahead (CaseHost::can_send_ahead) are sent with this one's order, so that
  // one hand-over to the caller serves them all. Each is still run, predicted
  // and judged by its own run(); the verdicts are the same.
  CaseResult run(const CatalogueCase& c, Fault fault = Fault::none, std::span<const CatalogueCase> next = {});
  const model::Kernel& kernel() const { return kernel_; }

 private:
  // The host for a context, started on first use; why not if it cannot be
  // (remembered: the context's later cases get the same verdict).
  CallerResult<CaseHost*> host_for(const std::string& context, Supervision supervision);
  // Between cases: moves this thread and the callers to another CPU when
  // theirs is crowded (OneCpu::review()).
  void review_cpu();

  model::Kernel kernel_;
  std::chrono::milliseconds timeout_;
  Predictor predictor_ = model::predict;
  std::optional<sys::OneCpu> cpu_;  // before hosts_: the callers go first, then the mask comes back
  std::map<std::string, std::unique_ptr<CaseHost>> hosts_;  // by context and supervision
  std::map<std::string, CallerUnavailable> unavailable_;   // ... -> why not
  std::vector<CaseHost::OrderAhead> ahead_;  // run()'s, kept for its capacity
};

}  // namespace clonediff::harness
