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

#include "harness/runner.hpp"
#include "model/kernel.hpp"

namespace clonediff::harness {

class RunSummary {
 public:
  // Counts the case; lists it with its verdict text (failures) or reason
  // (skips) unless `listed` is false: a run over targets lists an emulator's
  // divergences by rule and every target's skips by reason instead.
  void add(const CaseResult& r, const model::Kernel& kernel, bool listed = true);
  // `scope`, if given, follows the case count in the first line: "shard 0/2".
  std::string text(const model::Kernel& kernel, std::chrono::duration<double> elapsed,
                   const std::string& scope = "") const;
  // text() between its first line and its verdict line: the table per group,
  // the line per entry, the listed failures and skips.
  std::string details() const;
  // The last line of text(): "PASS: 4141 of 4141 cases match the model (0.72 s)".
  std::string verdict_line(std::chrono::duration<double> elapsed) const;
  // 0: nothing failed (skips allowed); 1: a mismatch, timeout, crash or error.
  int exit_status() const;
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
  std::array<std::pair<std::size_t, std::size_t>, 7> by_entry_{};
  // Per context preset: its cases' verdict counts.
  std::map<std::string, Counts> by_context_;
  Counts total_{};
  std::vector<std::string> failures_;  // verdict_text of each non-match, non-skip
  std::vector<std::string> skips_;     // "id: reason"
  std::size_t failed_ = 0;
};

}  // namespace clonediff::harness
