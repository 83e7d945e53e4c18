// The model's kernel history from 4.19: each versioned fact is pinned by a
// request predicted on the release before its bound and on the release that
// made it, and every bound cites its kernel change.
#include <gtest/gtest.h>

#include <cerrno>
#include <regex>
#include <set>

#include "model/explain.hpp"
#include "model/flags.hpp"
#include "model/history.hpp"
#include "model/predict.hpp"
#include "model/success.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

Kernel on(std::string_view spec) {
  auto k = parse_kernel_spec(spec);
  EXPECT_TRUE(k.ok()) << spec << ": " << (k.ok() ? "" : k.error().message);
  return k.ok() ? *k : Kernel{};
}

Caller caller(std::string_view preset, std::initializer_list<std::pair<std::string_view, long long>> facts = {}) {
  Caller c = *caller_preset(preset);
  for (const auto& [name, value] : facts) EXPECT_TRUE(set_caller_fact(c, name, value).ok()) << name;
  return c;
}

Prediction predict_on(std::string_view spec, const Request& r, const Caller& c = *caller_preset("root")) {
  auto p = predict(r, c, on(spec));
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : Prediction{};
}

Request clone3(std::uint64_t flags = 0, std::uint64_t sig = kSigchld) { return Request{Entry::clone3, flags, sig}; }

// Every citation names a commit (12 hex digits) and a release, or says
// plainly that its id was not verified.
void expect_cited(std::string_view cite, const std::string& what) {
  static const std::regex commit("[0-9a-f]{12} \"[^\"]+\" \\(v[0-9]+\\.[0-9]+");
  static const std::regex unverified("\"[^\"]+\" \\(v[0-9]+\\.[0-9]+.*commit id not verified here");
  const std::string text(cite);
  EXPECT_TRUE(std::regex_search(text, commit) || std::regex_search(text, unverified)) << what << ": '" << text << "'";
}

TEST(KernelHistory, EveryBoundCitesACommitAndARelease) {
  const auto bounds = [](const VersionRange& v, const std::string& id) {
    if (v.since != KernelVersion{0, 0, 0}) expect_cited(v.introduced, id + " since " + v.since.str());
    if (v.until) expect_cited(v.change, id + " until " + v.until->str());
  };
  for (const Rule& r : refusal_rules()) bounds(r.versions, std::string(r.id));
  for (const SuccessRow& r : success_rows()) bounds(r.versions, std::string(r.id));
  for (const CloneArgsSize& s : clone_args_sizes()) bounds(s.versions, std::to_string(s.size));
  bounds(kLegacyCloneLower32Bits, "sys_clone lower_32_bits");
  for (const FlagInfo& f : flag_table())
    if (f.since != KernelVersion{0, 0, 0}) expect_cited(f.introduced, std::string(f.name));
  for (const Change& c : kernel_history()) expect_cited(c.cite, c.id);
}

TEST(KernelHistory, TheTableIsInReleaseOrderWithinTheModelledRange) {
  const std::vector<Change> h = kernel_history();
  ASSERT_GE(h.size(), 20u);
  for (std::size_t i = 1; i < h.size(); ++i) EXPECT_LE(h[i - 1].release, h[i].release) << h[i].id;
  for (const Change& c : h) {
    EXPECT_GE(c.release, modelled_range().oldest) << c.id;
    EXPECT_LE(c.release, modelled_range().newest) << c.id;
  }
  const std::string text = history_text();
  const auto v5_3 = text.find("\n5.3\n");
  ASSERT_NE(v5_3, std::string::npos) << text;
  EXPECT_LT(v5_3, text.find("+ rule clone3.size_above_page")) << text;
  EXPECT_LT(text.find("+ rule clone3.size_above_page"), text.find("\n5.4\n")) << text;
  EXPECT_NE(text.find("- rule clone3.no_syscall"), std::string::npos);
  EXPECT_NE(history_markdown().find("| 6.9 | − rule `copy_process.pidfd_thread` |"), std::string::npos)
      << history_markdown();
}

