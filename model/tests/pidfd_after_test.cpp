// The after= scenarios (what the caller sees through the child's pidfd): how
// they are written, which requests can make them, and what each kernel
// release predicts (model/success.cpp's pidfd_after rows).
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "model/flags.hpp"
#include "model/history.hpp"
#include "model/predict.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

Request with_after(Entry e, std::uint64_t flags, AfterArg a, std::uint64_t sig = kSigchld) {
  Request r{e, flags, sig};
  r.after = a;
  return r;
}

Outcome predicted(const Request& r, int major, int minor) {
  Kernel k;
  k.version = {major, minor, 0};
  k.pid_max = 32768;
  auto p = predict(r, *caller_preset("root"), k);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  EXPECT_EQ(p->outcome.error, 0);
  return p->outcome;
}

TEST(AfterArgs, NamesRoundTripAndUnknownOnesAreErrors) {
  for (AfterArg a : {AfterArg::none, AfterArg::poll, AfterArg::waitid, AfterArg::stop, AfterArg::info, AfterArg::thread,
                     AfterArg::setns, AfterArg::reuse, AfterArg::sigqueue, AfterArg::leader_exit}) {
    auto back = parse_after_arg(after_arg_name(a));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, a);
  }
  auto bad = parse_after_arg("reap");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("poll, waitid, stop, info, thread, setns, reuse, sigqueue, leader_exit"), std::string::npos)
      << bad.error().message;
}

TEST(AfterArgs, OnlyRequestsThatCanMakeTheScenarioAreValid) {
  EXPECT_TRUE(validate(with_after(Entry::clone3, PIDFD, AfterArg::poll)).ok());
  EXPECT_TRUE(validate(with_after(Entry::clone, PIDFD, AfterArg::stop)).ok());
  EXPECT_TRUE(validate(with_after(Entry::clone, VM | SIGHAND | THREAD, AfterArg::thread, 0)).ok());
  // Through the pidfd: CLONE_PIDFD, a child the caller may wait for while it runs.
  EXPECT_FALSE(validate(with_after(Entry::clone3, 0, AfterArg::waitid)).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, PIDFD | VFORK | VM, AfterArg::poll)).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, PIDFD | PARENT, AfterArg::stop)).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, PIDFD | VM | SIGHAND | THREAD, AfterArg::info, 0)).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, VM | SIGHAND, AfterArg::thread)).ok());
  EXPECT_FALSE(validate(with_after(Entry::fork, 0, AfterArg::poll)).ok());
  Request aliased = with_after(Entry::clone3, PIDFD, AfterArg::info);
  aliased.clone3.pidfd_is_parent_tid = true;
  EXPECT_FALSE(validate(aliased).ok());
  // after=leader_exit: as the other looks through the pidfd, and not with
  // CLONE_CHILD_CLEARTID (the caller would watch the word until the child went).
  EXPECT_TRUE(validate(with_after(Entry::clone3, PIDFD | NEWPID, AfterArg::leader_exit)).ok());
  EXPECT_TRUE(validate(with_after(Entry::clone3, PIDFD | VM, AfterArg::leader_exit)).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, 0, AfterArg::leader_exit)).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, PIDFD | VM | SIGHAND | THREAD, AfterArg::leader_exit, 0)).ok());
  const auto cleartid = validate(with_after(Entry::clone3, PIDFD | CHILD_CLEARTID, AfterArg::leader_exit));
  ASSERT_FALSE(cleartid.ok());
  EXPECT_NE(cleartid.error().message.find("CLONE_CHILD_CLEARTID"), std::string::npos) << cleartid.error().message;
}

TEST(AfterPredictions, PollIsReadableWhileRunningOnlyBeforePidfdPoll) {
  const Request r = with_after(Entry::clone, PIDFD, AfterArg::poll);  // clone3 came in v5.3
  EXPECT_EQ(predicted(r, 6, 18)[Trait::pidfd_readable_while_running], Fact::no);
  EXPECT_EQ(predicted(r, 5, 3)[Trait::pidfd_readable_while_running], Fact::no);
  EXPECT_EQ(predicted(r, 5, 2)[Trait::pidfd_readable_while_running], Fact::yes);
  EXPECT_EQ(predicted(r, 6, 18)[Trait::pidfd_signal_esrch_reaped], Fact::yes);
  // Nothing of another scenario is predicted.
  EXPECT_EQ(predicted(r, 6, 18)[Trait::waitid_stopped], Fact::unknown);
  EXPECT_EQ(predicted(r, 6, 18)[Trait::pidfd_info_pid], Fact::unknown);
}

