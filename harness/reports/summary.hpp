// The summary `clonediff run` prints: counts per report group and verdict,
// every case that did not match (with its diff and the command that reproduces
// it alone), every skip with its reason, and last the time taken.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "harness/case/case_result.hpp"
#include "model/kernel.hpp"

namespace clonediff::harness {

// What a run comes to, in every report that carries a verdict line (the text
// summary, the KTAP trailer, the target table):
//   PASS  nothing failed, and every case that was not skipped matched; the
//         line says how many were skipped, if any;
//   SKIP  nothing failed, but every case was skipped (over targets: every
//         case of some target, or a target did not start and the user
//         allowed it);
//   FAIL  a case failed (mismatch, timeout, crash or error), or a target
//         failed or did not start.
enum class RunVerdict { pass, skip, fail };
std::string_view run_verdict_word(RunVerdict v);  // "PASS", "SKIP", "FAIL"

// The exit status of `clonediff run`: PASS 0, FAIL 1, SKIP 0 only when the
// user allowed every skip that made it (--allow-skip), else 1. Under --ktap,
// kselftest's: PASS 0, FAIL 1 (KSFT_FAIL), SKIP 4 (KSFT_SKIP).
int run_exit_status(RunVerdict v, bool skip_allowed, bool ktap);

class RunSummary {
 public:
  // Counts the case; lists it with its verdict text (failures) or reason
  // (skips) unless `listed` is false: a run over targets lists an emulator's
  // divergences by rule and every target's skips by reason instead.
  void add(const CaseResult& r, const model::Kernel& kernel, bool listed = true);
  // The first line names the kernel and the scope ("shard 0/2"), the second
  // the clonediff that ran (version_text()), the third the profile the cases
  // were judged against and where it stands against the model's range; the
  // last is verdict_line().
  std::string text(const model::Kernel& kernel, std::chrono::duration<double> elapsed, const std::string& scope = "",
                   bool skip_allowed = false) const;
  // text() between its header and its verdict line: the table per group,
  // the line per entry, the listed failures and skips.
  std::string details() const;
  // Of details(), the listed failures and skips alone (what --quiet keeps).
  std::string listed_text() const;
  // "12491 matched, 1 skipped of 12492 cases": matched always, then every
  // other verdict that occurred.
  std::string counts_text() const;
  // The last line of text(): "PASS: 12491 matched, 1 skipped of 12492 cases
  // (3.52 s)". A SKIP says that every case was skipped, and whether the user
  // allowed it (`skip_allowed`: --allow-skip host).
  std::string verdict_line(std::chrono::duration<double> elapsed, bool skip_allowed = false) const;
  RunVerdict verdict() const;
  // run_exit_status() of verdict(), outside KTAP.
  int exit_status(bool skip_allowed = false) const { return run_exit_status(verdict(), skip_allowed, false); }
  std::size_t cases() const { return std::accumulate(total_.begin(), total_.end(), std::size_t{0}); }
  std::size_t count(Verdict v) const { return total_[static_cast<std::size_t>(v)]; }
  // Cases that failed so far: mismatch, timeout, crash or error.
  std::size_t failed() const { return failed_; }

 private:
  static constexpr std::size_t kVerdicts = 6;
  using Counts = std::array<std::size_t, kVerdicts>;
  std::map<std::string, Counts> by_group_;
  std::vector<std::string> group_order_;  // groups in order of first appearance
  // Per entry, in model::Entry order: cases, and how many matched.
  // One per model::Entry; glibc_clone is the last.
  std::array<std::pair<std::size_t, std::size_t>, static_cast<std::size_t>(model::Entry::glibc_clone) + 1> by_entry_{};
  // Per context preset: its cases' verdict counts.
  std::map<std::string, Counts> by_context_;
  Counts total_{};
  std::vector<std::string> failures_;  // verdict_text of each non-match, non-skip
  std::vector<std::string> skips_;     // "id: reason"
  std::size_t failed_ = 0;
};

// "judged against the model of Linux 6.18.44-fc-v782,pid_max=32768 (inside
// the modelled range 6.1 .. 6.18)": which profile judged a run, for every report.
std::string judged_against_text(const model::Kernel& kernel);

}  // namespace clonediff::harness