// Every bound, pinned: a change to any range shows here first, to be checked
// against the kernel's history before it is accepted.
TEST(KernelHistory, EveryBoundIsWhereTheKernelPutIt) {
  std::vector<std::string> got;
  for (const Change& c : kernel_history())
    got.push_back(std::to_string(c.release.major) + "." + std::to_string(c.release.minor) + " " +
                  (c.begins ? "+ " : "- ") + std::string(c.kind) + " " + c.id);
  const std::vector<std::string> expected = {
      "5.2 + flag CLONE_PIDFD",
      "5.2 + rule copy_process.pidfd_parent_settid",
      "5.2 + rule copy_process.pidfd_thread",
      "5.2 + rule copy_process.pidfd_detached",
      "5.2 + rule copy_process.pidfd_emfile",
      "5.2 + rule copy_process.pidfd_fault",
      "5.3 + clone_args struct clone_args 64 bytes",
      "5.3 - rule clone3.no_syscall",
      "5.3 + rule clone3.size_above_page",
      "5.3 + rule clone3.size_below_ver0",
      "5.3 + rule clone3.args_fault",
      "5.3 + rule clone3.nonzero_tail",
      "5.3 + rule clone3.exit_signal_invalid",
      "5.3 + rule clone3.unknown_flags",
      "5.3 + rule clone3.detached_or_csignal",
      "5.3 + rule clone3.exit_signal_with_thread_or_parent",
      "5.3 + rule legacy_clone_args_valid.pidfd_parent_settid",
      "5.3 - rule copy_process.pidfd_parent_settid",
      "5.3 + success pidfd_after.poll",
      "5.4 + rule clone3.stack_invalid",
      "5.4 + success pidfd_after.waitid_p_pidfd",
      "5.5 + flag CLONE_CLEAR_SIGHAND",
      "5.5 + clone_args struct clone_args 80 bytes",
      "5.5 + rule clone3.set_tid_size_above_max",
      "5.5 + rule clone3.set_tid_size_without_array",
      "5.5 + rule clone3.set_tid_array_without_size",
      "5.5 + rule clone3.set_tid_fault",
      "5.5 + rule clone3.sighand_and_clear_sighand",
      "5.5 + rule alloc_pid.set_tid_too_deep",
      "5.5 + rule alloc_pid.set_tid_range",
      "5.5 + rule alloc_pid.set_tid_no_init",
      "5.5 + rule alloc_pid.set_tid_capability_sys_admin",
      "5.5 + rule alloc_pid.set_tid_in_use",
      "5.5 + success pidfd_show_fdinfo.nspid_and_released",
      "5.6 + flag CLONE_NEWTIME",
      "5.6 + rule copy_process.timens_shared_vm",
      "5.6 + rule copy_time_ns.max_time_namespaces",
      "5.6 + success copy_namespaces.timens_vm_child_enters",
      "5.7 + flag CLONE_INTO_CGROUP",
      "5.7 + clone_args struct clone_args 88 bytes",
      "5.7 + syscall sys_clone lower_32_bits(flags)",
      "5.7 + rule clone3.into_cgroup_args",
      "5.7 + rule cgroup_css_set_fork.not_cgroup2_dir",
      "5.7 + rule cgroup_may_write.not_writable",
      "5.7 + rule cgroup_attach_permissions.thread_other_domain",
      "5.8 + success pidfd_after.setns",
      "5.9 - rule legacy_clone_args_valid.pidfd_parent_settid",
      "5.9 + rule kernel_clone.pidfd_parent_settid",
      "5.9 - rule alloc_pid.set_tid_capability_sys_admin",
      "5.9 + rule alloc_pid.set_tid_capability",
      "5.10 + success pidfd_after.waitid_nonblock",
      "5.14 - rule copy_process.rlimit_nproc_before_creds",
      "5.14 + rule copy_process.rlimit_nproc",
      "6.2 - rule copy_process.timens_shared_vm",
      "6.2 - success copy_namespaces.timens_vm_child_enters",
      "6.9 - rule copy_process.pidfd_thread",
      "6.9 + success pidfd_after.open_thread",
      "6.11 + success pidfd_after.ioctl_namespaces",
      "6.13 + success pidfd_after.ioctl_get_info",
      "6.14 - rule alloc_pid.set_tid_range",
      "6.14 + rule alloc_pid.set_tid_range_pidns",
  };
  EXPECT_EQ(got, expected);
}

