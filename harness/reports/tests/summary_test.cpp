// The text summary of a run, from made-up results of every verdict.
#include "harness/reports/summary.hpp"
#include "harness/version.hpp"

#include <gtest/gtest.h>

#include "harness/reports/tests/sample_results.hpp"

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
  EXPECT_NE(text.find("skipped (3):\n  pidns_init/alpha/pidns: context 'pidns_init' cannot be built here"), std::string::npos)
      << text;
  EXPECT_TRUE(text.ends_with("FAIL: 2 matched, 1 mismatched, 3 skipped, 1 timed out, 1 crashed, 1 error of 9 cases "
                             "(1.50 s)\n"))
      << text;
}

// --quiet keeps the listed cases alone: the failures and the skips.
TEST(Summary, TheListedTextIsTheFailuresAndSkips) {
  RunSummary s;
  for (const auto& r : testing::sample_results()) s.add(r, testing::sample_kernel());
  const std::string listed = s.listed_text();
  EXPECT_EQ(listed.rfind("\nnot matching (4):\n", 0), 0u) << listed;
  EXPECT_NE(listed.find("\nskipped (3):\n"), std::string::npos) << listed;
  EXPECT_EQ(listed.find("suite "), std::string::npos) << listed;
  EXPECT_TRUE(s.details().ends_with(listed));
}

RunSummary summary_of(std::initializer_list<std::size_t> which) {
  const auto all = testing::sample_results();
  RunSummary s;
  for (std::size_t i : which) s.add(all[i], testing::sample_kernel());
  return s;
}

// PASS only when every case that was not skipped matched; the line says how
// many were skipped.
TEST(Summary, APassSaysHowManyWereSkipped) {
  const RunSummary clean = summary_of({0, 8});
  EXPECT_EQ(clean.verdict(), RunVerdict::pass);
  EXPECT_EQ(clean.verdict_line(std::chrono::milliseconds(1620)), "PASS: 2 matched of 2 cases (1.62 s)\n");
  EXPECT_EQ(clean.exit_status(), 0);
  const RunSummary skipped = summary_of({0, 2});
  EXPECT_EQ(skipped.verdict(), RunVerdict::pass);
  EXPECT_EQ(skipped.verdict_line(std::chrono::milliseconds(1620)), "PASS: 1 matched, 1 skipped of 2 cases (1.62 s)\n");
  EXPECT_EQ(skipped.exit_status(), 0);
}

// A run whose every case was skipped is not a pass: SKIP, exit status 1,
// unless the user allowed it (--allow-skip host); kselftest's 4 under KTAP.
TEST(Summary, EveryCaseSkippedIsASkipNotAPass) {
  const RunSummary s = summary_of({2, 6, 7});
  EXPECT_EQ(s.verdict(), RunVerdict::skip);
  EXPECT_EQ(s.verdict_line(std::chrono::milliseconds(10)),
            "SKIP: 0 matched, 3 skipped of 3 cases; every case was skipped (--allow-skip host if that is expected) "
            "(0.01 s)\n");
  EXPECT_EQ(s.exit_status(), 1);
  EXPECT_EQ(s.verdict_line(std::chrono::milliseconds(10), true),
            "SKIP: 0 matched, 3 skipped of 3 cases; every case was skipped, as --allow-skip host allows (0.01 s)\n");
  EXPECT_EQ(s.exit_status(true), 0);
  EXPECT_EQ(run_exit_status(s.verdict(), false, true), 4);
  EXPECT_EQ(run_exit_status(s.verdict(), true, true), 4);
  EXPECT_TRUE(s.text(testing::sample_kernel(), std::chrono::milliseconds(10)).ends_with(s.verdict_line(std::chrono::milliseconds(10))));
  // A failure among skips is a failure.
  EXPECT_EQ(summary_of({2, 5}).verdict(), RunVerdict::fail);
  EXPECT_EQ(summary_of({2, 5}).exit_status(true), 1);
  EXPECT_EQ(RunSummary{}.verdict(), RunVerdict::skip);  // no case is no pass
}

// The header names the clonediff that ran, the profile the cases were
// judged against and where it stands against the model's range; a newer
// kernel is judged as the newest.
TEST(Summary, TheHeaderSaysWhichProfileJudgedTheRun) {
  const std::string text = summary_of_samples();
  EXPECT_NE(text.find("clonediff run: 9 cases on Linux 6.18.0-sample in 1.50 s\n"
                      "clonediff " + std::string(version()) + " (commit " + std::string(commit()) + ")\n"
                      "judged against the model of Linux 6.18.0-sample (inside the modelled range " +
                      model::modelled_range_text() + ")\n\n"),
            std::string::npos)
      << text;
  const model::KernelVersion newest = model::modelled_range().newest;
  const std::string newer = std::to_string(newest.major + 1) + ".2.3-next";
  RunSummary s;
  s.add(testing::sample_results()[0], testing::sample_kernel());
  const std::string on_newer = s.text(*model::parse_kernel_spec(newer), std::chrono::seconds(1));
  EXPECT_NE(on_newer.find("judged against the model of Linux " + newer + " (newer than the modelled range " +
                          model::modelled_range_text() + ": judged as " + std::to_string(newest.major) + "." +
                          std::to_string(newest.minor) + ")\n"),
            std::string::npos)
      << on_newer;
}

}  // namespace
}  // namespace clonediff::harness
