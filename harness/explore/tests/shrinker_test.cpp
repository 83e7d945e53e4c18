#include "harness/explore/shrinker.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "harness/case/catalogue_line.hpp"
#include "harness/explore/explorer.hpp"
#include "harness/explore/signature.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::explore {
namespace {

using harness::CatalogueCase;
using harness::CaseResult;
using harness::Verdict;
using namespace model::flag;

// A made-up kernel that differs from the model where a test says: the result
// of a run as the Runner would give it.
CaseResult result(const CatalogueCase& c, std::vector<harness::DiffEntry> diff) {
  CaseResult r;
  r.spec = c;
  r.predicted.emplace();
  r.predicted->rule = "copy_process.ok";
  r.verdict = diff.empty() ? Verdict::match : Verdict::mismatch;
  r.diff = std::move(diff);
  return r;
}

CatalogueCase big_case() {
  CatalogueCase c;
  c.id = "explore/1-17";
  c.suite = "explore";
  c.context = "unpriv";
  c.request = model::Request{model::Entry::clone3, VM | FS | FILES | SIGHAND | NEWUTS | IO | PIDFD, 33};
  c.request.tls = model::TlsArg::harness;
  c.request.clone3.size = 96;
  c.request.clone3.tail = model::TailArg::nonzero;
  c.request.clone3.set_tid = std::vector<model::TidSpec>{{model::TidSpec::Kind::free, 0}};
  return c;
}

const Space kSpace = whole_space(32768);

TEST(Shrinker, ShrinksToTheOneFlagThatMatters) {
  std::size_t runs = 0;
  const RunCase run = [&](const CatalogueCase& c) {
    ++runs;
    if (c.request.flags & FILES) return result(c, {{"share.files", "true", "false"}});
    return result(c, {});
  };
  const CatalogueCase start = big_case();
  const std::string key = shrink_key(run(start));
  EXPECT_EQ(key, "share.files -> false");
  const ShrinkResult s = shrink(start, key, run, kSpace, ShrinkOptions{});
  ASSERT_EQ(s.status, ShrinkResult::Status::shrunk);
  EXPECT_EQ(s.reproduced, 3u);
  EXPECT_EQ(s.minimal_reproduced, 3u);
  EXPECT_EQ(harness::catalogue_line(s.minimal), "case explore/1-17 clone3 CLONE_FILES");
  EXPECT_GT(s.steps, 5u);
  EXPECT_EQ(s.runs + 1, runs);
}

TEST(Shrinker, KeepsTheSameDivergenceNotAnother) {
  // FILES alone shows one difference, FILES with FS another: the second is the
  // one being shrunk, so FS must stay.
  const RunCase run = [](const CatalogueCase& c) {
    if ((c.request.flags & FILES) && (c.request.flags & FS))
      return result(c, {{"share.fs", "true", "false"}, {"share.files", "true", "false"}});
    if (c.request.flags & FILES) return result(c, {{"share.files", "true", "false"}});
    return result(c, {});
  };
  const CatalogueCase start = big_case();
  const ShrinkResult s = shrink(start, shrink_key(run(start)), run, kSpace, ShrinkOptions{});
  ASSERT_EQ(s.status, ShrinkResult::Status::shrunk);
  EXPECT_EQ(s.minimal.request.flags, FS | FILES);
}

TEST(Shrinker, AFlakyDivergenceIsNotShrunk) {
  int n = 0;
  const RunCase run = [&](const CatalogueCase& c) {
    return ++n % 2 == 0 ? result(c, {{"share.vm", "true", "false"}}) : result(c, {});
  };
  const CatalogueCase start = big_case();
  const ShrinkResult s = shrink(start, "share.vm -> false", run, kSpace, ShrinkOptions{});
  EXPECT_EQ(s.status, ShrinkResult::Status::flaky);
  EXPECT_LT(s.reproduced, 3u);
  EXPECT_EQ(s.runs, 3u);
  EXPECT_EQ(harness::catalogue_line(s.minimal), harness::catalogue_line(start));
}

TEST(Shrinker, AMinimalCaseThatDoesNotHoldKeepsTheOriginal) {
  // A case without flags diverges on its first two runs only: enough to be
  // taken while shrinking, not enough for the final check.
  std::map<std::string, int> runs_of;
  const RunCase run = [&](const CatalogueCase& c) {
    const int n = ++runs_of[harness::catalogue_line(c)];
    if (c.request.flags == 0 && n > 2) return result(c, {});
    return result(c, {{"share.vm", "true", "false"}});
  };
  const CatalogueCase start = big_case();
  const ShrinkResult s = shrink(start, "share.vm -> false", run, kSpace, ShrinkOptions{});
  EXPECT_EQ(s.status, ShrinkResult::Status::minimal_flaky);
  EXPECT_LT(s.minimal_reproduced, 3u);
  EXPECT_EQ(harness::catalogue_line(s.minimal), harness::catalogue_line(start));
}

TEST(Shrinker, StopsWhenTheRunsRunOut) {
  const RunCase run = [](const CatalogueCase& c) { return result(c, {{"share.vm", "true", "false"}}); };
  ShrinkOptions o;
  o.max_runs = 10;
  const ShrinkResult s = shrink(big_case(), "share.vm -> false", run, kSpace, o);
  EXPECT_TRUE(s.out_of_runs);
  // The second run of a candidate may go one over; the final check adds its own.
  EXPECT_LE(s.runs, o.max_runs + 1 + o.confirm_runs);
}

model::Kernel linux_6_18() {
  model::Kernel k;
  k.version = {6, 18, 0};
  k.release = "6.18.0";
  return k;
}

TEST(Explorer, GroupsDivergencesShrinksNewOnesAndListsKnownOnes) {
  GeneratorOptions go;
  go.seed = 5;
  go.kernel = linux_6_18();
  go.space = whole_space(32768);
  // Presets only: this is about shrinking a flag, and the seed's draws predate changed contexts.
  go.space.draw_changes = false;
  Generator g(go);
  // A made-up kernel: CLONE_FILES is never shared; CLONE_IO is a known divergence.
  const RunCase run = [](const CatalogueCase& c) {
    CaseResult r = result(c, {});
    auto p = model::predict(c.request, *model::caller_preset(c.context), linux_6_18());
    r.predicted = *p;
    if (p->outcome.ok() && (p->call.flags & FILES)) r.diff.push_back({"share.files", "true", "false"});
    if (p->outcome.ok() && (p->call.flags & IO)) r.diff.push_back({"share.io", "true", "false"});
    r.verdict = r.diff.empty() ? Verdict::match : Verdict::mismatch;
    return r;
  };
  ExploreOptions o;
  o.cases = 400;
  o.known = {"copy_process.ok | share.io: true -> false"};
  const ExploreResult r = explore(g, run, o);
  EXPECT_EQ(r.cases, 400u);
  ASSERT_GE(r.findings.size(), 2u);
  bool shrunk_files = false, listed_io = false;
  for (const Finding& f : r.findings) {
    EXPECT_GT(f.cases, 0u);
    if (f.signature == "copy_process.ok | share.files: true -> false") {
      ASSERT_TRUE(f.shrunk);
      EXPECT_EQ(f.shrunk->status, ShrinkResult::Status::shrunk);
      EXPECT_EQ(f.shrunk->minimal.request.flags, FILES) << harness::catalogue_line(f.shrunk->minimal);
      EXPECT_EQ(f.shrunk->minimal.context, "root");
      shrunk_files = true;
    }
    if (f.signature == "copy_process.ok | share.io: true -> false") {
      EXPECT_TRUE(f.known);
      EXPECT_FALSE(f.shrunk);
      listed_io = true;
    }
  }
  EXPECT_TRUE(shrunk_files);
  EXPECT_TRUE(listed_io);
}

// Two known divergences met in one case are known too: each field has a
// witness of its own. One known and one new are new.
TEST(Explorer, KnownDivergencesMetTogetherAreKnownANewOneAmongThemIsNot) {
  const auto run_with = [](std::set<std::string> known) {
    GeneratorOptions go;
    go.seed = 5;
    go.kernel = linux_6_18();
    go.space = whole_space(32768);
    Generator g(go);
    const RunCase run = [](const CatalogueCase& c) {
      CaseResult r = result(c, {});
      auto p = model::predict(c.request, *model::caller_preset(c.context), linux_6_18());
      r.predicted = *p;
      if (p->outcome.ok() && (p->call.flags & FILES)) r.diff.push_back({"share.files", "true", "false"});
      if (p->outcome.ok() && (p->call.flags & IO)) r.diff.push_back({"share.io", "true", "false"});
      r.verdict = r.diff.empty() ? Verdict::match : Verdict::mismatch;
      return r;
    };
    ExploreOptions o;
    o.cases = 400;
    o.known = std::move(known);
    return explore(g, run, o);
  };
  const std::string files = "copy_process.ok | share.files: true -> false";
  const std::string io = "copy_process.ok | share.io: true -> false";
  const std::string both = "copy_process.ok | share.files: true -> false; share.io: true -> false";
  const ExploreResult all_known = run_with({files, io});
  bool saw_both = false;
  for (const Finding& f : all_known.findings) {
    EXPECT_TRUE(f.known || f.known_parts) << f.signature;
    if (f.signature == both) saw_both = f.known_parts && !f.shrunk;
  }
  EXPECT_TRUE(saw_both) << "a case sharing files and io diverged on both";
  const ExploreResult io_known = run_with({io});
  for (const Finding& f : io_known.findings)
    if (f.signature == both) {
      EXPECT_FALSE(f.known_parts);
    }
}

// An emulator without clone3: every clone3 call is ENOSYS, whatever rule the
// model says refuses it. The baseline shows the plainest of them; each other
// class shrinks to that plain case and is known as it, not new.
TEST(Explorer, ANewClassWhoseMinimalCaseTheBaselineShowsIsKnown) {
  GeneratorOptions go;
  go.seed = 8;
  go.kernel = linux_6_18();
  go.space = whole_space(32768);
  Generator g(go);
  const RunCase run = [](const CatalogueCase& c) {
    CaseResult r = result(c, {});
    auto p = model::predict(c.request, *model::caller_preset(c.context), linux_6_18());
    r.predicted = *p;
    if (c.request.entry == model::Entry::clone3 && p->outcome.error != ENOSYS)
      r.diff.push_back({"result", p->outcome.ok() ? "ok" : model::errno_name(p->outcome.error), "ENOSYS"});
    r.verdict = r.diff.empty() ? Verdict::match : Verdict::mismatch;
    return r;
  };
  ExploreOptions o;
  o.cases = 300;
  o.max_shrunk = 100;
  o.known = {"copy_process.ok | result: ok -> ENOSYS"};
  const ExploreResult r = explore(g, run, o);
  ASSERT_GT(r.findings.size(), 3u);
  std::size_t known_as = 0;
  for (const Finding& f : r.findings) {
    EXPECT_TRUE(f.known || !f.known_as.empty()) << f.signature << ": " << f.not_shrunk;
    if (!f.known_as.empty()) {
      ++known_as;
      EXPECT_EQ(f.known_as, "copy_process.ok | result: ok -> ENOSYS");
      EXPECT_EQ(harness::catalogue_line(f.shrunk->minimal), "case " + f.first.spec.id + " clone3 0");
    }
  }
  EXPECT_GT(known_as, 2u);
}

}  // namespace
}  // namespace clonediff::explore