TEST(KernelHistory, RowIdsAreUniqueAndBoundedRowsSayBothSides) {
  std::set<std::string_view> ids;
  for (const Rule& r : refusal_rules()) EXPECT_TRUE(ids.insert(r.id).second) << r.id;
  for (const SuccessRow& r : success_rows()) {
    EXPECT_TRUE(ids.insert(r.id).second) << r.id;
    EXPECT_FALSE(r.what.empty()) << r.id;
    if (r.versions.bounded()) {
      EXPECT_FALSE(r.otherwise.empty()) << r.id;
      EXPECT_NE(r.concerns, nullptr) << r.id << ": a bounded row names the calls it concerns";
    }
  }
}

// The modelled range: older kernels are refused, newer ones predicted as the
// newest with a note.
TEST(KernelHistory, OlderThan4_19IsRefusedNewerThan6_18IsTheNewest) {
  for (std::string_view old : {"2.6", "4.4", "4.18.0-553.el8.x86_64", "4.14.300"}) {
    auto k = parse_kernel_spec(old);
    ASSERT_FALSE(k.ok()) << old;
    EXPECT_NE(k.error().message.find("is older than the modelled range 4.19 .. 6.18"), std::string::npos)
        << k.error().message;
  }
  EXPECT_TRUE(parse_kernel_spec("4.19").ok());
  EXPECT_TRUE(parse_kernel_spec("4.19.325-cip120").ok());
  EXPECT_EQ(place_in_modelled_range(on("6.18.44-fc-v782").version), RangePlace::inside);
  const Prediction p = predict_on("6.19.3", clone3(PIDFD | VM | SIGHAND | THREAD, 0));
  EXPECT_EQ(p.outcome.error, 0);
  ASSERT_FALSE(p.notes.empty());
  EXPECT_EQ(p.notes.front(), "Linux 6.19.3: newer than the modelled range 4.19 .. 6.18: judged as 6.18");
  const Request r = clone3();
  const std::string text = explain(r, *caller_preset("root"), on("7.2"), predict_on("7.2", r));
  EXPECT_NE(text.find("newer than the modelled range 4.19 .. 6.18: judged as 6.18"), std::string::npos) << text;
}

TEST(KernelHistory, ExplainNamesTheCommitsBehindTheDecidingRule) {
  const Request r = clone3();
  const std::string old = explain(r, *caller_preset("root"), on("4.19"), predict_on("4.19", r));
  EXPECT_NE(old.find("until    5.3.0: ended by 7f192e3cd316 \"fork: add clone3\" (v5.3)"), std::string::npos) << old;
  Request sized = clone3();
  sized.clone3.size = 32;
  const std::string now = explain(sized, *caller_preset("root"), on("5.10"), predict_on("5.10", sized));
  EXPECT_NE(now.find("since    5.3.0: 7f192e3cd316 \"fork: add clone3\" (v5.3)"), std::string::npos) << now;
  EXPECT_EQ(now.find("until    "), std::string::npos) << now;
}

// clone3: none before v5.3 (7f192e3cd316); glibc's entries fall back to clone.
TEST(KernelHistory, Clone3ArrivesWithV5_3) {
  EXPECT_EQ(predict_on("5.2", clone3()).outcome.error, ENOSYS);
  EXPECT_EQ(predict_on("5.2", clone3()).rule, "clone3.no_syscall");
  EXPECT_EQ(predict_on("4.19", clone3()).outcome.error, ENOSYS);
  EXPECT_EQ(predict_on("5.3", clone3()).outcome.error, 0);
  const Prediction thread = predict_on("4.19", Request{Entry::pthread_create, 0, 0});
  EXPECT_EQ(thread.call.syscall, Syscall::clone);
  EXPECT_EQ(thread.outcome.error, 0);
  EXPECT_EQ(thread.outcome.same_tgid, Fact::yes);
  EXPECT_NE(thread.call.route.find("falls back to clone(2)"), std::string::npos) << thread.call.route;
  EXPECT_EQ(predict_on("5.3", Request{Entry::pthread_create, 0, 0}).call.syscall, Syscall::clone3);
}

