#include "model/signals.hpp"

#include <gtest/gtest.h>

#include "model/flags.hpp"
#include "model/predict.hpp"

namespace clonediff::model {
namespace {

Caller preset(std::string_view name) {
  auto c = caller_preset(name);
  EXPECT_TRUE(c.ok());
  return *c;
}

long long parent_signal(std::uint64_t flags, long long exit_signal, const Caller& caller) {
  auto p = predict(Request{Entry::clone, flags, static_cast<std::uint64_t>(exit_signal)}, caller,
                   kernel_at({6, 18, 0}));
  EXPECT_TRUE(p.ok());
  return p->outcome.parent_signal.value_or(-100);
}

TEST(ExitSignalFate, BlockedSignalsAreNeverIgnored) {
  Caller c = preset("pidns_init");
  for (long long sig : {1, 12, 17, 21, 23, 28, 34, 64}) EXPECT_EQ(exit_signal_fate(sig, c), SignalFate::pending) << sig;
}

TEST(ExitSignalFate, AnInitDropsWhatItNeitherBlocksNorHandles) {
  const Caller init = preset("pidns_init");
  EXPECT_EQ(exit_signal_fate(kSigkill, init), SignalFate::dropped);
  EXPECT_EQ(exit_signal_fate(kSigstop, init), SignalFate::dropped);
  // 32 and 33 have handlers in every caller: delivered.
  EXPECT_EQ(exit_signal_fate(32, init), SignalFate::pending);
  EXPECT_EQ(exit_signal_fate(33, init), SignalFate::pending);
  // Neither blocked nor handled: dropped by an init, not by anyone else.
  Caller open = init;
  open.signals_blocked &= ~signal_bit(12);
  EXPECT_EQ(exit_signal_fate(12, open), SignalFate::dropped);
  open.pidns_init = false;
  EXPECT_EQ(exit_signal_fate(12, open), SignalFate::pending);
}

TEST(ExitSignalFate, KillAndStopCannotBeBlockedOrCaught) {
  Caller c = preset("pidns_init");
  c.signals_blocked = ~std::uint64_t{0};
  c.signals_caught = ~std::uint64_t{0};
  EXPECT_EQ(exit_signal_fate(kSigkill, c), SignalFate::dropped);
  EXPECT_EQ(exit_signal_fate(kSigstop, c), SignalFate::dropped);
  EXPECT_EQ(exit_signal_fate(kSigkill, preset("root")), SignalFate::pending);
}

TEST(ExitSignalFate, IgnoredAndIgnoredByDefaultAreDroppedWhenUnblocked) {
  Caller c = preset("root");
  c.signals_blocked = 0;
  c.signals_caught = 0;
  c.signals_ignored = signal_bit(10);
  EXPECT_EQ(exit_signal_fate(10, c), SignalFate::dropped);   // SIG_IGN
  EXPECT_EQ(exit_signal_fate(28, c), SignalFate::dropped);   // SIGWINCH, SIG_DFL: ignored by default
  EXPECT_EQ(exit_signal_fate(12, c), SignalFate::pending);   // SIGUSR2, SIG_DFL: fatal, delivered
  c.signals_caught = signal_bit(28);
  EXPECT_EQ(exit_signal_fate(28, c), SignalFate::pending);   // a handler takes it
}

TEST(ParentSignal, FollowsTheCallersSignalState) {
  EXPECT_EQ(parent_signal(0, kSigkill, preset("root")), kSigkill);
  EXPECT_EQ(parent_signal(0, kSigkill, preset("pidns_init")), 0);
  EXPECT_EQ(parent_signal(0, kSigstop, preset("pidns_depth")), 0);
  EXPECT_EQ(parent_signal(0, 33, preset("pidns_init")), 33);
  EXPECT_EQ(parent_signal(0, 12, preset("pidns_init")), 12);
  EXPECT_EQ(parent_signal(0, 65, preset("root")), 0);
  // A thread and a CLONE_PARENT child notify nobody here, whatever the signal.
  EXPECT_EQ(parent_signal(flag::VM | flag::SIGHAND | flag::THREAD, 0, preset("root")), 0);
}

TEST(SetTidTarget, TheChildsFirstNamespaceIsFreshWhenNewOrUnshared) {
  const Caller root = preset("root");
  EXPECT_TRUE(set_tid_target(0, flag::NEWPID, root).fresh);
  EXPECT_EQ(set_tid_target(1, flag::NEWPID, root).caller_level, 0u);
  EXPECT_FALSE(set_tid_target(0, 0, root).fresh);
  EXPECT_EQ(set_tid_target(2, 0, root).caller_level, 2u);
  const Caller unshared = preset("pidns_unshared");
  EXPECT_TRUE(set_tid_target(0, 0, unshared).fresh);
  EXPECT_EQ(set_tid_target(1, 0, unshared).caller_level, 0u);
}

TEST(SetTidCapability, RawCapabilitiesAndOwnershipCombineInTheRule) {
  Request r{Entry::clone3, 0, 0};
  r.clone3.set_tid = std::vector<TidSpec>{TidSpec{TidSpec::Kind::free, 0}};
  const Kernel k = kernel_at({6, 18, 0});
  Caller c = preset("unpriv");
  EXPECT_EQ(predict(r, c, k)->rule, "alloc_pid.set_tid_capability");
  c.cap_checkpoint_restore = true;
  EXPECT_EQ(predict(r, c, k)->rule, kSuccessRuleId);
  c.userns_owns_pidns = false;  // capable, but not over the pid namespace
  EXPECT_EQ(predict(r, c, k)->rule, "alloc_pid.set_tid_capability");
  c = preset("userns_root");   // root of its own user namespace: not over the initial pid namespace
  EXPECT_EQ(predict(r, c, k)->rule, "alloc_pid.set_tid_capability");
}

}  // namespace
}  // namespace clonediff::model