// A leader gone while a thread of its group lives on: the pidfd is not
// readable (pidfd_poll() waits for the whole group, v5.3); before pidfd_poll()
// it was readable at once. Readable in both once the group is gone.
TEST(AfterPredictions, LeaderExitIsNotReadableUntilTheGroupHasGone) {
  const Request r = with_after(Entry::clone, PIDFD, AfterArg::leader_exit);
  EXPECT_EQ(predicted(r, 5, 2)[Trait::pidfd_readable_leader_gone], Fact::yes);
  EXPECT_EQ(predicted(r, 5, 2)[Trait::pidfd_readable_group_gone], Fact::yes);
  for (auto [major, minor] : {std::pair{5, 3}, std::pair{6, 1}, std::pair{6, 12}, std::pair{6, 18}}) {
    EXPECT_EQ(predicted(r, major, minor)[Trait::pidfd_readable_leader_gone], Fact::no) << major << "." << minor;
    EXPECT_EQ(predicted(r, major, minor)[Trait::pidfd_readable_group_gone], Fact::yes) << major << "." << minor;
    EXPECT_EQ(predicted(r, major, minor)[Trait::pidfd_readable_while_running], Fact::unknown);
    EXPECT_EQ(predicted(r, major, minor)[Trait::pidfd_signal_esrch_reaped], Fact::yes);
  }
  // after=poll predicts nothing of it.
  const Request poll = with_after(Entry::clone, PIDFD, AfterArg::poll);
  EXPECT_EQ(predicted(poll, 6, 18)[Trait::pidfd_readable_leader_gone], Fact::unknown);
}

TEST(AfterPredictions, WaitidFollowsPPidfdAndNonblockingPidfds) {
  const Request r = with_after(Entry::clone3, PIDFD, AfterArg::waitid);
  const std::vector<std::pair<std::pair<int, int>, std::vector<Fact>>> expected = {
      {{5, 3}, {Fact::no, Fact::no, Fact::no}},    // no P_PIDFD: EINVAL
      {{5, 4}, {Fact::yes, Fact::no, Fact::no}},   // O_NONBLOCK ignored: blocks and reaps
      {{5, 10}, {Fact::yes, Fact::yes, Fact::yes}},
      {{6, 18}, {Fact::yes, Fact::yes, Fact::yes}},
  };
  for (const auto& [v, facts] : expected) {
    const Outcome o = predicted(r, v.first, v.second);
    EXPECT_EQ(o[Trait::waitid_nohang_running], facts[0]) << v.first << "." << v.second;
    EXPECT_EQ(o[Trait::waitid_nonblock_eagain], facts[1]) << v.first << "." << v.second;
    EXPECT_EQ(o[Trait::waitid_reaps_exit], facts[2]) << v.first << "." << v.second;
    EXPECT_EQ(o[Trait::waitid_stopped], Fact::unknown);
  }
}

TEST(AfterPredictions, StopAndContinueAreSeenFromPPidfdOn) {
  const Request r = with_after(Entry::clone, PIDFD, AfterArg::stop);
  EXPECT_EQ(predicted(r, 5, 3)[Trait::waitid_stopped], Fact::no);
  EXPECT_EQ(predicted(r, 5, 3)[Trait::waitid_continued], Fact::no);
  EXPECT_EQ(predicted(r, 5, 4)[Trait::waitid_stopped], Fact::yes);
  EXPECT_EQ(predicted(r, 6, 1)[Trait::waitid_continued], Fact::yes);
  EXPECT_EQ(predicted(r, 6, 1)[Trait::waitid_nohang_running], Fact::unknown);
}

TEST(AfterPredictions, GetInfoIsEnottyThenEinvalThenThePid) {
  const Request r = with_after(Entry::clone3, PIDFD, AfterArg::info);
  const std::vector<std::pair<std::pair<int, int>, std::vector<Fact>>> expected = {
      {{6, 1}, {Fact::no, Fact::yes, Fact::no}},
      {{6, 10}, {Fact::no, Fact::yes, Fact::no}},
      {{6, 11}, {Fact::no, Fact::no, Fact::yes}},
      {{6, 12}, {Fact::no, Fact::no, Fact::yes}},
      {{6, 13}, {Fact::yes, Fact::no, Fact::no}},
      {{6, 18}, {Fact::yes, Fact::no, Fact::no}},
  };
  for (const auto& [v, facts] : expected) {
    const Outcome o = predicted(r, v.first, v.second);
    EXPECT_EQ(o[Trait::pidfd_info_pid], facts[0]) << v.first << "." << v.second;
    EXPECT_EQ(o[Trait::pidfd_info_enotty], facts[1]) << v.first << "." << v.second;
    EXPECT_EQ(o[Trait::pidfd_info_einval], facts[2]) << v.first << "." << v.second;
  }
}