// CLONE_PIDFD (b3e583825266, v5.2): before it legacy clone ignores the bit.
TEST(KernelHistory, LegacyCloneIgnoresAFlagItsKernelLacks) {
  const Prediction old = predict_on("5.1", Request{Entry::clone, PIDFD, kSigchld});
  EXPECT_EQ(old.outcome.error, 0);
  EXPECT_EQ(old.outcome[Trait::pidfd], Fact::unknown);
  ASSERT_FALSE(old.notes.empty());
  EXPECT_NE(old.notes.back().find("CLONE_PIDFD is not defined in Linux 5.1.0"), std::string::npos);
  EXPECT_EQ(predict_on("5.2", Request{Entry::clone, PIDFD, kSigchld}).outcome[Trait::pidfd], Fact::yes);
  // CLONE_PIDFD|CLONE_THREAD on 5.1 is a thread and no refusal.
  EXPECT_EQ(predict_on("5.1", Request{Entry::clone, PIDFD | VM | SIGHAND | THREAD, 0}).outcome.error, 0);
  EXPECT_EQ(predict_on("5.2", Request{Entry::clone, PIDFD | VM | SIGHAND | THREAD, 0}).rule,
            "copy_process.pidfd_thread");
}

// CLONE_CLEAR_SIGHAND (b612e5df4587, v5.5); legacy clone passed bits above 31
// until v5.7 (3f2c788a1314).
TEST(KernelHistory, ClearSighandArrivesWithV5_5AndLeavesLegacyCloneWithV5_7) {
  EXPECT_EQ(predict_on("5.4", clone3(CLEAR_SIGHAND)).rule, "clone3.unknown_flags");
  EXPECT_EQ(predict_on("5.5", clone3(CLEAR_SIGHAND)).outcome[Trait::caught_signal_reset], Fact::yes);
  EXPECT_EQ(predict_on("5.4", clone3(SIGHAND | CLEAR_SIGHAND | VM)).rule, "clone3.unknown_flags");
  EXPECT_EQ(predict_on("5.5", clone3(SIGHAND | CLEAR_SIGHAND | VM)).rule, "clone3.sighand_and_clear_sighand");
  const Request legacy{Entry::clone, CLEAR_SIGHAND, kSigchld};
  EXPECT_EQ(predict_on("5.4", legacy).outcome[Trait::caught_signal_reset], Fact::no);
  EXPECT_EQ(predict_on("5.6", legacy).outcome[Trait::caught_signal_reset], Fact::yes);
  EXPECT_EQ(predict_on("5.7", legacy).outcome[Trait::caught_signal_reset], Fact::no);
  EXPECT_EQ(predict_on("5.7", legacy).call.dropped, CLEAR_SIGHAND);
}

// CLONE_NEWTIME (769071ac9f20, v5.6): before it clone3 refuses the CSIGNAL bit.
TEST(KernelHistory, NewtimeArrivesWithV5_6) {
  EXPECT_EQ(predict_on("5.5", clone3(NEWTIME)).rule, "clone3.detached_or_csignal");
  EXPECT_EQ(predict_on("5.6", clone3(NEWTIME)).outcome[Ns::time], Fact::yes);
}

// set_tid and struct clone_args of 80 bytes (49cb2fc42ce4, v5.5): before, a
// set_tid is bytes beyond the kernel's struct.
// The copies clone3 makes fault as EFAULT from the release that made each:
// the struct and pidfd with clone3 (v5.3), set_tid with v5.5.
TEST(KernelHistory, Clone3FaultsArriveWithTheirFields) {
  Request args = clone3();
  args.clone3.args = ArgsArg::unmapped;
  EXPECT_EQ(predict_on("5.2", args).rule, "clone3.no_syscall");
  EXPECT_EQ(predict_on("5.3", args).rule, "clone3.args_fault");
  Request pidfd = clone3(PIDFD);
  pidfd.clone3.pidfd_at = PointerArg::unmapped;
  EXPECT_EQ(predict_on("5.2", pidfd).rule, "clone3.no_syscall");
  EXPECT_EQ(predict_on("5.3", pidfd).rule, "copy_process.pidfd_fault");
  Request tids = clone3();
  tids.clone3.set_tid_at = PointerArg::unmapped;
  EXPECT_EQ(predict_on("5.4", tids).rule, "clone3.nonzero_tail") << "set_tid lies beyond a 5.4 kernel's struct";
  EXPECT_EQ(predict_on("5.5", tids).rule, "clone3.set_tid_fault");
}

