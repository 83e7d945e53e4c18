// What a run over targets says about each target, beside the per-suite
// summary: a table with a row per target (cases, matches, divergences, skips,
// time, its verdict, the profile that judged it), the divergences of gVisor
// and qemu-user grouped by the rule they break with a one-line repro each, the
// comparison with their baselines, the skips grouped by reason, and the
// run's verdict (summary.hpp's RunVerdict, from the targets' own).
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "harness/case/case_result.hpp"
#include "harness/reports/summary.hpp"
#include "harness/targets/baseline.hpp"
#include "harness/targets/target.hpp"
#include "harness/targets/target_run.hpp"
#include "model/kernel.hpp"

namespace clonediff::targets {

class TargetReport {
 public:
  // Cases shown with a repro line for each way an emulator diverges.
  static constexpr std::size_t kExamples = 3;

  // In run order. `skip_allowed`: the user named it with --allow-skip, so
  // that its skipping every case, or not starting, does not fail the run.
  void begin(const TargetSpec& spec, const std::string& name, bool skip_allowed = false);
  void add(const harness::CaseResult& r);
  // `judged_against` is the profile its cases were judged with; `status` and
  // `reason` say whether it ran, did not start, or started and failed.
  void end(const std::string& name, std::chrono::duration<double> elapsed, const model::Kernel& judged_against,
           const std::string& reported_kernel, const std::string& implementation, TargetRun::Status status,
           const std::string& reason, std::vector<std::string> notes);
  // An emulator target's baseline, compared when its results are in.
  void set_baseline(const std::string& name, std::string file, Baseline baseline);
  // --update-baselines could not write it: the target fails, saying why.
  void baseline_not_written(const std::string& name, std::string why);

  std::string table() const;
  // Targets that did not start (unless allowed) or started and did not
  // finish, each with its whole reason.
  std::string failures_text() const;
  // Divergences of emulator targets by rule and by how they diverge, with a
  // one-line repro (`clonediff explain ...`) for the first few cases of each.
  std::string divergences_text() const;
  // The baseline comparisons; empty when no target has a baseline.
  std::string baselines_text() const;
  // Failures of host and kernel targets are listed by the run summary; skips
  // of every target are grouped here by reason.
  std::string skips_text() const;

  // A target's verdict. FAIL: it started and did not finish, did not start
  // (unless allowed), a host or kernel target has a case that did not match,
  // or an emulator's divergences are not its baseline's (no baseline: any).
  // SKIP: it skipped every case, or did not start and that was allowed.
  // PASS: otherwise.
  harness::RunVerdict verdict(const std::string& name) const;
  // The run's: FAIL if a target's is; else SKIP if a target's is SKIP and
  // not allowed, or every case of the run was skipped; else PASS.
  harness::RunVerdict verdict() const;
  // Whether every target whose verdict is SKIP was allowed to skip.
  bool skips_allowed() const;
  // "PASS: <counts>; host matches the model on every case run; gvisor
  // diverges as its baseline says (2.0 s)": the verdict, the run summary's
  // counts, and a clause for each target.
  std::string verdict_line(std::chrono::duration<double> elapsed, const std::string& counts) const;

  // An emulator target's divergences as a baseline, for --update-baselines.
  Baseline as_baseline(const std::string& name) const;
  std::vector<std::string> names() const;
  bool emulator(const std::string& name) const;
  // Whether it ran, did not start, or failed; ran for a name not reported.
  TargetRun::Status status(const std::string& name) const;

 private:
  struct Row {
    TargetSpec spec;
    std::string name;
    std::size_t cases = 0, match = 0, diverge = 0, skip = 0;
    std::chrono::duration<double> elapsed{0};
    model::Kernel judged_against;
    std::string reported_kernel;
    std::string implementation;
    bool skip_allowed = false;
    TargetRun::Status status = TargetRun::Status::ran;
    std::string reason;  // did not start, or failed: why
    std::vector<std::string> notes;
    std::vector<harness::CaseResult> divergent;           // emulators: for the by-rule listing
    std::map<std::string, std::vector<std::string>> skips;  // reason -> ids
    std::set<std::string> ids;  // every case it ran: a baseline is compared over these
    std::optional<std::string> baseline_file;
    std::string baseline_error;  // --update-baselines failed: why
    Baseline baseline;
  };
  Row* row(const std::string& name);
  const Row* row(const std::string& name) const;
  std::optional<BaselineComparison> comparison(const Row& r) const;
  harness::RunVerdict verdict(const Row& r) const;
  std::vector<Row> rows_;
};

}  // namespace clonediff::targets