TEST(AfterPredictions, ThreadPidfdsOpenFromPidfdThreadOn) {
  const Request r = with_after(Entry::clone, VM | SIGHAND | THREAD, AfterArg::thread, 0);
  EXPECT_EQ(predicted(r, 6, 8)[Trait::pidfd_open_thread], Fact::no);
  EXPECT_EQ(predicted(r, 6, 9)[Trait::pidfd_open_thread], Fact::yes);
  EXPECT_EQ(predicted(r, 6, 9)[Trait::pidfd_signal_esrch_reaped], Fact::unknown);
}

TEST(AfterPredictions, WithoutAfterNothingOfItIsPredicted) {
  const Outcome o = predicted(Request{Entry::clone3, PIDFD, kSigchld}, 6, 18);
  for (Trait t : {Trait::pidfd_readable_while_running, Trait::waitid_nohang_running, Trait::waitid_stopped,
                  Trait::pidfd_signal_esrch_reaped, Trait::pidfd_info_pid, Trait::pidfd_open_thread})
    EXPECT_EQ(o[t], Fact::unknown) << trait_name(t);
}

TEST(AfterPredictions, EveryBoundIsInTheKernelHistory) {
  const auto history = kernel_history();
  const auto has = [&](std::string_view id, int major, int minor) {
    return std::any_of(history.begin(), history.end(), [&](const Change& c) {
      return c.id == id && c.release.major == major && c.release.minor == minor;
    });
  };
  EXPECT_TRUE(has("pidfd_after.poll", 5, 3));
  EXPECT_TRUE(has("pidfd_after.waitid_p_pidfd", 5, 4));
  EXPECT_TRUE(has("pidfd_after.waitid_nonblock", 5, 10));
  EXPECT_TRUE(has("pidfd_after.open_thread", 6, 9));
  EXPECT_TRUE(has("pidfd_after.ioctl_namespaces", 6, 11));
  EXPECT_TRUE(has("pidfd_after.ioctl_get_info", 6, 13));
  EXPECT_TRUE(has("pidfd_after.setns", 5, 8));
}

Request reuse(Entry e, std::uint64_t flags, std::uint32_t rounds) {
  Request r = with_after(e, flags, AfterArg::reuse);
  r.rounds = rounds;
  return r;
}

TEST(AfterArgs, SetnsGoesThroughThePidfdAndReuseNeedsRounds) {
  EXPECT_TRUE(validate(with_after(Entry::clone3, PIDFD | NEWUTS, AfterArg::setns)).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, NEWUTS, AfterArg::setns)).ok());
  EXPECT_TRUE(validate(reuse(Entry::clone3, 0, 2)).ok());
  EXPECT_TRUE(validate(reuse(Entry::clone, PARENT, kMaxReuseRounds)).ok());
  EXPECT_FALSE(validate(reuse(Entry::clone3, 0, 0)).ok());
  EXPECT_FALSE(validate(reuse(Entry::clone3, 0, 1)).ok());
  EXPECT_FALSE(validate(reuse(Entry::clone3, 0, kMaxReuseRounds + 1)).ok());
  EXPECT_FALSE(validate(reuse(Entry::clone3, VM | VFORK, 10)).ok());
  EXPECT_FALSE(validate(reuse(Entry::fork, 0, 10)).ok());
  Request stray = with_after(Entry::clone3, PIDFD, AfterArg::poll);
  stray.rounds = 10;
  EXPECT_FALSE(validate(stray).ok());
}

