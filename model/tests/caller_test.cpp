#include "model/caller.hpp"

#include <gtest/gtest.h>

namespace clonediff::model {
namespace {

TEST(Caller, PresetsDifferWhereTheyShould) {
  auto root = caller_preset("root");
  auto unpriv = caller_preset("unpriv");
  auto init = caller_preset("pidns_init");
  ASSERT_TRUE(root.ok() && unpriv.ok() && init.ok());
  EXPECT_TRUE(root->cap_sys_admin);
  EXPECT_FALSE(unpriv->cap_sys_admin);
  EXPECT_EQ(unpriv->uid, 65534);
  EXPECT_TRUE(init->pidns_init);
  EXPECT_FALSE(root->pidns_init);
  EXPECT_FALSE(caller_preset("nobody").ok());
}

TEST(Caller, FactsCanBeOverriddenByName) {
  Caller c = *caller_preset("root");
  ASSERT_TRUE(set_caller_fact(c, "leader_exit_signal", 0).ok());
  EXPECT_EQ(c.leader_exit_signal, 0);
  ASSERT_TRUE(set_caller_fact(c, "pidns_init", 1).ok());
  EXPECT_TRUE(c.pidns_init);
  EXPECT_FALSE(set_caller_fact(c, "pidns_init", 2).ok());
  EXPECT_FALSE(set_caller_fact(c, "no_such_fact", 1).ok());
  for (const CallerFact& f : caller_facts()) {
    Caller d;
    f.set(d, 1);
    EXPECT_EQ(f.get(d), 1) << f.name;
  }
}

// The table of contexts: each says what it builds, and its facts are a root
// caller's but for those it names.
TEST(Caller, EveryContextIsARootCallerButForTheFactsItNames) {
  const Caller root = *caller_preset("root");
  ASSERT_EQ(caller_preset_names().size(), caller_contexts().size());
  for (std::size_t i = 0; i < caller_contexts().size(); ++i) {
    const CallerContext& context = caller_contexts()[i];
    EXPECT_EQ(caller_preset_names()[i], context.name);
    EXPECT_FALSE(context.builds.empty()) << context.name;
    auto c = caller_preset(context.name);
    ASSERT_TRUE(c.ok()) << context.name;
    EXPECT_EQ(c->preset, context.name);
    for (const CallerFact& f : caller_facts()) {
      const FactValue* named = nullptr;
      for (const FactValue& v : context.facts)
        if (v.fact == f.name) named = &v;
      EXPECT_EQ(f.get(*c), named ? named->value : f.get(root)) << context.name << ": " << f.name;
    }
  }
  EXPECT_EQ(caller_preset("nproc_limit")->uid, caller_preset("nproc_limit_cap_sys_admin")->uid);
}

TEST(Caller, ThereIsRoomForEveryFactOnTheWire) { EXPECT_LE(caller_facts().size(), kMostCallerFacts); }

}  // namespace
}  // namespace clonediff::model
