#include "model/context_changes.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "model/flags.hpp"
#include "model/predict.hpp"

namespace clonediff::model {
namespace {

ContextSpec spec_of(std::string_view name) {
  auto s = parse_context_name(name);
  EXPECT_TRUE(s.ok()) << name << ": " << (s ? "" : s.error().message);
  return s ? *s : ContextSpec{};
}

TEST(ContextChanges, CapNamesAreTheKernels) {
  EXPECT_EQ(cap_name(21), "CAP_SYS_ADMIN");
  EXPECT_EQ(cap_name(40), "CAP_CHECKPOINT_RESTORE");
  EXPECT_EQ(parse_cap_name("CAP_SYS_RESOURCE"), 24);
  EXPECT_FALSE(parse_cap_name("CAP_SYS_ADMINN"));
  EXPECT_FALSE(parse_cap_name("sys_admin"));
  EXPECT_TRUE(cap_name(41).empty());
}

TEST(ContextChanges, NamesAreCanonicalAndComeBack) {
  ContextSpec s;
  s.preset = "unpriv";
  drop_cap(s.changes, 24, kEffective);
  drop_cap(s.changes, 21, kEffective | kPermitted | kBounding);
  drop_cap(s.changes, 40, kPermitted);  // takes effective along
  drop_cap(s.changes, 0, kBounding);
  drop_cap(s.changes, 5, kEffective);
  drop_cap(s.changes, 5, kBounding);
  s.changes.fd_table_full = true;
  s.changes.userns_unmapped = true;
  const std::string name = context_name(s);
  EXPECT_EQ(name,
            "unpriv+drop.sys_admin+drop_permitted.checkpoint_restore+drop_effective.kill.sys_resource"
            "+drop_bounding.chown.kill+userns_unmapped+fd_table_full");
  EXPECT_EQ(spec_of(name), s);
  // Another order of the same changes names the same context.
  EXPECT_EQ(context_name(spec_of("unpriv+fd_table_full+drop_bounding.kill.chown+userns_unmapped+drop_effective."
                                 "sys_resource.kill+drop_permitted.checkpoint_restore+drop.sys_admin")),
            name);
  EXPECT_EQ(context_name(spec_of("root")), "root");
  // Dropped from every set one key at a time is `drop`.
  EXPECT_EQ(context_name(spec_of("root+drop_permitted.sys_admin+drop_bounding.sys_admin")), "root+drop.sys_admin");
}

TEST(ContextChanges, BadNamesAreRefusedWithTheReason) {
  EXPECT_FALSE(parse_context_name("nobody+fd_table_full").ok());
  EXPECT_EQ(parse_context_name("root+drop.sys_adm").error().message,
            "context 'root+drop.sys_adm': unknown capability 'sys_adm'");
  EXPECT_FALSE(parse_context_name("root+drop.SYS_ADMIN").ok());
  EXPECT_FALSE(parse_context_name("root+drop").ok());
  EXPECT_FALSE(parse_context_name("root+fd_table_full.x").ok());
  EXPECT_FALSE(parse_context_name("root+").ok());
  EXPECT_FALSE(caller_preset("root+nothing").ok());
  // Deeper than user namespaces go.
  EXPECT_FALSE(caller_preset("userns_depth+userns_unmapped").ok());
}

// What each change makes of the facts the rules consult.
TEST(ContextChanges, OnlyTheEffectiveSetCounts) {
  const Caller root = *caller_preset("root");
  Caller eff = *caller_preset("root+drop_effective.sys_admin");
  EXPECT_EQ(eff.preset, "root+drop_effective.sys_admin");
  EXPECT_FALSE(eff.cap_sys_admin);
  EXPECT_FALSE(eff.cap_sys_admin_init);
  EXPECT_TRUE(eff.cap_sys_resource);
  Caller bounding = *caller_preset("root+drop_bounding.sys_admin.sys_resource.checkpoint_restore");
  bounding.preset = "root";
  EXPECT_EQ(bounding, root);
  const Caller all = *caller_preset("root+drop.sys_resource.checkpoint_restore");
  EXPECT_TRUE(all.cap_sys_admin);
  EXPECT_FALSE(all.cap_sys_resource);
  EXPECT_FALSE(all.cap_checkpoint_restore);
}

TEST(ContextChanges, AnUnmappedUserNamespaceIsCapableInsideOnly) {
  const Caller u = *caller_preset("root+userns_unmapped");
  EXPECT_TRUE(u.userns_unmapped);
  EXPECT_FALSE(u.in_initial_userns);
  EXPECT_EQ(u.userns_level, 1);
  EXPECT_TRUE(u.cap_sys_admin);
  EXPECT_FALSE(u.cap_sys_admin_init);
  EXPECT_FALSE(u.userns_owns_pidns);
  // The drops come after the namespace: they apply inside it.
  EXPECT_FALSE(caller_preset("unpriv+drop_effective.sys_admin+userns_unmapped")->cap_sys_admin);
  EXPECT_EQ(caller_preset("userns_root+userns_unmapped")->userns_level, 2);
}

Prediction predict_in(std::string_view context, Entry entry, std::uint64_t flags) {
  Kernel k;
  k.version = {6, 12, 0};
  auto p = predict(Request{entry, flags, entry == Entry::clone3 ? 0 : kSigchld}, *caller_preset(context), k);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p ? std::move(p).value() : Prediction{};
}

TEST(ContextChanges, ThePredictionsFollowTheFacts) {
  using namespace flag;
  // Permitted but not effective: no CAP_SYS_ADMIN for a new namespace...
  EXPECT_EQ(predict_in("root+drop_effective.sys_admin", Entry::clone, NEWNS).rule, "copy_namespaces.cap_sys_admin");
  // ... but a new user namespace gives every capability back.
  EXPECT_EQ(predict_in("root+drop_effective.sys_admin", Entry::clone, NEWUSER | NEWNS).rule, kSuccessRuleId);
  // The bounding set is not consulted.
  EXPECT_EQ(predict_in("root+drop_bounding.sys_admin", Entry::clone, NEWNS).rule, kSuccessRuleId);
  // An unmapped creator cannot make a user namespace; other namespaces it may.
  EXPECT_EQ(predict_in("root+userns_unmapped", Entry::clone, NEWUSER).rule, "create_user_ns.creator_unmapped");
  EXPECT_EQ(predict_in("root+userns_unmapped", Entry::clone, NEWUSER).outcome.error, EPERM);
  EXPECT_EQ(predict_in("root+userns_unmapped", Entry::clone, NEWNS).rule, kSuccessRuleId);
  // The pidfd needs a descriptor; without CLONE_PIDFD none is taken.
  EXPECT_EQ(predict_in("root+fd_table_full", Entry::clone, PIDFD).rule, "copy_process.pidfd_emfile");
  EXPECT_EQ(predict_in("root+fd_table_full", Entry::clone3, PIDFD).outcome.error, EMFILE);
  EXPECT_EQ(predict_in("root+fd_table_full", Entry::clone, 0).rule, kSuccessRuleId);
  // Composed: the rules come in the kernel's order.
  EXPECT_EQ(predict_in("unpriv+fd_table_full", Entry::clone, PIDFD | NEWNS).rule, "copy_namespaces.cap_sys_admin");
  EXPECT_EQ(predict_in("userns_root+drop_effective.sys_admin+fd_table_full", Entry::clone, PIDFD).rule,
            "copy_process.pidfd_emfile");
}

}  // namespace
}  // namespace clonediff::model
