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

}  // namespace
}  // namespace clonediff::model
