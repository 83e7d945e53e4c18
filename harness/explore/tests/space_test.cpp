#include "harness/explore/space.hpp"

#include <gtest/gtest.h>

#include <set>

#include "harness/case/catalogue.hpp"
#include "harness/case/catalogue_line.hpp"
#include "model/flags.hpp"

namespace clonediff::explore {
namespace {

using harness::CatalogueCase;

// The id a catalogue file gives the case: [CONTEXT/]SUITE/NAME.
bool same_case(const CatalogueCase& parsed, const CatalogueCase& c) {
  return parsed.request == c.request && parsed.context == c.context && parsed.clone3_enosys == c.clone3_enosys &&
         parsed.id == harness::canonical_id(c.id, c.context);
}

// A line that parse_catalogue() reads back to the very case, or why not.
::testing::AssertionResult round_trips(CatalogueCase c) {
  if (c.id.empty()) c.id = "explore/t-1";
  c.suite = "explore";
  const std::string line = harness::catalogue_line(c, "found by a test: rule | share.vm: true -> false");
  auto parsed = harness::parse_catalogue(line, "line");
  if (!parsed) return ::testing::AssertionFailure() << line << "\n  does not parse: " << parsed.error().message;
  if (parsed->size() != 1) return ::testing::AssertionFailure() << line << "\n  gives " << parsed->size() << " cases";
  if (!same_case(parsed->front(), c))
    return ::testing::AssertionFailure() << line << "\n  parses to another case: " << parsed->front().id << " in "
                                         << parsed->front().context << ", not " << c.id << " in " << c.context;
  return ::testing::AssertionSuccess();
}

TEST(Space, RandomCasesAreValidAndTheirLinesParseBackToThem) {
  const Space space = whole_space(32768);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Rng rng(seed);
    for (int i = 0; i < 3000; ++i) {
      const CatalogueCase c = random_case(rng, space);
      ASSERT_TRUE(model::validate(c.request)) << harness::catalogue_line(c);
      ASSERT_TRUE(round_trips(c));
    }
  }
}

TEST(Space, NeighboursAndSimplerCasesParseBackToo) {
  const Space space = whole_space(32768);
  Rng rng(7);
  for (int i = 0; i < 200; ++i) {
    const CatalogueCase c = random_case(rng, space);
    for (const CatalogueCase& n : neighbours(c, space)) ASSERT_TRUE(round_trips(n));
    for (const CatalogueCase& n : simpler(c, space)) ASSERT_TRUE(round_trips(n));
  }
}

TEST(Space, CatalogueLineWritesOnlyWhatIsNotTheDefault) {
  CatalogueCase c;
  c.id = "explore/1-2";
  c.context = "root";
  c.request = model::Request{model::Entry::clone, model::flag::VM | model::flag::VFORK, model::kSigchld};
  EXPECT_EQ(harness::catalogue_line(c), "case explore/1-2 clone CLONE_VM|CLONE_VFORK");
  c.request.entry = model::Entry::clone3;
  c.request.exit_signal = 0;
  c.context = "unpriv";
  c.request.clone3.size = 96;
  c.request.clone3.tail = model::TailArg::nonzero;
  c.request.clone3.set_tid = std::vector<model::TidSpec>{{model::TidSpec::Kind::free, 0}, {model::TidSpec::Kind::number, 1}};
  EXPECT_EQ(harness::catalogue_line(c, "why"),
            "case explore/1-2 clone3 CLONE_VM|CLONE_VFORK exit_signal=0 context=unpriv size=96 set_tid=free,1 "
            "tail=nonzero  # why");
  CatalogueCase lib;
  lib.id = "explore/1-3";
  lib.context = "root";
  lib.request = model::Request{model::Entry::posix_spawn, 0, model::kSigchld};
  lib.clone3_enosys = true;
  EXPECT_EQ(harness::catalogue_line(lib), "case explore/1-3 posix_spawn - clone3=enosys");
}

TEST(Space, DrawsFromTheWholeSpace) {
  const Space space = whole_space(32768);
  Rng rng(11);
  std::set<std::string> contexts;
  std::size_t changed = 0;
  std::set<model::Entry> entries;
  std::uint64_t legacy_bits = 0, clone3_bits = 0;
  std::set<std::uint64_t> sizes;
  std::set<model::StackArg> stacks;
  std::set<model::TlsArg> tls;
  std::set<model::CgroupArg> cgroups;
  std::set<model::TidSpec::Kind> tid_kinds;
  bool tail = false, alias = false, enosys = false, long_set_tid = false, explicit_size = false;
  std::set<std::uint64_t> legacy_signals, clone3_signals;
  for (int i = 0; i < 40000; ++i) {
    const CatalogueCase c = random_case(rng, space);
    const model::Request& r = c.request;
    contexts.insert(c.context.substr(0, c.context.find('+')));  // a changed context's preset
    changed += c.context.find('+') != std::string::npos;
    entries.insert(r.entry);
    enosys = enosys || c.clone3_enosys;
    if (r.entry == model::Entry::clone) {
      legacy_bits |= r.flags;
      legacy_signals.insert(r.exit_signal);
    }
    if (r.entry != model::Entry::clone3) continue;
    clone3_bits |= r.flags;
    clone3_signals.insert(r.exit_signal);
    sizes.insert(r.clone3.size);
    stacks.insert(r.stack);
    tls.insert(r.tls);
    cgroups.insert(r.clone3.cgroup);
    tail = tail || r.clone3.tail == model::TailArg::nonzero;
    alias = alias || r.clone3.pidfd_is_parent_tid;
    explicit_size = explicit_size || r.clone3.set_tid_size.has_value();
    if (r.clone3.set_tid) {
      long_set_tid = long_set_tid || r.clone3.set_tid->size() > 32;
      for (const model::TidSpec& t : *r.clone3.set_tid) tid_kinds.insert(t.kind);
    }
  }
  EXPECT_EQ(contexts.size(), space.contexts.size());
  EXPECT_GT(changed, 0u) << "changed contexts";
  EXPECT_EQ(entries.size(), 7u);
  EXPECT_EQ(legacy_bits & 0xffffff00ULL, 0xffffff00ULL) << "every named legacy bit";
  EXPECT_NE(legacy_bits >> 32, 0u) << "bits sys_clone drops";
  EXPECT_EQ(clone3_bits & 0x3ffffff80ULL, 0x3ffffff80ULL) << "every named clone3 bit";
  EXPECT_NE(clone3_bits & 0x7f, 0u) << "CSIGNAL bits";
  EXPECT_NE(clone3_bits >> 34, 0u) << "bits no kernel defines";
  EXPECT_EQ(legacy_signals.size(), 256u) << "every legacy exit signal";
  EXPECT_TRUE(clone3_signals.count(65) && clone3_signals.count(0x100000011ULL)) << "invalid clone3 exit signals";
  EXPECT_TRUE(sizes.count(63) && sizes.count(64) && sizes.count(80) && sizes.count(4097) && sizes.count(96));
  EXPECT_EQ(stacks.size(), 5u);
  EXPECT_EQ(tls.size(), 3u);
  EXPECT_EQ(cgroups.size(), 5u);
  EXPECT_EQ(tid_kinds.size(), 3u);
  EXPECT_TRUE(tail && alias && enosys && long_set_tid && explicit_size);
}

TEST(Space, SimplerCasesAreSimplerSoShrinkingStops) {
  const Space space = whole_space(32768);
  Rng rng(5);
  for (int i = 0; i < 300; ++i) {
    CatalogueCase c = random_case(rng, space);
    // Always taking the first simpler case must reach a case with none left.
    for (int steps = 0;; ++steps) {
      ASSERT_LT(steps, 400) << "simpler() does not come to an end";
      const auto next = simpler(c, space);
      for (const CatalogueCase& n : next) ASSERT_LT(complexity(n, space), complexity(c, space));
      if (next.empty()) break;
      c = next.front();
    }
    // The end of the chain is the plainest case of its entry.
    EXPECT_EQ(c.request.flags, 0u);
    EXPECT_EQ(c.context, "root");
    EXPECT_EQ(c.request.clone3, model::Clone3Args{});
  }
}

}  // namespace
}  // namespace clonediff::explore
