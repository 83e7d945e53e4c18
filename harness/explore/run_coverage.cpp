#include "harness/explore/run_coverage.hpp"

#include <algorithm>

namespace clonediff::explore {

void RunCoverage::add(const harness::CaseResult& r, const model::Kernel& judged, bool required) {
  const std::string name = r.spec.target.empty() ? "host" : r.spec.target;
  auto it = std::find_if(targets_.begin(), targets_.end(), [&](const Target& t) { return t.name == name; });
  if (it == targets_.end()) {
    targets_.push_back({name, judged, required, {}, {}});
    it = targets_.end() - 1;
  }
  it->coverage.add(r);
  if (r.verdict == harness::Verdict::skip && !r.predicted && r.reason.rfind("context '", 0) == 0) {
    harness::CaseResult kept;
    kept.spec.context = r.spec.context;
    kept.verdict = r.verdict;
    kept.reason = r.reason;
    it->skipped_contexts.push_back(std::move(kept));
  }
}

const Reachability& RunCoverage::reach(const model::Kernel& k) const {
  const std::string key = model::kernel_spec(k);
  auto it = reach_.find(key);
  if (it == reach_.end()) it = reach_.emplace(key, probe_reachability(k)).first;
  return it->second;
}

std::string RunCoverage::text() const {
  std::string out;
  for (const Target& t : targets_) {
    out += "\nrule coverage on " + t.name + " (judged against " + model::kernel_spec(t.judged) +
           "): decided = the rule decided the case's result (a semantic: the created child's), matched = and "
           "the kernel agreed, passed = checked and did not fire\n";
    out += coverage_text(t.coverage, reach(t.judged), unbuildable_contexts(t.skipped_contexts));
  }
  return out;
}

std::vector<std::string> RunCoverage::missing() const {
  std::vector<std::string> out;
  for (const Target& t : targets_) {
    if (!t.required) continue;
    const auto ids = undecided_reachable(t.coverage, reach(t.judged), unbuildable_contexts(t.skipped_contexts));
    if (ids.empty()) continue;
    std::string line = t.name + ":";
    for (const std::string& id : ids) line += " " + id;
    out.push_back(line);
  }
  return out;
}

}  // namespace clonediff::explore