// A pidfd's fdinfo: NSpid, and Pid -1 once no task is attached ("pidfd: add
// NSpid entries to fdinfo", "pidfd: check pid has attached task in fdinfo",
// both v5.5). A CLONE_PARENT child is reaped elsewhere: nothing is said.
TEST(KernelHistory, PidfdFdinfoGivesNspidAndAReapedPidFromV5_5) {
  const Request r{Entry::clone, PIDFD, kSigchld};
  const Prediction old = predict_on("5.4", r);
  EXPECT_EQ(old.outcome[Trait::pidfd_nspid], Fact::unknown);
  EXPECT_EQ(old.outcome[Trait::pidfd_pid_cleared], Fact::no);
  EXPECT_EQ(old.semantics, std::vector<std::string>{"pidfd_show_fdinfo.nspid_and_released"});
  const Prediction now = predict_on("5.5", r);
  EXPECT_EQ(now.outcome[Trait::pidfd_nspid], Fact::yes);
  EXPECT_EQ(now.outcome[Trait::pidfd_pid_cleared], Fact::yes);
  const Prediction sibling = predict_on("6.12", Request{Entry::clone, PIDFD | PARENT, kSigchld});
  EXPECT_EQ(sibling.outcome[Trait::pidfd_nspid], Fact::yes);
  EXPECT_EQ(sibling.outcome[Trait::pidfd_pid_cleared], Fact::unknown);
  EXPECT_EQ(predict_on("6.12", Request{Entry::clone, 0, kSigchld}).outcome[Trait::pidfd_pid_cleared], Fact::unknown);
}

TEST(KernelHistory, SetTidArrivesWithV5_5) {
  Request r = clone3();
  r.clone3.set_tid = std::vector<TidSpec>{TidSpec{TidSpec::Kind::free, 0}};
  EXPECT_EQ(predict_on("5.4", r).outcome.error, E2BIG);
  EXPECT_EQ(predict_on("5.4", r).rule, "clone3.nonzero_tail");
  EXPECT_EQ(predict_on("5.5", r).outcome.error, 0);
  EXPECT_EQ(predict_on("5.5", r).outcome[Trait::set_tid_honoured], Fact::yes);
  Request small = clone3();
  small.clone3.size = 80;
  EXPECT_EQ(predict_on("5.4", small).outcome.error, 0) << "a zero tail is fine";
}

// set_tid's capability: CAP_SYS_ADMIN until v5.9, then CAP_CHECKPOINT_RESTORE
// too (1caef81da05a).
TEST(KernelHistory, CheckpointRestoreMayChooseAPidFromV5_9) {
  Request r = clone3();
  r.clone3.set_tid = std::vector<TidSpec>{TidSpec{TidSpec::Kind::free, 0}};
  const Caller checkpointer = caller("root", {{"cap_sys_admin", 0}, {"cap_checkpoint_restore", 1}});
  EXPECT_EQ(predict_on("5.8", r, checkpointer).rule, "alloc_pid.set_tid_capability_sys_admin");
  EXPECT_EQ(predict_on("5.8", r, checkpointer).outcome.error, EPERM);
  EXPECT_EQ(predict_on("5.9", r, checkpointer).outcome.error, 0);
  const Caller neither = caller("root", {{"cap_sys_admin", 0}, {"cap_checkpoint_restore", 0}});
  EXPECT_EQ(predict_on("5.9", r, neither).rule, "alloc_pid.set_tid_capability");
}

// CLONE_INTO_CGROUP and struct clone_args of 88 bytes (ef2c41cf38a7, v5.7).
TEST(KernelHistory, IntoCgroupArrivesWithV5_7) {
  Request r = clone3(INTO_CGROUP);
  r.clone3.cgroup = CgroupArg::harness;
  EXPECT_EQ(predict_on("5.6", r).rule, "clone3.nonzero_tail") << "the cgroup field lies beyond 80 bytes";
  r.clone3.cgroup = CgroupArg::none;
  EXPECT_EQ(predict_on("5.6", r).rule, "clone3.unknown_flags");
  r.clone3.cgroup = CgroupArg::harness;
  EXPECT_EQ(predict_on("5.7", r).outcome[Trait::into_cgroup], Fact::yes);
}

