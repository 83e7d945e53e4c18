#include "harness/explore/explore_report.hpp"

#include <gtest/gtest.h>

#include "harness/explore/signature.hpp"
#include "harness/targets/baseline.hpp"

namespace clonediff::explore {
namespace {

harness::CaseResult mismatch(std::vector<harness::DiffEntry> diff, std::string rule = "copy_process.ok") {
  harness::CaseResult r;
  r.spec.id = "explore/1-1";
  r.predicted.emplace();
  r.predicted->rule = std::move(rule);
  r.verdict = harness::Verdict::mismatch;
  r.diff = std::move(diff);
  return r;
}

TEST(Signature, NamesTheRuleAndHowWithSignalsAbstracted) {
  EXPECT_EQ(divergence_signature(mismatch({{"result", "EINVAL", "ok"}}, "copy_process.newns_fs")),
            "copy_process.newns_fs | result: EINVAL -> ok");
  EXPECT_EQ(divergence_signature(mismatch({{"ppid_is_caller", "false", "true"}, {"parent_signal", "none", "SIGUSR1"}})),
            "copy_process.ok | ppid_is_caller: false -> true; parent_signal: none -> N");
  EXPECT_EQ(divergence_signature(mismatch({{"exit_signal", "-1", "0"}})), "copy_process.ok | exit_signal: -1 -> 0");
  harness::CaseResult timeout = mismatch({});
  timeout.verdict = harness::Verdict::timeout;
  EXPECT_EQ(divergence_signature(timeout), "copy_process.ok | timeout");
  harness::CaseResult match = mismatch({});
  match.verdict = harness::Verdict::match;
  EXPECT_EQ(divergence_signature(match), "");
}

// A baseline line and the result it was written from are the same class.
TEST(Signature, ABaselineLineHasTheSignatureOfItsResult) {
  for (const auto& r : {mismatch({{"share.vm", "true", "false"}, {"caller_suspended", "true", "false"}}),
                        mismatch({{"ppid_is_caller", "false", "true"}, {"parent_signal", "none", "SIGSTOP"},
                                  {"exit_signal", "17", "19"}}),
                        mismatch({{"result", "ok", "ENOSYS"}}, "copy_process.ok")}) {
    EXPECT_EQ(baseline_signature(r.predicted->rule, targets::divergence_text(r)), divergence_signature(r));
  }
}

TEST(Signature, KnownSignaturesComeFromTheCatalogueCasesABaselineNames) {
  auto catalogue = harness::builtin_catalogue();
  ASSERT_TRUE(catalogue);
  model::Kernel k;
  k.version = {6, 18, 0};
  std::size_t unknown = 0;
  const auto known = known_signatures({{"sweep/CLONE_FS|CLONE_NEWNS", "result: EINVAL -> ok"}, {"no/such-case", "timeout"}},
                                      *catalogue, k, &unknown);
  EXPECT_EQ(known, std::set<std::string>{"copy_process.newns_fs | result: EINVAL -> ok"});
  EXPECT_EQ(unknown, 1u);
}

ExploreReport sample() {
  ExploreReport r;
  r.target = "host";
  r.seed = 16;
  r.kernel_release = "6.18.0";
  r.kernel_profile = "6.18.0,pid_max=32768";
  r.judged = "judged against the model of Linux 6.18.0,pid_max=32768";
  r.cases = 1200;
  r.verdicts = {1190, 2, 8, 0, 0, 0};
  r.explore_seconds = 10;
  r.shrink_seconds = 1.5;
  r.boundary_crossings = 300;
  r.coverage = coverage_rows();
  for (CoverageRow& row : r.coverage) row.decided = row.id == "copy_process.pidfd_thread" ? 0 : 3;
  r.unreachable["copy_process.pidfd_thread"] = "not in 6.18.0";
  r.dropped = {"context pids_max: cannot be built here"};
  FindingReport f;
  f.signature = "copy_process.ok | share.vm: true -> false";
  f.cases = 2;
  f.status = "shrunk";
  f.note = "the first case diverged this way in 3 of 3 runs; shrunk in 4 steps, 20 live runs";
  f.first_line = "case explore/16-9 clone CLONE_VM|CLONE_FS context=unpriv";
  f.line = "case explore/16-9 clone CLONE_VM  # clonediff explore --seed 16 on 6.18.0: copy_process.ok | share.vm: true -> false";
  f.explain_command = "clonediff explain CLONE_VM --entry clone --context root --kernel 6.18.0";
  f.model = "request ...\nresult: ok";
  f.kernel = "{\"result\":\"ok\"}\nshare.vm: predicted true, observed false";
  r.findings.push_back(f);
  FindingReport known = f;
  known.signature = "copy_process.ok | share.io: true -> false";
  known.known = true;
  known.status = "listed";
  r.findings.push_back(known);
  return r;
}

TEST(Report, TravelsAsJsonAndComesBackTheSame) {
  const ExploreReport r = sample();
  const std::string line = json::dump(report_to_json(r));
  auto parsed = json::parse(line);
  ASSERT_TRUE(parsed);
  auto back = report_from_json(*parsed);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(json::dump(report_to_json(*back)), line);
  EXPECT_EQ(report_text(*back), report_text(r));
  EXPECT_FALSE(report_from_json(json::parse("{\"explore\":\"report\"}").value()));
}

TEST(Report, FiguresAndVerdict) {
  ExploreReport r = sample();
  EXPECT_EQ(r.reachable_rules(), r.coverage.size() - 1);
  EXPECT_EQ(r.decided_rules(), r.coverage.size() - 1);
  EXPECT_DOUBLE_EQ(r.cases_per_second(), 120.0);
  EXPECT_EQ(r.new_findings(), 1u);
  EXPECT_FALSE(r.passes());
  EXPECT_EQ(report_verdict_line(r), "FAIL: 1 divergence no baseline case shows in 1200 cases (seed 16)");
  const std::string text = report_text(r);
  EXPECT_NE(text.find("1200 cases in 10.0 s, 120.0 cases/s"), std::string::npos) << text;
  EXPECT_NE(text.find("case for cases/:\n       case explore/16-9 clone CLONE_VM  #"), std::string::npos) << text;
  EXPECT_NE(text.find("not reachable here: copy_process.pidfd_thread"), std::string::npos);
  r.findings.erase(r.findings.begin());
  EXPECT_TRUE(r.passes());
  EXPECT_EQ(report_verdict_line(r), "PASS: every divergence (1 classes) is one the baseline shows, in 1200 cases (seed 16)");
  r.findings.clear();
  EXPECT_EQ(report_verdict_line(r), "PASS: no divergence in 1200 cases (seed 16)");
}

TEST(Report, ExplainCommandQuotesWhatTheShellWouldSplit) {
  harness::CatalogueCase c;
  c.request = model::Request{model::Entry::clone3, 0x100 | 0x800, 0};
  c.request.clone3.set_tid = std::vector<model::TidSpec>{{model::TidSpec::Kind::free, 0}};
  model::Kernel k;
  k.version = {6, 18, 0};
  k.release = "6.18.0";
  json::Value context = json::Value::object();
  context["preset"] = "root";
  context["cap_sys_resource"] = false;
  EXPECT_EQ(explain_command_line(c, context, k),
            "clonediff explain 'CLONE_VM|CLONE_SIGHAND' --entry clone3 --exit-signal 0 --context "
            "'{\"preset\":\"root\",\"cap_sys_resource\":false}' --kernel 6.18.0 --set-tid free");
}

}  // namespace
}  // namespace clonediff::explore
