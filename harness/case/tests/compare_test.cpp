#include "harness/case/compare.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstddef>
#include <optional>
#include <set>
#include <string>

namespace clonediff::harness {
namespace {

using model::Fact;
using model::Ns;
using model::Outcome;
using model::Resource;

Outcome created_child() {
  Outcome o;
  o.error = 0;
  o.share.fill(Fact::no);
  o.ns_new.fill(Fact::no);
  o.same_tgid = Fact::no;
  o.ppid_is_caller = Fact::yes;
  o.exit_signal = 17;
  return o;
}

TEST(Compare, EqualOutcomesHaveNoDiff) { EXPECT_TRUE(diff_outcomes(created_child(), created_child()).empty()); }

TEST(Compare, DifferentResultsAreTheWholeDiff) {
  Outcome refused;
  refused.error = EINVAL;
  auto d = diff_outcomes(refused, created_child());
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], (DiffEntry{"result", "EINVAL", "ok"}));
  Outcome eperm;
  eperm.error = EPERM;
  EXPECT_EQ(diff_outcomes(refused, eperm)[0], (DiffEntry{"result", "EINVAL", "EPERM"}));
  EXPECT_TRUE(diff_outcomes(refused, refused).empty());
}

TEST(Compare, EveryChildFieldIsCompared) {
  Outcome o = created_child();
  o[Resource::sysvsem] = Fact::yes;
  o[Ns::cgroup] = Fact::yes;
  o.same_tgid = Fact::yes;
  o.ppid_is_caller = Fact::no;
  o.exit_signal = -1;
  auto d = diff_outcomes(created_child(), o);
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(describe(d[0]), "share.sysvsem: predicted false, observed true");
  EXPECT_EQ(d[1].field, "ns_new.cgroup");
  EXPECT_EQ(d[2].field, "same_tgid");
  EXPECT_EQ(d[3].field, "ppid_is_caller");
  EXPECT_EQ(d[4], (DiffEntry{"exit_signal", "17", "-1"}));
}

// Every fact field, alone, both ways: one diff entry, named as the record names it.
TEST(Compare, EveryFactFieldIsComparedOnItsOwn) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < model::kFactFieldCount; ++i) {
    for (Fact predicted : {Fact::no, Fact::yes}) {
      Outcome p = created_child(), o = created_child();
      model::fact_field(p, i) = predicted;
      model::fact_field(o, i) = predicted == Fact::yes ? Fact::no : Fact::yes;
      const auto d = diff_outcomes(p, o);
      ASSERT_EQ(d.size(), 1u) << model::fact_field_name(i);
      EXPECT_EQ(d[0].field, model::fact_field_name(i));
      EXPECT_EQ(d[0].predicted, model::fact_name(predicted));
    }
    names.insert(model::fact_field_name(i));
  }
  EXPECT_EQ(names.size(), model::kFactFieldCount) << "two fields share a name";
  for (std::size_t t = 0; t < model::kTraitCount; ++t)
    EXPECT_TRUE(names.count(std::string(model::trait_name(model::trait_at(t))))) << "trait " << t << " is not compared";
}

TEST(Compare, EveryNumberFieldIsCompared) {
  for (model::NumberField f : model::kNumberFields) {
    Outcome p = created_child(), o = created_child();
    model::number_field(p, f) = 17;
    model::number_field(o, f) = 0;
    const auto d = diff_outcomes(p, o);
    ASSERT_EQ(d.size(), 1u) << model::number_field_name(f);
    EXPECT_EQ(d[0].field, model::number_field_name(f));
  }
  Outcome p = created_child(), o = created_child();
  p.parent_signal = 9;
  o.parent_signal = 19;
  EXPECT_EQ(diff_outcomes(p, o)[0], (DiffEntry{"parent_signal", "SIGKILL", "SIGSTOP"}));
}

// Outcome as it is when every one of its fields is in model::fact_field() or
// model::number_field(). A field added to Outcome changes its size or moves
// the last listed one: add the field to those lists (model/outcome.cpp), then
// update the numbers here.
TEST(Compare, OutcomeHasNoFieldTheComparisonMisses) {
  EXPECT_EQ(sizeof(Outcome), 112u) << "Outcome has a field the comparison does not list";
  EXPECT_EQ(offsetof(Outcome, parent_signal) + sizeof(Outcome::parent_signal), sizeof(Outcome))
      << "Outcome has a field after parent_signal the comparison does not list";
  EXPECT_EQ(offsetof(Outcome, traits), 40u) << "Outcome has a field before its traits the comparison does not list";
  EXPECT_EQ(model::kFactFieldCount, 72u) << "a new shared resource, namespace or trait: update this test";
}

TEST(Compare, UnknownNeverDiffersButConflictAlwaysDoes) {
  Outcome o = created_child();
  o[Resource::vm] = Fact::unknown;
  o[Ns::time] = Fact::unknown;
  o.exit_signal.reset();
  EXPECT_TRUE(diff_outcomes(created_child(), o).empty());
  o[Resource::files] = Fact::conflict;
  auto d = diff_outcomes(created_child(), o);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], (DiffEntry{"share.files", "false", "conflict"}));
}

// A case's after= scenario asked for its traits: predicted, an unknown
// observation (the look could not be made) differs, and only there.
TEST(Compare, AnAskedForScenarioTraitMustBeObserved) {
  Outcome predicted = created_child();
  predicted[model::Trait::pidfd_readable_leader_gone] = Fact::no;
  predicted[model::Trait::pid_not_reused_at_once] = Fact::yes;
  predicted[model::Trait::umask_copied] = Fact::yes;  // not a scenario's
  Outcome observed = created_child();
  observed[model::Trait::pid_not_reused_at_once] = Fact::yes;
  const auto d = diff_outcomes(predicted, observed);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], (DiffEntry{"pidfd_readable_leader_gone", "false", "unknown"}));
  // Not predicted (another scenario, or none): nothing to observe.
  EXPECT_TRUE(diff_outcomes(created_child(), observed).empty());
  EXPECT_TRUE(model::scenario_trait(model::Trait::pidfd_readable_group_gone));
  EXPECT_FALSE(model::scenario_trait(model::Trait::pidfd_readable_at_exit));
}

}  // namespace
}  // namespace clonediff::harness
