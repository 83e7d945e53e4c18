// Rule coverage of a `clonediff run` (run --coverage), target by target:
// each target's results counted against the model's rules, with what is not
// reachable there and why (its profile's version and knobs, the contexts it
// could not build), and what was reachable and never decided
// (--require-coverage fails the run on that).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/case/case_result.hpp"
#include "harness/explore/coverage.hpp"
#include "model/kernel.hpp"

namespace clonediff::explore {

class RunCoverage {
 public:
  // A result of the run, judged against `judged`. `required`: whether the
  // target must decide every rule reachable on it (not the emulators, which
  // diverge from Linux by design).
  void add(const harness::CaseResult& r, const model::Kernel& judged, bool required);
  // One section per target, in the order they came.
  std::string text() const;
  // "host: rule, rule" for each required target with reachable rules no case decided.
  std::vector<std::string> missing() const;

 private:
  struct Target {
    std::string name;
    model::Kernel judged;
    bool required = false;
    RuleCoverage coverage;
    std::vector<harness::CaseResult> skipped_contexts;  // skips of contexts it could not build
  };
  const Reachability& reach(const model::Kernel& k) const;
  std::vector<Target> targets_;
  mutable std::map<std::string, Reachability> reach_;  // by kernel_spec()
};

}  // namespace clonediff::explore