// clone3's stack checks (fa729c4df558, v5.4); its exit signal check came
// with clone3 itself (a fix before the v5.3 release).
TEST(KernelHistory, Clone3ChecksItsStackFromV5_4) {
  Request r = clone3();
  r.stack = StackArg::kernel_address;
  EXPECT_EQ(predict_on("5.3", r).rule, kSuccessRuleId);
  EXPECT_EQ(predict_on("5.4", r).rule, "clone3.stack_invalid");
  EXPECT_NE(predict_on("5.3", clone3()).notes.back().find("stack pointer at the stack's lowest address"),
            std::string::npos);
  for (const std::string& n : predict_on("5.4", clone3()).notes) EXPECT_EQ(n.find("lowest address"), std::string::npos);
  EXPECT_EQ(predict_on("5.3", clone3(0, 65)).rule, "clone3.exit_signal_invalid");
}

// CLONE_PIDFD|CLONE_PARENT_SETTID: in copy_process() in v5.2 (after Debian's
// userns check), in the legacy syscall from v5.3, for aliasing clone3
// pointers too from v5.9.
TEST(KernelHistory, PidfdWithParentSettidMovedTwice) {
  const Request legacy{Entry::clone, PIDFD | PARENT_SETTID | NEWUSER, kSigchld};
  const Caller unpriv = *caller_preset("unpriv");
  EXPECT_EQ(predict_on("5.2,unprivileged_userns_clone=0", legacy, unpriv).rule,
            "copy_process.debian_unprivileged_userns_clone");
  EXPECT_EQ(predict_on("5.2", legacy).rule, "copy_process.pidfd_parent_settid");
  EXPECT_EQ(predict_on("5.3,unprivileged_userns_clone=0", legacy, unpriv).rule,
            "legacy_clone_args_valid.pidfd_parent_settid");
  EXPECT_EQ(predict_on("5.9,unprivileged_userns_clone=0", legacy, unpriv).rule, "kernel_clone.pidfd_parent_settid");
  Request aliased = clone3(PIDFD | PARENT_SETTID);
  aliased.clone3.pidfd_is_parent_tid = true;
  EXPECT_EQ(predict_on("5.8", aliased).outcome.error, 0);
  EXPECT_EQ(predict_on("5.9", aliased).rule, "kernel_clone.pidfd_parent_settid");
}

// RLIMIT_NPROC: checked before copy_creds() until v5.14 (21d1c5e386bc).
TEST(KernelHistory, RlimitNprocMovedAfterCopyCredsWithV5_14) {
  const Caller c = caller("unpriv", {{"nproc_at_limit", 1}, {"chrooted", 1}});
  const Request r{Entry::clone, NEWUSER, kSigchld};
  EXPECT_EQ(predict_on("5.13", r, c).rule, "copy_process.rlimit_nproc_before_creds");
  EXPECT_EQ(predict_on("5.14", r, c).rule, "create_user_ns.chroot");
  EXPECT_EQ(predict_on("5.14", Request{Entry::fork, 0, kSigchld}, c).rule, "copy_process.rlimit_nproc");
}

// PIDFD_THREAD (83b290c9e3b5, v6.9) and the time namespace of a CLONE_VM
// child (v5.6 to v6.2) are in kernel_profile_test.cpp; here their lower side.
TEST(KernelHistory, ThreadPidfdsAndTimensBeforeTheirBounds) {
  EXPECT_EQ(predict_on("5.1", clone3(PIDFD | VM | SIGHAND | THREAD, 0)).rule, "clone3.no_syscall");
  EXPECT_EQ(predict_on("5.3", clone3(PIDFD | VM | SIGHAND | THREAD, 0)).rule, "copy_process.pidfd_thread");
  EXPECT_EQ(predict_on("6.8", clone3(PIDFD | VM | SIGHAND | THREAD, 0)).rule, "copy_process.pidfd_thread");
  EXPECT_EQ(predict_on("6.9", clone3(PIDFD | VM | SIGHAND | THREAD, 0)).outcome[Trait::pidfd_thread], Fact::yes);
  const Prediction vm = predict_on("5.6", clone3(NEWTIME | VM));
  EXPECT_EQ(vm.outcome[Ns::time], Fact::yes);
  EXPECT_EQ(predict_on("6.1", clone3(NEWTIME | VM)).outcome[Ns::time], Fact::yes);
  EXPECT_EQ(predict_on("6.2", clone3(NEWTIME | VM)).outcome[Ns::time], Fact::no);
}

