#include "harness/reports/ktap_report.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/reports/tests/sample_results.hpp"
#include "harness/reports/verdict_text.hpp"

namespace clonediff::harness {
namespace {

using testing::sample_kernel;
using testing::sample_results;

std::vector<CatalogueCase> specs(const std::vector<CaseResult>& results) {
  std::vector<CatalogueCase> out;
  for (const auto& r : results) out.push_back(r.spec);
  return out;
}

std::vector<std::string> by_suite(const CatalogueCase& c) { return {c.suite}; }

std::string ktap_of(const std::vector<CaseResult>& results, KtapReport::GroupFn group = report_group) {
  std::ostringstream out;
  KtapReport k(out, specs(results), group);
  k.diagnostics("before");
  for (const auto& r : results) k.add(r, sample_kernel());
  k.finish();
  k.diagnostics("after");
  return out.str();
}

// verdict_text() as the diagnostic lines KTAP puts above a result, at `indent`.
std::string diagnostics(const CaseResult& r, const std::string& indent) {
  std::istringstream in(verdict_text(r, sample_kernel()));
  std::string out;
  for (std::string line; std::getline(in, line);) out += indent + "# " + line + "\n";
  return out;
}

TEST(Ktap, EveryVerdictHasItsLine) {
  const auto results = sample_results();
  const std::string in = "  ";
  const std::string expected =
      "KTAP version 1\n"
      "1..3\n"
      "# before\n"
      "  KTAP version 1\n"
      "  # Subtest: alpha\n"
      "  1..6\n"
      "  ok 1 CLONE_VM|CLONE_FS\n" +
      diagnostics(results[1], in) +
      "  not ok 2 CLONE_FILES\n"
      "  ok 3 pidns # SKIP context 'pidns_init' cannot be built here: a preset for check and explain only\n" +
      diagnostics(results[3], in) + "  not ok 4 hangs # TIMEOUT no answer within 5000 ms\n" +
      diagnostics(results[4], in) + "  not ok 5 crashes\n" +
      // The reason's line break cannot end the result line: it becomes a space.
      diagnostics(results[5], in) + "  not ok 6 broken # ERROR the caller stopped answering: broken pipe\n" +
      "not ok 1 alpha\n"
      "  KTAP version 1\n"
      "  # Subtest: beta\n"
      "  1..2\n"
      "  ok 1 one # SKIP no unprivileged user here\n"
      "  ok 2 two # SKIP no unprivileged user here\n"
      "ok 2 beta # SKIP every case skipped\n"
      "  KTAP version 1\n"
      "  # Subtest: gamma\n"
      "  1..1\n"
      "  ok 1 <&'\"odd\">\n"
      "ok 3 gamma\n"
      "# after\n";
  EXPECT_EQ(ktap_of(results, by_suite), expected);
}

TEST(Ktap, CasesOfOtherContextsNestUnderTheirContext) {
  // report_group(): a root case's group is its suite; another context's case
  // sits in its suite under the context. Results come in group order, as a
  // selection gives them.
  const auto all = sample_results();
  const std::vector<CaseResult> results = {all[0], all[1], all[2], all[6], all[7], all[8]};
  const std::string out = ktap_of(results);
  EXPECT_NE(out.find("1..4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  KTAP version 1\n  # Subtest: pidns_init\n  1..1\n    KTAP version 1\n    # Subtest: alpha\n"
                     "    1..1\n    ok 1 pidns # SKIP"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  # Subtest: unpriv\n  1..1\n    KTAP version 1\n    # Subtest: beta\n    1..2\n"), std::string::npos)
      << out;
}

TEST(Ktap, DiagnosticsOfAFailureIncludeTheReproduceCommand) {
  const std::string out = ktap_of(sample_results());
  EXPECT_NE(out.find("  #   reproduce: clonediff run --filter alpha/CLONE_FILES\n"), std::string::npos) << out;
}

std::vector<std::string> by_context(const CatalogueCase& c) { return {c.context, c.suite}; }

TEST(Ktap, GroupsNestToAnyDepth) {
  const auto all = sample_results();
  // root: alpha (5 cases), gamma; pidns_init: alpha; unpriv: beta.
  std::vector<CaseResult> results = {all[0], all[1], all[3], all[4], all[5], all[8], all[2], all[6], all[7]};
  const std::string out = ktap_of(results, by_context);
  EXPECT_EQ(out.substr(0, out.find("    ok 1 CLONE_VM|CLONE_FS")),
            "KTAP version 1\n1..3\n# before\n"
            "  KTAP version 1\n  # Subtest: root\n  1..2\n"
            "    KTAP version 1\n    # Subtest: alpha\n    1..5\n");
  EXPECT_NE(out.find("  not ok 1 alpha\n"
                     "    KTAP version 1\n    # Subtest: gamma\n    1..1\n    ok 1 <&'\"odd\">\n  ok 2 gamma\n"
                     "not ok 1 root\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("ok 2 pidns_init # SKIP every case skipped\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  ok 1 beta # SKIP every case skipped\nok 3 unpriv # SKIP every case skipped\n# after\n"),
            std::string::npos)
      << out;
}

TEST(Ktap, NamesAndDirectivesStayOneLineWithoutHash) {
  CaseResult r;
  r.spec = testing::sample_case("s/a#b");
  r.verdict = Verdict::skip;
  r.reason = "why\r\nnot # this";
  std::ostringstream out;
  KtapReport k(out, {r.spec});
  k.add(r, sample_kernel());
  k.diagnostics("Subtest: not a header\nsecond\n\nfourth");
  k.finish();
  EXPECT_EQ(out.str(),
            "KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: s\n  1..1\n"
            "  ok 1 a?b # SKIP why  not ? this\n"
            "  #  Subtest: not a header\n  # second\n  #\n  # fourth\n"
            "ok 1 s # SKIP every case skipped\n");
}

TEST(Ktap, ExitStatusIsKselftests) {
  const auto all = sample_results();
  const auto status_of = [&](std::initializer_list<std::size_t> which) {
    RunSummary s;
    for (std::size_t i : which) s.add(all[i], sample_kernel());
    return kselftest_exit_status(s);
  };
  EXPECT_EQ(status_of({0, 8}), kKsftPass);
  EXPECT_EQ(status_of({0, 2}), kKsftPass);  // a skip among passes
  EXPECT_EQ(status_of({2, 6, 7}), kKsftSkip);
  for (std::size_t failing : {1u, 3u, 4u, 5u}) EXPECT_EQ(status_of({0, 2, failing}), kKsftFail) << failing;
}

TEST(Ktap, TotalsCountAsKselftestDoes) {
  RunSummary s;
  for (const auto& r : sample_results()) s.add(r, sample_kernel());
  EXPECT_EQ(ktap_totals(s), "Totals: pass:2 fail:3 xfail:0 xpass:0 skip:3 error:1");
}

}  // namespace
}  // namespace clonediff::harness
