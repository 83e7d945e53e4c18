#include "harness/case/selection.hpp"

#include <gtest/gtest.h>

#include <set>

#include "harness/case/report_group.hpp"
#include "harness/reports/tests/sample_results.hpp"
#include "harness/reports/verdict_text.hpp"
#include "model/flags.hpp"

namespace clonediff::harness {
namespace {

using testing::sample_case;

std::vector<std::string> ids(const std::vector<CatalogueCase>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

TEST(Shard, ParsesIndexOverCount) {
  auto s = parse_shard("1/3");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->index, 1u);
  EXPECT_EQ(s->count, 3u);
  EXPECT_TRUE(parse_shard("0/1").ok());
}

TEST(Shard, RejectsWhatIsNotIOverN) {
  for (const char* bad : {"", "1", "/2", "1/", "2/2", "3/2", "0/0", "-1/2", "1/-2", "a/2", "1/2/3", " 1/2", "1/2 ",
                          "+1/2", "1/9999999999"}) {
    auto s = parse_shard(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().message, "--shard takes I/N with 0 <= I < N, not '" + std::string(bad) + "'");
  }
}

TEST(Shard, ShardsPartitionTheListExactly) {
  std::vector<CatalogueCase> all;
  for (int i = 0; i < 17; ++i) all.push_back(sample_case("s/" + std::to_string(i)));
  for (std::size_t n : {1u, 2u, 3u, 17u, 20u}) {
    std::multiset<std::string> seen;
    for (std::size_t i = 0; i < n; ++i)
      for (const auto& id : ids(take_shard(all, Shard{i, n}))) seen.insert(id);
    EXPECT_EQ(seen.size(), all.size()) << n << " shards";
    for (const auto& id : ids(all)) EXPECT_EQ(seen.count(id), 1u) << id << " in " << n << " shards";
  }
}

// Stretches of kShardStretch neighbours, dealt evenly; a case that reuses a pid for
// many rounds counts as that many cases, and the shard that holds it takes
// fewer stretches, spread through the list.
TEST(Shard, ShardsAreDealtInStretchesByWork) {
  std::vector<CatalogueCase> all;
  for (int i = 0; i < 128; ++i) all.push_back(sample_case("s/" + std::to_string(i)));
  // Eight stretches of 16, two shards: 0, 1, 0, 1, ...
  const auto first = ids(take_shard(all, Shard{0, 2}));
  ASSERT_EQ(first.size(), 64u);
  EXPECT_EQ(first.front(), "s/0");
  EXPECT_EQ(first[16], "s/32");
  all[40].request.after = model::AfterArg::reuse;
  all[40].request.rounds = 31;
  EXPECT_EQ(shard_work(all[40]), 32u);
  // 160 of work: shard 0 holds the 32 and 48 more (three stretches), shard 1 the
  // other 79 cases; shard 0's stretches are not all at the start.
  const auto heavy = ids(take_shard(all, Shard{0, 2}));
  EXPECT_EQ(heavy.size(), 49u);
  EXPECT_NE(std::find(heavy.begin(), heavy.end(), "s/40"), heavy.end());
  EXPECT_GT(std::stoi(heavy.back().substr(2)), 64);
  EXPECT_EQ(ids(take_shard(all, Shard{1, 2})).size(), 79u);
}

TEST(Selection, OrderByGroupKeepsFirstAppearanceAndOrderWithin) {
  std::vector<CatalogueCase> cases = {sample_case("b/1"), sample_case("a/1"), sample_case("b/2"),
                                      sample_case("c/1"), sample_case("a/2"), sample_case("b/3")};
  order_by_group(cases);
  EXPECT_EQ(ids(cases), (std::vector<std::string>{"b/1", "b/2", "b/3", "a/1", "a/2", "c/1"}));
}

// Groups nest (target, context, suite): a context's suites stay together
// under it, ranked by first appearance at each level.
TEST(Selection, OrderByGroupKeepsNestedGroupsTogether) {
  std::vector<CatalogueCase> cases = {sample_case("b/1"),           sample_case("a/1", 0, "unpriv"),
                                      sample_case("a/1"),           sample_case("b/1", 0, "unpriv"),
                                      sample_case("a/2", 0, "unpriv"), sample_case("b/2")};
  order_by_group(cases);
  EXPECT_EQ(ids(cases), (std::vector<std::string>{"b/1", "b/2", "unpriv/a/1", "unpriv/a/2", "unpriv/b/1", "a/1"}));
}

TEST(Selection, ExactPatternMatchesTheIdAndNoOther) {
  std::vector<CatalogueCase> cases = {sample_case("x/a*b?[c]\\d"), sample_case("x/aXXbY[c]\\d"),
                                      sample_case("x/a*b?c\\d"), sample_case("x/plain")};
  for (const auto& c : std::vector<CatalogueCase>(cases)) {
    auto kept = cases;
    keep_matching(kept, {exact_pattern(c.id)});
    EXPECT_EQ(ids(kept), std::vector<std::string>{c.id}) << exact_pattern(c.id);
  }
}

TEST(Selection, FiltersKeepWhatMatchesAnyAndExcludesDropWhatMatchesAny) {
  std::vector<CatalogueCase> cases = {sample_case("legacy/a"), sample_case("legacy/exit-signal-0"),
                                      sample_case("sweep/CLONE_VM"), sample_case("sweep/CLONE_VM", 0, "unpriv"),
                                      sample_case("contexts/newns", 0, "unpriv"), sample_case("library/fork")};
  auto kept = cases;
  keep_matching(kept, {"legacy/*", "unpriv/*"});
  EXPECT_EQ(ids(kept), (std::vector<std::string>{"legacy/a", "legacy/exit-signal-0", "unpriv/sweep/CLONE_VM",
                                                 "unpriv/contexts/newns"}));
  drop_matching(kept, {"*/exit-signal-*", "unpriv/contexts/*"});
  EXPECT_EQ(ids(kept), (std::vector<std::string>{"legacy/a", "unpriv/sweep/CLONE_VM"}));
  auto all = cases;
  keep_matching(all, {});
  EXPECT_EQ(all.size(), cases.size());  // no filter keeps everything
  drop_matching(all, {});
  EXPECT_EQ(all.size(), cases.size());
}

// One scheme: a pattern naming a report group selects exactly that group's cases.
TEST(Selection, AGroupsNameIsThePrefixOfItsIds) {
  for (const CatalogueCase& c : {sample_case("sweep/CLONE_VM", 0, "unpriv"), sample_case("legacy/x"),
                                 sample_case("contexts/newns/deep", 0, "pidns_init")}) {
    const std::string group = group_name(report_group(c));
    EXPECT_EQ(c.id, group + "/" + report_case_name(c)) << c.id;
    std::vector<CatalogueCase> one = {c};
    keep_matching(one, {group + "/*"});
    EXPECT_EQ(one.size(), 1u) << group;
  }
}

TEST(ReportGroup, GroupIsTheSuiteAndNameTheRestOfTheId) {
  EXPECT_EQ(report_group(sample_case("sweep/CLONE_VM|CLONE_FS")), std::vector<std::string>{"sweep"});
  EXPECT_EQ(report_case_name(sample_case("sweep/CLONE_VM|CLONE_FS")), "CLONE_VM|CLONE_FS");
  EXPECT_EQ(report_case_name(sample_case("mine/a/b")), "a/b");
  EXPECT_EQ(report_case_name(sample_case("alone")), "alone");
  EXPECT_EQ(report_case_name(sample_case("trailing/")), "trailing/");
  EXPECT_EQ(group_name({"qemu-6.1", "unpriv", "sweep"}), "qemu-6.1/unpriv/sweep");
  const CatalogueCase unpriv = sample_case("sweep/CLONE_VM", 0, "unpriv");
  EXPECT_EQ(unpriv.id, "unpriv/sweep/CLONE_VM");
  EXPECT_EQ(report_group(unpriv), (std::vector<std::string>{"unpriv", "sweep"}));
  EXPECT_EQ(report_case_name(unpriv), "CLONE_VM");
  EXPECT_EQ(report_case_name(sample_case("alone", 0, "unpriv")), "alone");
}

TEST(ReportGroup, ARunOverTargetsPutsTheTargetAboveTheSuite) {
  CatalogueCase c = sample_case("sweep/CLONE_VM|CLONE_FS");
  c.target = "kernel:6.1.0-50-cloud-amd64";
  EXPECT_EQ(report_group(c), (std::vector<std::string>{"kernel:6.1.0-50-cloud-amd64", "sweep"}));
  EXPECT_EQ(group_name(report_group(c)), "kernel:6.1.0-50-cloud-amd64/sweep");
  EXPECT_EQ(report_case_name(c), "CLONE_VM|CLONE_FS");
  // Its reproduction runs it on that target.
  c.target_spec = "kernel:/boot/vmlinuz-6.1.0-50-cloud-amd64";
  EXPECT_EQ(reproduce_command(c),
            "clonediff run --target 'kernel:/boot/vmlinuz-6.1.0-50-cloud-amd64' --filter 'sweep/CLONE_VM|CLONE_FS'");
}

TEST(Reproduce, RunsTheCaseAloneAndNamesItsUserFile) {
  CatalogueCase builtin = sample_case("sweep/CLONE_VM|CLONE_FS");
  EXPECT_EQ(reproduce_command(builtin), "clonediff run --filter 'sweep/CLONE_VM|CLONE_FS'");
  CatalogueCase mine = sample_case("mine/it's[1]");
  mine.file = "my cases/x.cases";
  EXPECT_EQ(reproduce_command(mine), R"(clonediff run --cases 'my cases/x.cases' --filter 'mine/it'\''s\[1]')");
  mine.file = "x.cases";
  mine.id = "mine/plain";
  EXPECT_EQ(reproduce_command(mine), "clonediff run --cases x.cases --filter mine/plain");
}

TEST(Context, RunsRootCasesAgainInTheContextBesideItsOwn) {
  std::vector<CatalogueCase> cases = {sample_case("legacy/exit-signal-0"), sample_case("contexts/unpriv/newns", 0, "unpriv"),
                                      sample_case("contexts/chroot/newuser", 0, "chroot"), sample_case("alone")};
  ASSERT_TRUE(take_context(cases, "unpriv"));
  EXPECT_EQ(ids(cases), (std::vector<std::string>{"unpriv/legacy/exit-signal-0", "unpriv/contexts/newns", "unpriv/alone"}));
  for (const auto& c : cases) EXPECT_EQ(c.context, "unpriv") << c.id;
  EXPECT_EQ(cases[0].suite, "legacy");
  // Moved cases say so when reproduced; the context's own cases need not.
  EXPECT_EQ(reproduce_command(cases[0]), "clonediff run --context unpriv --filter unpriv/legacy/exit-signal-0");
  EXPECT_EQ(reproduce_command(cases[1]), "clonediff run --filter unpriv/contexts/newns");
}

TEST(Context, RootKeepsRootCasesAsTheyAre) {
  std::vector<CatalogueCase> cases = {sample_case("legacy/a"), sample_case("contexts/unpriv/b", 0, "unpriv")};
  ASSERT_TRUE(take_context(cases, "root"));
  EXPECT_EQ(ids(cases), std::vector<std::string>{"legacy/a"});
  EXPECT_EQ(reproduce_command(cases[0]), "clonediff run --filter legacy/a");
}

TEST(Context, AnUnknownContextIsAnErrorNamingThePresets) {
  std::vector<CatalogueCase> cases = {sample_case("legacy/a")};
  const auto st = take_context(cases, "nobody");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("unknown context 'nobody' (presets: root, unpriv"), std::string::npos)
      << st.error().message;
}

TEST(Reproduce, VerdictTextCarriesTheReproduceCommand) {
  CaseResult r;
  r.spec = sample_case("mine/refused", 0);
  r.spec.file = "/tmp/mine.cases";
  r.verdict = Verdict::mismatch;
  r.diff = {{"result", "EINVAL", "ok"}};
  const std::string text = verdict_text(r, testing::sample_kernel());
  EXPECT_NE(text.find("  reproduce: clonediff run --cases /tmp/mine.cases --filter mine/refused\n"), std::string::npos)
      << text;
}

TEST(PrintTo, ACasePrintsAsItsIdAndSummary) {
  EXPECT_EQ(::testing::PrintToString(sample_case("sweep/CLONE_VM", model::flag::VM)),
            "sweep/CLONE_VM (clone CLONE_VM exit_signal=SIGCHLD(17) context=root)");
}

}  // namespace
}  // namespace clonediff::harness