// user.max_*_namespaces = 0: ENOSPC where that type is charged, in
// create_new_namespaces() order, after copy_namespaces()' own checks.
TEST(KernelHistory, ANamespaceLimitOfZeroRefusesThatType) {
  EXPECT_EQ(predict_on("6.12,max_net_namespaces=0", Request{Entry::clone, NEWNET, kSigchld}).rule,
            "copy_net_ns.max_net_namespaces");
  EXPECT_EQ(predict_on("6.12,max_net_namespaces=0", Request{Entry::clone, NEWUTS, kSigchld}).outcome.error, 0);
  EXPECT_EQ(predict_on("6.12,max_user_namespaces=0", Request{Entry::clone, NEWUSER, kSigchld}).rule,
            "create_user_ns.quota");
  EXPECT_EQ(predict_on("6.12,max_ipc_namespaces=0", Request{Entry::clone, NEWIPC | SYSVSEM, kSigchld}).rule,
            "copy_namespaces.newipc_sysvsem");
  const Caller unshared = caller("root", {{"pid_for_children_differs", 1}});
  EXPECT_EQ(predict_on("6.12,max_mnt_namespaces=0", Request{Entry::clone, NEWNS | NEWPID, kSigchld}, unshared).rule,
            "copy_mnt_ns.max_mnt_namespaces");
  EXPECT_EQ(predict_on("6.12", Request{Entry::clone, NEWNS | NEWPID, kSigchld}, unshared).rule,
            "copy_pid_ns.not_active_pidns");
  EXPECT_EQ(predict_on("6.12,max_time_namespaces=0", clone3(NEWTIME)).rule, "copy_time_ns.max_time_namespaces");
  EXPECT_EQ(predict_on("6.12,max_pid_namespaces=0", clone3(NEWPID | NEWCGROUP)).rule,
            "create_pid_namespace.max_pid_namespaces");
  EXPECT_EQ(predict_on("6.12,max_cgroup_namespaces=0", clone3(NEWPID | NEWCGROUP)).rule,
            "copy_cgroup_ns.max_cgroup_namespaces");
}

TEST(KernelHistory, KnobsRoundTripThroughSpecs) {
  const Kernel k = on("6.8.0-1017-azure,apparmor_restrict_unprivileged_userns=1,max_user_namespaces=0,pid_max=99999");
  EXPECT_EQ(k.apparmor_restrict_unprivileged_userns, true);
  EXPECT_TRUE(k.forbids(NsLimit::user));
  EXPECT_FALSE(k.forbids(NsLimit::net));
  EXPECT_EQ(kernel_spec(k),
            "6.8.0-1017-azure,pid_max=99999,apparmor_restrict_unprivileged_userns=1,max_user_namespaces=0");
  EXPECT_FALSE(parse_kernel_spec("6.8,max_bogus_namespaces=0").ok());
  EXPECT_FALSE(parse_kernel_spec("6.8,max_net_namespaces=-1").ok());
  EXPECT_FALSE(parse_kernel_spec("6.8,apparmor_restrict_unprivileged_userns=2").ok());
  // Ubuntu's AppArmor knob leaves clone() itself alone and says so.
  const Prediction p = predict_on("6.8,apparmor_restrict_unprivileged_userns=1", Request{Entry::clone, NEWUSER, kSigchld},
                                  *caller_preset("unpriv"));
  EXPECT_EQ(p.outcome.error, 0);
  ASSERT_FALSE(p.notes.empty());
  EXPECT_NE(p.notes.back().find("not confirmed live"), std::string::npos);
}

}  // namespace
}  // namespace clonediff::model
