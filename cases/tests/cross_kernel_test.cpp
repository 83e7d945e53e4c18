// Observations from other kernels, judged and compared with the command line:
// `explain` and `check` with --kernel, and `diff`. The data are real records
// of Debian's 6.1.0-50 and 6.12.111 cloud kernels booted in qemu
// (cases/tests/data/, from `clonediff run --target kernel:...`): the legacy
// suite and clone3's time-namespace and pidfd cases.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cases/tests/cli_support.hpp"
#include "model/kernel.hpp"

namespace {

using namespace clonediff::cli_support;

const std::string kData = std::string(CLONEDIFF_SOURCE_DIR) + "/cases/tests/data/";
const std::string k61 = kData + "debian-6.1.jsonl";
const std::string k612 = kData + "debian-6.12.jsonl";
constexpr std::size_t kRecords = 56;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(Cli, ExplainPredictsForTheKernelGiven) {
  const std::vector<std::string> request = {"CLONE_PIDFD|CLONE_VM|CLONE_SIGHAND|CLONE_THREAD", "--entry", "clone3",
                                            "--exit-signal", "0"};
  auto with = [&](const std::string& kernel) {
    std::vector<std::string> args = {"explain"};
    args.insert(args.end(), request.begin(), request.end());
    args.insert(args.end(), {"--kernel", kernel});
    return clonediff(args);
  };
  Ran old = with("6.1.0-50-cloud-amd64");
  EXPECT_EQ(old.status, 0) << old.err;
  EXPECT_NE(old.out.find("model    Linux 6.1.0 (6.1.0-50-cloud-amd64)"), std::string::npos) << old.out;
  EXPECT_NE(old.out.find("FIRES copy_process.pidfd_thread -> EINVAL"), std::string::npos) << old.out;
  Ran now = with("6.12.111+deb12-cloud-amd64");
  EXPECT_NE(now.out.find("n/a   copy_process.pidfd_thread  (not in 6.12.111: removed by 83b290c9e3b5"),
            std::string::npos)
      << now.out;
  EXPECT_NE(now.out.find("result   ok"), std::string::npos) << now.out;
  Ran bad = with("6.1,unprivileged_userns_clone=7");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "clonediff explain: --kernel: unprivileged_userns_clone is 0 or 1\n");
}

TEST_F(Cli, CheckJudgesRecordsAgainstTheKernelGiven) {
  // Each kernel's records match its own profile ...
  for (const auto& [file, kernel] : {std::pair{k61, "6.1.0-50-cloud-amd64"}, std::pair{k612, "6.12.111"}}) {
    Ran r = clonediff({"check", "--kernel", kernel, file});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(std::to_string(kRecords) + " records judged against the model of Linux " + kernel +
                         " (inside the modelled range " + clonediff::model::modelled_range_text() +
                         "): " + std::to_string(kRecords) + " match, 0 mismatch"),
              std::string::npos)
        << r.err;
  }
  // ... and not the other's: exactly the cases that changed between them.
  Ran crossed = clonediff({"check", "--kernel", "6.12.111", k61});
  EXPECT_EQ(crossed.status, 1);
  EXPECT_NE(crossed.err.find(": 52 match, 4 mismatch"), std::string::npos) << crossed.err;
  for (const char* id : {"(clone3/newtime-vm): mismatch", "(clone3/newtime-thread): mismatch",
                         "(clone3/pidfd-thread): mismatch", "(legacy/pidfd-thread): mismatch"})
    EXPECT_NE(crossed.err.find(id), std::string::npos) << id << "\n" << crossed.err;
  EXPECT_NE(crossed.err.find("ns_new.time: predicted false, observed true"), std::string::npos) << crossed.err;
  EXPECT_NE(crossed.err.find("result: predicted ok, observed EINVAL"), std::string::npos) << crossed.err;
  // `recorded`: each record against the profile it carries, both files at once.
  Ran both = clonediff({"check", "--kernel", "recorded", "-"}, slurp(k61) + slurp(k612));
  EXPECT_EQ(both.status, 0) << both.err;
  EXPECT_NE(both.err.find("each record's own kernel (the modelled range is " + clonediff::model::modelled_range_text() +
                          "): " + std::to_string(2 * kRecords) + " match"),
            std::string::npos)
      << both.err;
}

