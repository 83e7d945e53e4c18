// The summary `clonediff run` prints: counts per suite and verdict, every case
// that did not match (with its diff and how to reproduce it), every skip with
// its reason, and the time taken.
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
  void add(const CaseResult& r, const model::Kernel& kernel);
  std::string text(const model::Kernel& kernel, std::chrono::duration<double> elapsed) const;
  // 0: nothing failed (skips allowed); 1: a mismatch, timeout, crash or error.
  int exit_status() const;
  std::size_t cases() const { return std::accumulate(total_.begin(), total_.end(), std::size_t{0}); }

 private:
  static constexpr std::size_t kVerdicts = 6;
  using Counts = std::array<std::size_t, kVerdicts>;
  std::map<std::string, Counts> by_suite_;
  Counts total_{};
  std::vector<std::string> failures_;  // verdict_text of each non-match, non-skip
  std::vector<std::string> skips_;     // "id: reason"
};

}  // namespace clonediff::harness
