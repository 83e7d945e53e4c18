#include "model/predict.hpp"

#include <gtest/gtest.h>

#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

Kernel kernel(int major, int minor) {
  Kernel k;
  k.version = {major, minor, 0};
  return k;
}

Prediction predict_ok(std::uint64_t flags, std::string_view preset = "root", Kernel k = kernel(6, 18),
                      std::uint64_t exit_signal = kSigchld) {
  auto c = caller_preset(preset);
  EXPECT_TRUE(c.ok());
  auto p = predict(Request{Entry::clone, flags, exit_signal}, *c, k);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return std::move(p).value();
}

struct OrderCase {
  std::uint64_t flags;
  std::string_view preset;
  int error;
  std::string_view rule;
};

// Readable in GoogleTest's output and XML (value_param), not a byte dump.
void PrintTo(const OrderCase& c, std::ostream* os) {
  *os << format_flags(c.flags) << " as " << c.preset << ": " << (c.error == 0 ? "ok" : errno_name(c.error)) << " by "
      << c.rule;
}

// "unpriv_NEWIPC_SYSVSEM": the preset and the flags without their CLONE_ prefix.
std::string order_case_name(const ::testing::TestParamInfo<OrderCase>& info) {
  std::string name = std::string(info.param.preset);
  std::string flags = format_flags(info.param.flags);
  for (std::size_t at; (at = flags.find("CLONE_")) != std::string::npos;) flags.erase(at, 6);
  for (char& c : flags)
    if (c == '|') c = '_';
  return name + "_" + flags;
}

class RuleOrder : public ::testing::TestWithParam<OrderCase> {};

TEST_P(RuleOrder, FirstFiringRuleDecides) {
  const OrderCase& c = GetParam();
  Prediction p = predict_ok(c.flags, c.preset);
  EXPECT_EQ(p.outcome.error, c.error) << format_flags(c.flags) << " as " << c.preset;
  EXPECT_EQ(p.rule, c.rule) << format_flags(c.flags) << " as " << c.preset;
}

INSTANTIATE_TEST_SUITE_P(
    Examples, RuleOrder,
    ::testing::Values(
        OrderCase{NEWIPC | SYSVSEM, "root", EINVAL, "copy_namespaces.newipc_sysvsem"},
        // Unprivileged: the capability check in copy_namespaces() comes first ...
        OrderCase{NEWIPC | SYSVSEM, "unpriv", EPERM, "copy_namespaces.cap_sys_admin"},
        // ... unless a new user namespace gives the child CAP_SYS_ADMIN over the new ones.
        OrderCase{NEWUSER | NEWIPC | SYSVSEM, "unpriv", EINVAL, "copy_namespaces.newipc_sysvsem"},
        OrderCase{NEWUSER, "unpriv", 0, "copy_process.ok"},
        OrderCase{THREAD, "root", EINVAL, "copy_process.thread_needs_sighand"},
        OrderCase{THREAD | SIGHAND, "root", EINVAL, "copy_process.sighand_needs_vm"},
        OrderCase{NEWNS | FS | THREAD, "root", EINVAL, "copy_process.newns_fs"},
        OrderCase{NEWUSER | FS | NEWNS, "root", EINVAL, "copy_process.newns_fs"},
        OrderCase{NEWUSER | FS, "root", EINVAL, "copy_process.newuser_fs"},
        OrderCase{PARENT, "pidns_init", EINVAL, "copy_process.parent_from_init"},
        OrderCase{PARENT, "root", 0, "copy_process.ok"},
        OrderCase{THREAD | SIGHAND | VM | NEWPID, "root", EINVAL, "copy_process.thread_other_pidns"},
        OrderCase{THREAD | SIGHAND | VM | NEWUSER, "root", EINVAL, "copy_process.thread_other_pidns"},
        OrderCase{THREAD | SIGHAND | VM | NEWNS, "root", 0, "copy_process.ok"},
        // Legacy clone aliases pidfd and parent_tid: refused before copy_process().
        OrderCase{PIDFD | PARENT_SETTID | NEWNS | FS, "root", EINVAL, "kernel_clone.pidfd_parent_settid"},
        OrderCase{PIDFD | DETACHED, "root", EINVAL, "copy_process.pidfd_detached"},
        OrderCase{DETACHED, "root", 0, "copy_process.ok"},
        OrderCase{NEWNET, "unpriv", EPERM, "copy_namespaces.cap_sys_admin"}),
    order_case_name);

