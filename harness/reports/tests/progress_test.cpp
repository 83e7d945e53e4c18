#include "harness/reports/progress.hpp"
#include "harness/reports/terminal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace clonediff::harness {
namespace {

using namespace std::chrono_literals;

// What a Progress wrote to a temporary file.
class ProgressOutput : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(file_, nullptr); }
  void TearDown() override { std::fclose(file_); }
  std::string written() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    for (int c; (c = std::fgetc(file_)) != EOF;) out += static_cast<char>(c);
    return out;
  }
  std::FILE* file_ = std::tmpfile();
};

TEST(ProgressLine, SaysDoneOfTotalFailuresAndTime) {
  EXPECT_EQ(progress_line(1234, 4141, 2, 412ms), "clonediff run: 1234/4141 cases (29%), 2 not matching, 0.4 s");
  EXPECT_EQ(progress_line(4141, 4141, 0, 2500ms), "clonediff run: 4141/4141 cases (100%), 0 not matching, 2.5 s");
  EXPECT_EQ(progress_line(0, 0, 0, 0ms), "clonediff run: 0/0 cases (100%), 0 not matching, 0.0 s");
}

TEST_F(ProgressOutput, DrawsTheFirstAndLastCaseAndAtMostTenTimesASecondBetween) {
  const auto t0 = Progress::Clock::now();
  Progress p(file_, 3, t0);
  p.update(1, 0, t0 + 10ms);
  p.update(2, 1, t0 + 100ms);  // within 100 ms of the first: not drawn
  p.update(3, 1, t0 + 150ms);  // the last: drawn
  const std::string out = written();
  EXPECT_EQ(out,
            "\rclonediff run: 1/3 cases (33%), 0 not matching, 0.0 s\033[K"
            "\rclonediff run: 3/3 cases (100%), 1 not matching, 0.1 s\033[K");
}

TEST_F(ProgressOutput, DrawsAgainAfterATenthOfASecond) {
  const auto t0 = Progress::Clock::now();
  Progress p(file_, 10, t0);
  p.update(1, 0, t0);
  p.update(2, 0, t0 + 99ms);
  p.update(3, 0, t0 + 100ms);
  p.update(4, 0, t0 + 150ms);
  p.update(5, 0, t0 + 200ms);
  EXPECT_EQ(written(),
            "\rclonediff run: 1/10 cases (10%), 0 not matching, 0.0 s\033[K"
            "\rclonediff run: 3/10 cases (30%), 0 not matching, 0.1 s\033[K"
            "\rclonediff run: 5/10 cases (50%), 0 not matching, 0.2 s\033[K");
}

TEST_F(ProgressOutput, ClearErasesTheLineOnlyIfOneWasDrawn) {
  Progress p(file_, 3);
  p.clear();
  EXPECT_EQ(written(), "");
  p.update(1, 0);
  p.clear();
  const std::string out = written();
  EXPECT_EQ(out.substr(out.size() - 4), "\r\033[K");
}

TEST_F(ProgressOutput, WithoutEscapesTheLineIsRedrawnWithSpacesAlone) {
  const auto t0 = Progress::Clock::now();
  Progress p(file_, 10, t0, /*escapes=*/false);
  p.update(1, 12345, t0);
  p.update(10, 0, t0 + 200ms);  // shorter: the rest of the old line is blanked
  p.clear();
  const std::string first = "clonediff run: 1/10 cases (10%), 12345 not matching, 0.0 s";
  const std::string last = "clonediff run: 10/10 cases (100%), 0 not matching, 0.2 s";
  ASSERT_GT(first.size(), last.size());
  EXPECT_EQ(written(), "\r" + first + "\r" + last + std::string(first.size() - last.size(), ' ') + "\r" +
                           std::string(first.size(), ' ') + "\r");
  EXPECT_EQ(written().find('\033'), std::string::npos);
}

TEST(TerminalStyle, TermDumbHasNoEscapesAndNoColorNoColour) {
  const TerminalStyle plain = terminal_style(true, "xterm-256color", nullptr);
  EXPECT_TRUE(plain.escapes);
  EXPECT_TRUE(plain.colour);
  EXPECT_FALSE(terminal_style(true, "dumb", nullptr).escapes);
  EXPECT_FALSE(terminal_style(true, "dumb", nullptr).colour);
  EXPECT_FALSE(terminal_style(true, nullptr, nullptr).escapes);  // no TERM: nothing is known of it
  EXPECT_TRUE(terminal_style(true, "xterm", "1").escapes);
  EXPECT_FALSE(terminal_style(true, "xterm", "1").colour);
  EXPECT_TRUE(terminal_style(true, "xterm", "").colour);  // NO_COLOR set but empty does not count
  EXPECT_FALSE(terminal_style(false, "xterm", nullptr).escapes);
  const std::string line = "PASS: 2 matched of 2 cases (0.01 s)\n";
  EXPECT_EQ(coloured_verdict_line(line, RunVerdict::pass, plain), "\033[32mPASS\033[0m: 2 matched of 2 cases (0.01 s)\n");
  EXPECT_EQ(coloured_verdict_line(line, RunVerdict::pass, terminal_style(true, "xterm", "1")), line);
  EXPECT_EQ(coloured_verdict_line("FAIL: x", RunVerdict::fail, plain), "\033[31mFAIL\033[0m: x");
}

TEST(Progress, QuietShowsNothing) { EXPECT_FALSE(progress_wanted(false, /*quiet=*/true)); }

TEST(Progress, WithoutATerminalNothingIsShown) {
  // The tests run with stderr on a file or pipe.
  if (::isatty(2) == 1) GTEST_SKIP() << "stderr is a terminal here";
  EXPECT_FALSE(progress_wanted(false));
  EXPECT_FALSE(progress_wanted(true));
  Progress p(nullptr, 3);
  p.update(3, 0);  // a null Progress writes nowhere, and does not crash
  p.clear();
}

}  // namespace
}  // namespace clonediff::harness
