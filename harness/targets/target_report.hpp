// What a run over targets says about each target, beside the per-suite
// summary: a table with a row per target (cases, matches, divergences, skips,
// time), the divergences of gVisor and qemu-user grouped by the rule they
// break with a one-line repro each, the comparison with their baselines, and
// the skips grouped by reason.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "harness/runner.hpp"
#include "harness/targets/baseline.hpp"
#include "harness/targets/target.hpp"
#include "model/kernel.hpp"

namespace clonediff::targets {

class TargetReport {
 public:
  // Cases shown with a repro line for each way an emulator diverges.
  static constexpr std::size_t kExamples = 3;

  // In run order. `judged_against` is the profile its cases were judged with.
  void begin(const TargetSpec& spec, const std::string& name);
  void add(const harness::CaseResult& r);
  void end(const std::string& name, std::chrono::duration<double> elapsed, const model::Kernel& judged_against,
           const std::string& reported_kernel, const std::string& implementation, const std::string& status_note,
           std::vector<std::string> notes);
  // An emulator target's baseline, compared when its results are in.
  void set_baseline(const std::string& name, std::string file, Baseline baseline);

  std::string table() const;
  // Targets that started and did not finish, each with its whole reason.
  std::string failures_text() const;
  // Divergences of emulator targets by rule and by how they diverge, with a
  // one-line repro (`clonediff explain ...`) for the first few cases of each.
  std::string divergences_text() const;
  // The baseline comparisons; empty when no target has a baseline.
  std::string baselines_text() const;
  // Failures of host and kernel targets are listed by the run summary; skips
  // of every target are grouped here by reason.
  std::string skips_text() const;

  // Whether the run passed: host and kernel targets match on every case
  // (skips allowed), and each emulator's divergences equal its baseline
  // (no baseline: none allowed).
  bool passed() const;
  std::string verdict_line(std::chrono::duration<double> elapsed) const;

  // An emulator target's divergences as a baseline, for --update-baselines.
  Baseline as_baseline(const std::string& name) const;
  std::vector<std::string> names() const;
  bool emulator(const std::string& name) const;

 private:
  struct Row {
    TargetSpec spec;
    std::string name;
    std::size_t cases = 0, match = 0, diverge = 0, skip = 0;
    std::chrono::duration<double> elapsed{0};
    model::Kernel judged_against;
    std::string reported_kernel;
    std::string implementation;
    std::string status_note;  // "skipped: ..." / "failed: ..."
    std::vector<std::string> notes;
    std::vector<harness::CaseResult> divergent;           // emulators: for the by-rule listing
    std::map<std::string, std::vector<std::string>> skips;  // reason -> ids
    std::set<std::string> ids;  // every case it ran: a baseline is compared over these
    std::optional<std::string> baseline_file;
    Baseline baseline;
  };
  Row* row(const std::string& name);
  const Row* row(const std::string& name) const;
  std::optional<BaselineComparison> comparison(const Row& r) const;
  std::vector<Row> rows_;
};

}  // namespace clonediff::targets