TEST(Predict, VersionRangesChangeTheVerdict) {
  Prediction old = predict_ok(PIDFD | THREAD | SIGHAND | VM, "root", kernel(6, 1));
  EXPECT_EQ(old.outcome.error, EINVAL);
  EXPECT_EQ(old.rule, "copy_process.pidfd_thread");
  Prediction now = predict_ok(PIDFD | THREAD | SIGHAND | VM, "root", kernel(6, 18));
  EXPECT_EQ(now.outcome.error, 0);
  bool skipped = false;
  for (const RuleStep& s : now.chain)
    if (s.rule->id == "copy_process.pidfd_thread") skipped = s.verdict == RuleStep::Verdict::not_in_kernel;
  EXPECT_TRUE(skipped);
}

TEST(Predict, TimeNamespaceRuleEndsWithV6_2) {
  Caller c = *caller_preset("root");
  c.time_for_children_differs = true;
  auto before = predict(Request{Entry::clone, VM, kSigchld}, c, kernel(6, 1));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->rule, "copy_process.timens_shared_vm");
  auto after = predict(Request{Entry::clone, VM, kSigchld}, c, kernel(6, 2));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->outcome.error, 0);
  EXPECT_EQ(after->outcome[Ns::time], Fact::no);  // a CLONE_VM child keeps the caller's
  auto fork_like = predict(Request{Entry::clone, 0, kSigchld}, c, kernel(6, 2));
  EXPECT_EQ(fork_like->outcome[Ns::time], Fact::yes);  // enters time_for_children
}

TEST(Predict, DebianKnobOnlyBindsWithoutCapSysAdmin) {
  Kernel debian = kernel(6, 1);
  debian.unprivileged_userns_clone = false;
  EXPECT_EQ(predict_ok(NEWUSER, "unpriv", debian).rule, "copy_process.debian_unprivileged_userns_clone");
  EXPECT_EQ(predict_ok(NEWUSER, "root", debian).outcome.error, 0);
  debian.unprivileged_userns_clone = true;
  EXPECT_EQ(predict_ok(NEWUSER, "unpriv", debian).outcome.error, 0);
}

// glibc's clone(): its own EINVALs for a NULL fn, then a NULL stack, come
// before every kernel rule; past them it is legacy clone, and its child's
// exit status is fn's return value where the caller reaps it.
TEST(Predict, GlibcClone) {
  const auto root = caller_preset("root");
  ASSERT_TRUE(root.ok());
  const auto glibc = [&](std::uint64_t flags, FnArg fn, StackArg stack) {
    Request r{Entry::glibc_clone, flags, kSigchld};
    r.fn = fn;
    r.stack = stack;
    auto p = predict(r, *root, kernel(6, 1));
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return std::move(p).value();
  };
  const auto H = FnArg::harness, N = FnArg::null;
  EXPECT_EQ(glibc(0, N, StackArg::harness).rule, "glibc_clone.null_fn");
  EXPECT_EQ(glibc(0, N, StackArg::none).rule, "glibc_clone.null_fn") << "fn is checked first";
  EXPECT_EQ(glibc(THREAD, N, StackArg::harness).rule, "glibc_clone.null_fn") << "before the kernel's EINVAL";
  Prediction stack = glibc(0, H, StackArg::none);
  EXPECT_EQ(stack.rule, "glibc_clone.null_stack");
  EXPECT_EQ(stack.outcome.error, EINVAL);
  EXPECT_EQ(glibc(THREAD, H, StackArg::harness).rule, "copy_process.thread_needs_sighand");
  Prediction made = glibc(0, H, StackArg::harness);
  EXPECT_EQ(made.rule, kSuccessRuleId);
  EXPECT_EQ(made.outcome[Trait::exit_status_from_fn], Fact::yes);
  EXPECT_EQ(glibc(VM | SIGHAND | THREAD, H, StackArg::harness).outcome[Trait::exit_status_from_fn], Fact::unknown);
  EXPECT_EQ(predict_ok(0).outcome[Trait::exit_status_from_fn], Fact::unknown) << "raw clone has no fn";
}

