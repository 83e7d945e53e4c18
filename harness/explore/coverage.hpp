// Rule coverage: for a run (the catalogue, explore, or both), how often each
// of the model's rules decided a case and how often the kernel agreed, and
// how often each refusal rule was checked and let the call through. Rows are
// by id: every refusal rule (model/rules.cpp), the success rule
// (copy_process.ok) and every versioned semantic of the success side
// (model/semantics.cpp). When the success side becomes a table of rows, each
// row joins by its id in coverage_ids() and decided_ids() (coverage.cpp),
// the one place that knows what a prediction names.
//
// Reachability: which rules can decide a case on a kernel profile at all,
// found by probing the model (the generator, model-only, over every preset),
// and for the rest why not: a version bound, a kernel knob this profile lacks,
// or a caller context this machine cannot build.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/case/case_result.hpp"
#include "model/kernel.hpp"
#include "model/predict.hpp"

namespace clonediff::explore {

struct CoverageRow {
  enum class Kind { refusal, success, semantic };
  std::string id;
  Kind kind = Kind::refusal;
  std::size_t decided = 0;   // cases it decided (a semantic: created children it concerned)
  std::size_t matched = 0;   // ... that ran and matched the kernel
  std::size_t diverged = 0;  // ... that ran and did not (mismatch, timeout, crash, error)
  std::size_t passed = 0;    // refusal rules: cases where it was checked and did not fire
};
std::string_view coverage_kind_name(CoverageRow::Kind k);  // "refusal", "success", "semantic"

// Every row id, in the model's order: the refusal rules, the success rule,
// the versioned semantics.
std::vector<CoverageRow> coverage_rows();
// The ids a prediction's case counts for as decided.
std::vector<std::string> decided_ids(const model::Prediction& p);

class RuleCoverage {
 public:
  RuleCoverage();
  // A case that was predicted; skipped cases and cases without a prediction count nowhere.
  void add(const harness::CaseResult& r);
  void add(const model::Prediction& p, harness::Verdict verdict);
  void merge(const RuleCoverage& other);
  const std::vector<CoverageRow>& rows() const { return rows_; }
  std::vector<CoverageRow>& rows() { return rows_; }
  std::size_t cases() const { return cases_; }
  void set_cases(std::size_t n) { cases_ = n; }

 private:
  CoverageRow* row(const std::string& id);
  std::vector<CoverageRow> rows_;
  std::size_t cases_ = 0;
};

struct Reachability {
  // Row id -> the presets in which some request the probe made was decided by it.
  std::map<std::string, std::set<std::string>> reached_in;
  // Row id -> why no case can reach it on this profile.
  std::map<std::string, std::string> unreachable;
};

// Probes the model for `kernel`: `requests` cases of the generator (seeded
// `seed`) over every preset, the catalogue's targeted cases in every preset
// and their neighbours. A row it did not reach is unreachable, with the
// reason: outside its version range; reached only with a kernel knob set
// otherwise (Debian's unprivileged_userns_clone); or not reached at all.
Reachability probe_reachability(const model::Kernel& kernel, std::size_t requests = 3000, std::uint64_t seed = 1);

// Contexts a run could not build, from its skipped results: name -> reason.
std::map<std::string, std::string> unbuildable_contexts(const std::vector<harness::CaseResult>& results);

// Rows reachable here (reached in some context that is not unbuildable)
// and never decided in `coverage`.
std::vector<std::string> undecided_reachable(const RuleCoverage& coverage, const Reachability& reach,
                                             const std::map<std::string, std::string>& unbuildable);
// Rows not reachable here, with the reason: the model's (reach.unreachable),
// or every context that reaches them cannot be built here.
std::map<std::string, std::string> unreachable_here(const Reachability& reach,
                                                    const std::map<std::string, std::string>& unbuildable);

// The table: one row per rule, decided / matched / diverged / passed; then
// the rows not reachable here with the reason, and the reachable rows that no
// case decided.
std::string coverage_text(const RuleCoverage& coverage, const Reachability& reach,
                          const std::map<std::string, std::string>& unbuildable);

}  // namespace clonediff::explore