TEST(AfterPredictions, SetnsThroughAPidfdFromV58GivenCapSysAdmin) {
  const Request r = with_after(Entry::clone3, PIDFD | NEWUTS, AfterArg::setns);
  EXPECT_EQ(predicted(r, 5, 7)[Trait::setns_pidfd_joined], Fact::no);
  EXPECT_EQ(predicted(r, 5, 7)[Trait::setns_pidfd_einval], Fact::yes);
  EXPECT_EQ(predicted(r, 5, 8)[Trait::setns_pidfd_joined], Fact::yes);
  EXPECT_EQ(predicted(r, 5, 8)[Trait::setns_pidfd_einval], Fact::no);
  EXPECT_EQ(predicted(r, 6, 18)[Trait::pidfd_signal_esrch_reaped], Fact::yes);
  // Without CAP_SYS_ADMIN utsns_install() refuses: EPERM, neither trait.
  Kernel k;
  k.version = {6, 18, 0};
  k.pid_max = 32768;
  auto p = predict(with_after(Entry::clone3, PIDFD, AfterArg::setns), *caller_preset("unpriv"), k);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->outcome[Trait::setns_pidfd_joined], Fact::no);
  EXPECT_EQ(p->outcome[Trait::setns_pidfd_einval], Fact::no);
}

// utsns_install() also asks for CAP_SYS_ADMIN over the owner of the target
// UTS namespace. A root in a user namespace of its own has it over a UTS
// namespace its child made (CLONE_NEWUTS, with or without CLONE_NEWUSER), but
// not over the one it shares with the child, which the initial user
// namespace owns: EPERM, as Linux 6.18 answered `run --context userns_root`
// on pidfd/setns-same-uts.
TEST(AfterPredictions, SetnsIntoASharedUtsNamespaceNeedsCapSysAdminOverItsOwner) {
  Kernel k;
  k.version = {6, 18, 0};
  k.pid_max = 32768;
  const auto joined = [&](std::uint64_t flags, const char* context) {
    auto p = predict(with_after(Entry::clone3, PIDFD | flags, AfterArg::setns), *caller_preset(context), k);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    EXPECT_EQ(p->outcome[Trait::setns_pidfd_einval], Fact::no);
    return p->outcome[Trait::setns_pidfd_joined];
  };
  for (const char* in_userns : {"userns_root", "userns_depth"}) {
    EXPECT_EQ(joined(0, in_userns), Fact::no) << in_userns;
    EXPECT_EQ(joined(NEWUTS, in_userns), Fact::yes) << in_userns;
  }
  EXPECT_EQ(joined(NEWUSER | NEWUTS, "userns_root"), Fact::yes);  // (userns_depth can make no user namespace)
  EXPECT_EQ(joined(0, "root"), Fact::yes);
  EXPECT_EQ(joined(0, "nproc_limit_cap_sys_admin"), Fact::yes);
}

TEST(AfterPredictions, AQueuedValueReachesTheChildAndAForgedCodeIsRefused) {
  const Request r = with_after(Entry::clone3, PIDFD, AfterArg::sigqueue);
  EXPECT_TRUE(validate(r).ok());
  EXPECT_FALSE(validate(with_after(Entry::clone3, 0, AfterArg::sigqueue)).ok());
  for (int minor : {3, 12}) {
    const Outcome o = predicted(r, minor == 3 ? 5 : 6, minor);
    EXPECT_EQ(o[Trait::pidfd_signal_value_queued], Fact::yes) << minor;
    EXPECT_EQ(o[Trait::pidfd_signal_forged_eperm], Fact::yes) << minor;
    EXPECT_EQ(o[Trait::pidfd_signal_esrch_reaped], Fact::yes) << minor;
  }
  EXPECT_EQ(predicted(with_after(Entry::clone3, PIDFD, AfterArg::poll), 6, 18)[Trait::pidfd_signal_value_queued],
            Fact::unknown);
}

TEST(AfterPredictions, NoPidIsReusedAtOnceOnAnyKernel) {
  EXPECT_EQ(predicted(reuse(Entry::clone, 0, 100), 4, 19)[Trait::pid_not_reused_at_once], Fact::yes);
  EXPECT_EQ(predicted(reuse(Entry::clone3, 0, 100), 6, 18)[Trait::pid_not_reused_at_once], Fact::yes);
  EXPECT_EQ(predicted(reuse(Entry::clone, NEWPID, 100), 6, 1)[Trait::pid_not_reused_at_once], Fact::yes);
  // No pidfd asked for or looked through: nothing said of one.
  EXPECT_EQ(predicted(reuse(Entry::clone3, 0, 100), 6, 18)[Trait::pidfd_signal_esrch_reaped], Fact::unknown);
  EXPECT_EQ(predicted(with_after(Entry::clone3, PIDFD, AfterArg::poll), 6, 18)[Trait::pid_not_reused_at_once],
            Fact::unknown);
}

}  // namespace
}  // namespace clonediff::model