// Legacy clone's parent_tidptr is also its pidfd pointer: CLONE_PIDFD's
// put_user() there faults as EFAULT (copy_process()), while the tid puts of
// kernel_clone() and the child ignore theirs.
TEST(Predict, LegacyCloneTidPointersIntoAProtNonePage) {
  const auto root = caller_preset("root");
  ASSERT_TRUE(root.ok());
  const auto legacy = [&](std::uint64_t flags, PointerArg parent, PointerArg child, Kernel k = kernel(6, 18)) {
    Request r{Entry::clone, flags, kSigchld};
    r.clone3.parent_tid_at = parent;
    r.clone3.child_tid_at = child;
    auto p = predict(r, *root, k);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return std::move(p).value();
  };
  const auto U = PointerArg::unmapped, H = PointerArg::harness;
  Prediction pidfd = legacy(PIDFD, U, H);
  EXPECT_EQ(pidfd.outcome.error, EFAULT);
  EXPECT_EQ(pidfd.rule, "copy_process.pidfd_fault");
  EXPECT_EQ(legacy(PIDFD, U, H, kernel(5, 2)).rule, "copy_process.pidfd_fault") << "legacy CLONE_PIDFD came in v5.2";
  EXPECT_EQ(legacy(PIDFD | PARENT_SETTID, U, H).outcome.error, EINVAL) << "the flags collide before any copy";
  Prediction settid = legacy(PARENT_SETTID, U, H);
  EXPECT_EQ(settid.rule, kSuccessRuleId);
  EXPECT_EQ(settid.outcome[Trait::parent_settid], Fact::unknown) << "nothing can be seen in a PROT_NONE page";
  EXPECT_EQ(legacy(PARENT_SETTID, H, H).outcome[Trait::parent_settid], Fact::yes);
  Prediction child = legacy(VM | CHILD_SETTID | CHILD_CLEARTID, H, U);
  EXPECT_EQ(child.rule, kSuccessRuleId);
  EXPECT_EQ(child.outcome[Trait::child_settid], Fact::unknown);
  EXPECT_EQ(child.outcome[Trait::child_cleartid], Fact::unknown);
  EXPECT_EQ(legacy(0, U, U).rule, kSuccessRuleId);
}

TEST(Predict, HighBitsOfLegacyCloneChangeNothing) {
  const std::uint64_t base = VM | SIGHAND | THREAD;
  for (std::uint64_t extra : {1ULL << 32, 1ULL << 40, 1ULL << 63}) {
    Prediction with = predict_ok(base | extra);
    Prediction without = predict_ok(base);
    EXPECT_EQ(with.outcome, without.outcome);
    EXPECT_EQ(with.call.dropped, extra);
    EXPECT_FALSE(with.notes.empty());
  }
}

TEST(Predict, SharingFollowsTheFlags) {
  Prediction p = predict_ok(VM | FS | SYSVSEM);
  EXPECT_EQ(p.outcome[Resource::vm], Fact::yes);
  EXPECT_EQ(p.outcome[Resource::fs], Fact::yes);
  EXPECT_EQ(p.outcome[Resource::sysvsem], Fact::yes);
  EXPECT_EQ(p.outcome[Resource::files], Fact::no);
  EXPECT_EQ(p.outcome[Resource::sighand], Fact::no);
  EXPECT_EQ(p.outcome[Resource::io], Fact::no);
  EXPECT_EQ(p.outcome.same_tgid, Fact::no);
  EXPECT_EQ(p.outcome.ppid_is_caller, Fact::yes);
  EXPECT_EQ(p.outcome.exit_signal, 17);
  for (Ns n : kNamespaces) EXPECT_EQ(p.outcome[n], Fact::no) << ns_name(n);
}

TEST(Predict, ExitSignalOfThreadsAndSiblings) {
  EXPECT_EQ(predict_ok(VM | SIGHAND | THREAD).outcome.exit_signal, -1);
  EXPECT_EQ(predict_ok(VM | SIGHAND | THREAD).outcome.ppid_is_caller, Fact::no);
  Caller c = *caller_preset("root");
  c.leader_exit_signal = 0;
  auto p = predict(Request{Entry::clone, PARENT, 10}, c, kernel(6, 18));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->outcome.exit_signal, 0);  // the leader's, not SIGUSR1
  EXPECT_EQ(p->outcome.ppid_is_caller, Fact::no);
  EXPECT_EQ(predict_ok(0, "root", kernel(6, 18), 255).outcome.exit_signal, 255);
}

TEST(Predict, NamespacesFollowTheFlags) {
  Prediction p = predict_ok(NEWPID | NEWUSER | NEWNS);
  EXPECT_EQ(p.outcome[Ns::pid], Fact::yes);
  EXPECT_EQ(p.outcome[Ns::pid_for_children], Fact::yes);
  EXPECT_EQ(p.outcome[Ns::user], Fact::yes);
  EXPECT_EQ(p.outcome[Ns::mnt], Fact::yes);
  EXPECT_EQ(p.outcome[Ns::net], Fact::no);
  EXPECT_EQ(p.outcome[Ns::time], Fact::no);
}

