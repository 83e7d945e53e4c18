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

// The rules add to the nesting levels; a value past what the kernel can give
// would overflow there (UBSan found pidns_level = 2^63-1 doing so).
TEST(Caller, FactsOutsideTheirKernelRangeAreRefused) {
  Caller c = *caller_preset("root");
  const auto refused = set_caller_fact(c, "pidns_level", 9223372036854775807LL);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "context fact 'pidns_level' is from 0 to 32, not 9223372036854775807");
  EXPECT_FALSE(set_caller_fact(c, "pidns_level", -1).ok());
  EXPECT_TRUE(set_caller_fact(c, "pidns_level", 32).ok());
  EXPECT_FALSE(set_caller_fact(c, "userns_level", 34).ok());
  EXPECT_TRUE(set_caller_fact(c, "userns_level", 33).ok());
  EXPECT_FALSE(set_caller_fact(c, "uid", -1).ok());
  EXPECT_FALSE(set_caller_fact(c, "uid", 4294967295LL).ok());
  EXPECT_FALSE(set_caller_fact(c, "leader_exit_signal", 256).ok());
  EXPECT_TRUE(set_caller_fact(c, "signals_blocked", -1).ok());  // a signal set takes all 64 bits
  for (const CallerFact& f : caller_facts()) {
    EXPECT_LE(f.min, f.max) << f.name;
    // Every preset's facts lie in their ranges.
    for (std::string_view name : caller_preset_names()) {
      const long long v = f.get(*caller_preset(name));
      EXPECT_TRUE(v >= f.min && v <= f.max) << name << "." << f.name << " = " << v;
    }
  }
}

}  // namespace
}  // namespace clonediff::model
