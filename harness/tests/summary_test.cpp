// The text summary of a run, from made-up results of every verdict.
#include "harness/summary.hpp"

#include <gtest/gtest.h>

#include "harness/tests/sample_results.hpp"

namespace clonediff::harness {
namespace {

std::string summary_of_samples() {
  RunSummary s;
  for (const auto& r : testing::sample_results()) s.add(r, testing::sample_kernel());
  return s.text(testing::sample_kernel(), std::chrono::milliseconds(1500));
}

TEST(Summary, HasALinePerContextWithItsFailuresAndSkips) {
  const std::string text = summary_of_samples();
  // root: two matches, a mismatch, a timeout, a crash and an error.
  EXPECT_NE(text.find("\n    root                                2/6, 4 failed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n    pidns_init                          0/1, 1 skipped\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n    unpriv                              0/2, 2 skipped\n"), std::string::npos) << text;
}

TEST(Summary, ListsEachSkipWithItsReasonAndEndsWithTheVerdict) {
  const std::string text = summary_of_samples();
  EXPECT_NE(text.find("skipped (3):\n  alpha/pidns: context 'pidns_init' cannot be built here"), std::string::npos)
      << text;
  EXPECT_TRUE(text.ends_with("FAIL: 4 of 9 cases do not match the model (1.50 s)\n")) << text;
}

}  // namespace
}  // namespace clonediff::harness
