#include "harness/compare.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace clonediff::harness {
namespace {

using model::Fact;
using model::Ns;
using model::Outcome;
using model::Resource;

Outcome child() {
  Outcome o;
  o.error = 0;
  o.share.fill(Fact::no);
  o.ns_new.fill(Fact::no);
  o.same_tgid = Fact::no;
  o.ppid_is_caller = Fact::yes;
  o.exit_signal = 17;
  return o;
}

TEST(Compare, EqualOutcomesHaveNoDiff) { EXPECT_TRUE(diff_outcomes(child(), child()).empty()); }

TEST(Compare, DifferentResultsAreTheWholeDiff) {
  Outcome refused;
  refused.error = EINVAL;
  auto d = diff_outcomes(refused, child());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], (DiffEntry{"result", "EINVAL", "ok"}));
  Outcome eperm;
  eperm.error = EPERM;
  EXPECT_EQ(diff_outcomes(refused, eperm)[0], (DiffEntry{"result", "EINVAL", "EPERM"}));
  EXPECT_TRUE(diff_outcomes(refused, refused).empty());
}

TEST(Compare, EveryChildFieldIsCompared) {
  Outcome o = child();
  o[Resource::sysvsem] = Fact::yes;
  o[Ns::cgroup] = Fact::yes;
  o.same_tgid = Fact::yes;
  o.ppid_is_caller = Fact::no;
  o.exit_signal = -1;
  auto d = diff_outcomes(child(), o);
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(describe(d[0]), "share.sysvsem: predicted false, observed true");
  EXPECT_EQ(d[1].field, "ns_new.cgroup");
  EXPECT_EQ(d[2].field, "same_tgid");
  EXPECT_EQ(d[3].field, "ppid_is_caller");
  EXPECT_EQ(d[4], (DiffEntry{"exit_signal", "17", "-1"}));
}

TEST(Compare, UnknownNeverDiffersButConflictAlwaysDoes) {
  Outcome o = child();
  o[Resource::vm] = Fact::unknown;
  o[Ns::time] = Fact::unknown;
  o.exit_signal.reset();
  EXPECT_TRUE(diff_outcomes(child(), o).empty());
  o[Resource::files] = Fact::conflict;
  auto d = diff_outcomes(child(), o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], (DiffEntry{"share.files", "false", "conflict"}));
}

}  // namespace
}  // namespace clonediff::harness