TEST(Predict, UnprimedCallerMakesIoAndSysvsemUnknown) {
  Caller c = *caller_preset("root");
  c.io_context = false;
  c.sysvsem_undo = false;
  auto p = predict(Request{Entry::clone, 0, kSigchld}, c, kernel(6, 18));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->outcome[Resource::io], Fact::unknown);
  EXPECT_EQ(p->outcome[Resource::sysvsem], Fact::unknown);
  auto shared = predict(Request{Entry::clone, SYSVSEM, kSigchld}, c, kernel(6, 18));
  EXPECT_EQ(shared->outcome[Resource::sysvsem], Fact::yes);  // allocated and shared
}

TEST(Predict, APidNamespaceInitSharingHandlersLeavesSigchldIgnored) {
  // zap_pid_ns_processes() sets SIGCHLD to SIG_IGN in the init's sighand,
  // the caller's too under CLONE_SIGHAND; do_notify_parent() then drops it.
  Prediction shared = predict_ok(VM | SIGHAND | NEWPID);
  EXPECT_EQ(shared.outcome[Trait::caller_sigchld_ignored], Fact::yes);
  EXPECT_EQ(shared.outcome.parent_signal, 0);
  Prediction own = predict_ok(VM | NEWPID);
  EXPECT_EQ(own.outcome[Trait::caller_sigchld_ignored], Fact::no);
  EXPECT_EQ(own.outcome.parent_signal, 17);
  // Another exit signal is still sent; a CLONE_PARENT child notifies our parent.
  EXPECT_EQ(predict_ok(VM | SIGHAND | NEWPID, "root", kernel(6, 18), 10).outcome.parent_signal, 10);
  Prediction sibling = predict_ok(VM | SIGHAND | NEWPID | PARENT);
  EXPECT_EQ(sibling.outcome[Trait::caller_sigchld_ignored], Fact::yes);
  EXPECT_EQ(sibling.outcome.parent_signal, 0);
}

// What is observed about every child: its pids, what starts equal, where
// CLONE_PARENT puts it, and a new network namespace.
TEST(Predict, PidsCopiedStateParentAndNetwork) {
  const Prediction plain = predict_ok(0);
  for (Trait t : {Trait::tid_is_returned_pid, Trait::nspid_has_returned_pid, Trait::tid_is_innermost_nspid,
                  Trait::reaped_pid_is_returned, Trait::umask_copied, Trait::cwd_copied, Trait::root_copied,
                  Trait::creds_copied, Trait::memory_copied, Trait::open_file_shared})
    EXPECT_EQ(plain.outcome[t], Fact::yes) << trait_name(t);
  EXPECT_EQ(plain.outcome[Trait::ppid_is_callers_parent], Fact::no);
  EXPECT_EQ(plain.outcome[Trait::net_loopback_only_down], Fact::unknown);

  // Born in a new pid namespace: its own tid (1) is not the returned pid.
  EXPECT_EQ(predict_ok(NEWPID).outcome[Trait::tid_is_returned_pid], Fact::no);
  EXPECT_EQ(predict_ok(NEWPID).outcome[Trait::nspid_has_returned_pid], Fact::yes);
  EXPECT_EQ(predict_ok(NEWNET).outcome[Trait::net_loopback_only_down], Fact::yes);

  // A sibling or a thread: the caller's parent is its parent, and the caller
  // does not wait for it.
  for (std::uint64_t f : {PARENT, VM | SIGHAND | THREAD}) {
    const Prediction p = predict_ok(f);
    EXPECT_EQ(p.outcome[Trait::ppid_is_callers_parent], Fact::yes) << format_flags(f);
    EXPECT_EQ(p.outcome[Trait::reaped_pid_is_returned], Fact::unknown) << format_flags(f);
  }
}

TEST(Predict, ForkAndVfork) {
  Caller c = *caller_preset("root");
  auto fork = predict(Request{Entry::fork, 0, kSigchld}, c, kernel(6, 18));
  ASSERT_TRUE(fork.ok());
  EXPECT_EQ(fork->outcome[Resource::vm], Fact::no);
  auto vfork = predict(Request{Entry::vfork, 0, kSigchld}, c, kernel(6, 18));
  ASSERT_TRUE(vfork.ok());
  EXPECT_EQ(vfork->outcome[Resource::vm], Fact::yes);
  EXPECT_EQ(vfork->outcome.exit_signal, 17);
}

}  // namespace
}  // namespace clonediff::model