TEST_F(Cli, DiffOfTheDebianKernelsListsTheExpectedChangesAndNothingElse) {
  Ran r = clonediff({"diff", k61, k612});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(std::to_string(kRecords) + " cases compared"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4 differ: 4 expected, 0 unexpected"), std::string::npos) << r.out;
  EXPECT_EQ(count(r.out, "because copy_process.pidfd_thread"), 2u) << r.out;
  EXPECT_EQ(count(r.out, "because copy_namespaces.timens_vm_child_enters"), 2u) << r.out;
  EXPECT_NE(r.out.find("  clone3/newtime-vm\n    observed  ns_new.time: true -> false\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  legacy/pidfd-thread\n    observed  result: EINVAL -> ok\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS: no unexpected changes"), std::string::npos) << r.out;
}

TEST_F(Cli, DiffCallsAChangeTheModelDoesNotPredictUnexpected) {
  // 6.12's legacy/newuts child, edited as if it had kept the caller's uts namespace.
  std::string edited;
  int hits = 0;
  for (std::string line : lines(slurp(k612))) {
    if (line.find("\"id\":\"legacy/newuts\"") != std::string::npos) {
      const std::string was = "\"observed\":{\"result\":\"ok\",\"share\":";
      const auto at = line.find("\"ns_new\":[\"uts\"]", line.find(was));
      ASSERT_NE(at, std::string::npos) << line;
      line.replace(at, 16, "\"ns_new\":[]");
      ++hits;
    }
    edited += line + "\n";
  }
  ASSERT_EQ(hits, 1);
  spit(path("edited.jsonl"), edited);
  Ran r = clonediff({"diff", k61, path("edited.jsonl").string()});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("5 differ: 4 expected, 1 unexpected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unexpected (a regression, or a gap in the model):\n  legacy/newuts\n"
                       "    observed  ns_new.uts: true -> false\n"
                       "    the model predicts no change: a regression, or a change the model does not know\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("explain B: clonediff explain CLONE_NEWUTS --entry clone --exit-signal 17 --context root "
                       "--kernel '6.12.111+deb12-cloud-amd64,unprivileged_userns_clone=1,pid_max=32768'"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("FAIL: 1 unexpected changes"), std::string::npos) << r.out;
}

TEST_F(Cli, DiffTakesOneTargetOfARunOverTargets) {
  // One file holding both kernels' records, as `run --target ... --json` writes it.
  spit(path("both.jsonl"), slurp(k61) + slurp(k612));
  Ran r = clonediff({"diff", path("both.jsonl").string(), path("both.jsonl").string(), "--target-a",
                     "kernel:6.1.0-50-cloud-amd64", "--target-b", "kernel:6.12.111+deb12-cloud-amd64"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("4 differ: 4 expected, 0 unexpected"), std::string::npos) << r.out;
  Ran none = clonediff({"diff", k61, k612, "--target-a", "gvisor"});
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("no records of that target"), std::string::npos) << none.err;
}

TEST_F(Cli, DiffBadUsage) {
  EXPECT_EQ(clonediff({"diff", k61}).status, 2);
  Ran missing = clonediff({"diff", k61, "/no/such.jsonl"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "clonediff diff: cannot read '/no/such.jsonl'\n");
  spit(path("bad.jsonl"), "{\"id\":\"x\"}\nnot json\n");
  Ran bad = clonediff({"diff", k61, path("bad.jsonl").string()});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("bad.jsonl: line 2: "), std::string::npos) << bad.err;
}

}  // namespace
