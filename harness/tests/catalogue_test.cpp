#include "harness/catalogue.hpp"

#include <gtest/gtest.h>

#include <set>

#include "model/flags.hpp"

namespace clonediff::harness {
namespace {

using namespace model::flag;

TEST(Catalogue, ReadsCasesWithOptionsAndComments) {
  auto c = parse_catalogue(
      "# a comment\n"
      "case  legacy/one   clone  CLONE_VM|CLONE_FS  exit_signal=0   # trailing comment\n"
      "\n"
      "case  library/fork fork   -  context=unpriv\n",
      "t.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].id, "legacy/one");
  EXPECT_EQ((*c)[0].suite, "legacy");
  EXPECT_EQ((*c)[0].request.flags, VM | FS);
  EXPECT_EQ((*c)[0].request.exit_signal, 0u);
  EXPECT_EQ((*c)[0].context, "root");
  EXPECT_EQ((*c)[0].origin, "t.cases:2");
  EXPECT_EQ((*c)[1].request.entry, model::Entry::fork);
  EXPECT_EQ((*c)[1].request.exit_signal, model::kSigchld);
  EXPECT_EQ((*c)[1].context, "unpriv");
}

TEST(Catalogue, SweepMakesEveryCombinationOnce) {
  auto c = parse_catalogue("sweep s clone CLONE_VM,CLONE_FS,CLONE_NEWNS exit_signal=SIGCHLD\n", "s.cases");
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->size(), 8u);
  std::set<std::uint64_t> seen;
  for (const auto& x : *c) seen.insert(x.request.flags);
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(c->front().id, "s/0");
  EXPECT_EQ(c->back().id, "s/CLONE_VM|CLONE_FS|CLONE_NEWNS");
}

TEST(Catalogue, ErrorsNameTheFileAndLine) {
  const auto error_of = [](const char* text) {
    auto c = parse_catalogue(text, "bad.cases");
    return c.ok() ? std::string("(parsed)") : c.error().message;
  };
  EXPECT_EQ(error_of("\ncase x clone CLONE_BOGUS\n"), "bad.cases:2: unknown flag 'CLONE_BOGUS'");
  EXPECT_EQ(error_of("kase x clone 0\n"), "bad.cases:1: expected 'case' or 'sweep', found 'kase'");
  EXPECT_NE(error_of("case x clone\n").find("bad.cases:1: expected: case <id>"), std::string::npos);
  EXPECT_NE(error_of("case x spawn 0\n").find("unknown entry 'spawn'"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0 exit_signal=SIGNOPE\n").find("bad exit_signal"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0 colour=red\n").find("unknown option 'colour'"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0\ncase x clone 0\n").find("bad.cases:2: duplicate id 'x'"), std::string::npos);
  EXPECT_NE(error_of("case x clone 0 exit_signal=256\n").find("does not fit"), std::string::npos);
  EXPECT_NE(error_of("case x fork CLONE_VM\n").find("takes no flags"), std::string::npos);
  EXPECT_NE(error_of("sweep s clone CLONE_VM|CLONE_FS\n").find("single flags"), std::string::npos);
}

TEST(Catalogue, BuiltinHasTheFullSweepAndTheTargetedCases) {
  auto c = builtin_catalogue();
  ASSERT_TRUE(c.ok()) << c.error().message;
  std::size_t sweep = 0;
  std::set<std::string> ids;
  for (const auto& x : *c) {
    sweep += x.suite == "sweep";
    ids.insert(x.id);
  }
  EXPECT_EQ(sweep, 4096u);
  EXPECT_EQ(ids.size(), c->size());
  for (const char* id : {"legacy/exit-signal-0", "legacy/exit-signal-65", "legacy/exit-signal-255", "legacy/detached",
                         "legacy/bit-32", "legacy/bit-40", "legacy/bit-63", "legacy/pidfd", "legacy/pidfd-parent-settid",
                         "legacy/pidfd-detached", "legacy/pidfd-thread", "legacy/newuts", "legacy/newnet",
                         "legacy/newcgroup", "legacy/io", "legacy/untraced", "legacy/thread-newuts", "library/fork",
                         "library/vfork", "sweep/0", "sweep/CLONE_VM|CLONE_FS"})
    EXPECT_TRUE(ids.count(id)) << id;
}

TEST(Catalogue, MergeRefusesDuplicateIds) {
  auto a = parse_catalogue("case x clone 0\n", "a.cases");
  auto b = parse_catalogue("case x clone CLONE_VM\n", "b.cases");
  ASSERT_TRUE(a.ok() && b.ok());
  auto all = std::move(a).value();
  auto st = merge_catalogue(all, std::move(b).value());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("b.cases:1"), std::string::npos);
}

}  // namespace
}  // namespace clonediff::harness
