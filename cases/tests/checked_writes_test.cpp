// Every output clonediff writes is checked: a report file or standard output
// that cannot take what is written (/dev/full: ENOSPC on every write) is exit
// status 2 and one line on stderr naming the path, or "standard output", and
// the system's reason. Nothing is mocked: the real binary writes to the real
// device.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cases/tests/cli_support.hpp"

namespace {

using namespace clonediff::cli_support;

const std::string kNoSpace = "No space left on device";

class CheckedWrites : public Cli {
 protected:
  // clonediff with standard output on /dev/full.
  Ran to_full_stdout(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    std::vector<std::string> sh = {"-c", "exec \"$0\" \"$@\" >/dev/full", CLONEDIFF_BINARY};
    sh.insert(sh.end(), args.begin(), args.end());
    return run("/bin/sh", sh, stdin_text);
  }
  // The lines of stderr that say a write failed: exactly one, naming `what`.
  static void expect_one_failure(const Ran& r, const std::string& command, const std::string& what) {
    EXPECT_EQ(r.status, 2) << r.err;
    std::vector<std::string> failures;
    for (const std::string& l : lines(r.err))
      if (l.find("cannot write") != std::string::npos) failures.push_back(l);
    ASSERT_EQ(failures.size(), 1u) << r.err;
    EXPECT_EQ(failures[0], "clonediff" + (command.empty() ? "" : " " + command) + ": cannot write " + what + ": " + kNoSpace)
        << r.err;
  }
  static std::string k61() { return std::string(CLONEDIFF_SOURCE_DIR) + "/cases/tests/data/debian-6.1.jsonl"; }
  static std::string k612() { return std::string(CLONEDIFF_SOURCE_DIR) + "/cases/tests/data/debian-6.12.jsonl"; }
};

// One case of the root context, quick to run.
const std::vector<std::string> kOneCase = {"run", "--filter", "legacy/settls"};

TEST_F(CheckedWrites, TheOneCaseRunsAndMatches) {  // the runs below fail only for their output
  Ran r = clonediff(kOneCase);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS: 1 matched of 1 case"), std::string::npos) << r.out;
}

TEST_F(CheckedWrites, RunJsonFile) {
  std::vector<std::string> args = kOneCase;
  args.insert(args.end(), {"--json", "/dev/full"});
  expect_one_failure(clonediff(args), "run", "'/dev/full'");
}

TEST_F(CheckedWrites, RunResultsFile) {
  std::vector<std::string> args = kOneCase;
  args.insert(args.end(), {"--results", "/dev/full"});
  expect_one_failure(clonediff(args), "run", "'/dev/full'");
}

TEST_F(CheckedWrites, RunResultsOnStandardOutput) {
  std::vector<std::string> args = kOneCase;
  args.insert(args.end(), {"--results", "-"});
  expect_one_failure(to_full_stdout(args), "run", "standard output");
}

// explore's report file and its text on standard output (a few cases in root).
const std::vector<std::string> kExploreFew = {"explore", "--seed", "1", "--cases", "3", "--context", "root"};

TEST_F(CheckedWrites, ExploreJsonFile) {
  std::vector<std::string> args = kExploreFew;
  args.insert(args.end(), {"--json", "/dev/full"});
  expect_one_failure(clonediff(args), "explore", "'/dev/full'");
}

TEST_F(CheckedWrites, ExploreStandardOutput) {
  expect_one_failure(to_full_stdout(kExploreFew), "explore", "standard output");
}

TEST_F(CheckedWrites, RunJunitFile) {
  std::vector<std::string> args = kOneCase;
  args.insert(args.end(), {"--junit", "/dev/full"});
  expect_one_failure(clonediff(args), "run", "'/dev/full'");
}

TEST_F(CheckedWrites, RunKtapOnStandardOutput) {
  std::vector<std::string> args = kOneCase;
  args.push_back("--ktap");
  expect_one_failure(to_full_stdout(args), "run", "standard output");
}

TEST_F(CheckedWrites, RunJsonOnStandardOutput) {
  std::vector<std::string> args = kOneCase;
  args.insert(args.end(), {"--json", "-"});
  expect_one_failure(to_full_stdout(args), "run", "standard output");
}

TEST_F(CheckedWrites, RunTextReport) { expect_one_failure(to_full_stdout(kOneCase), "run", "standard output"); }

TEST_F(CheckedWrites, RunList) { expect_one_failure(to_full_stdout({"run", "--list"}), "run", "standard output"); }

TEST_F(CheckedWrites, Check) {
  expect_one_failure(to_full_stdout({"check", "--kernel", "6.1.0", k61()}), "check", "standard output");
}

TEST_F(CheckedWrites, Diff) { expect_one_failure(to_full_stdout({"diff", k61(), k612()}), "diff", "standard output"); }

TEST_F(CheckedWrites, Explain) {
  expect_one_failure(to_full_stdout({"explain", "CLONE_VM|CLONE_VFORK"}), "explain", "standard output");
}

TEST_F(CheckedWrites, Kernels) { expect_one_failure(to_full_stdout({"kernels"}), "kernels", "standard output"); }

TEST_F(CheckedWrites, Contexts) {
  expect_one_failure(to_full_stdout({"contexts", "--names"}), "contexts", "standard output");
  expect_one_failure(to_full_stdout({"contexts"}), "contexts", "standard output");
}

TEST_F(CheckedWrites, VersionAndHelp) {
  expect_one_failure(to_full_stdout({"--version"}), "", "standard output");
  expect_one_failure(to_full_stdout({"help", "run"}), "", "standard output");
}

// A writable file still gets everything: the checks change nothing else.
TEST_F(CheckedWrites, AWritableReportIsWhole) {
  std::vector<std::string> args = kOneCase;
  args.insert(args.end(), {"--json", path("r.jsonl").string()});
  Ran r = clonediff(args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(slurp(path("r.jsonl"))).size(), 1u);
}

}  // namespace
