// clone3's own layer (copy_clone_args_from_user, clone3_args_valid) and the
// late rules its fields reach (alloc_pid for set_tid, cgroup_can_fork).
#include <gtest/gtest.h>

#include <cctype>
#include <functional>

#include "model/flags.hpp"
#include "model/predict.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

struct Clone3Case {
  const char* name;
  std::function<void(Request&)> set;
  std::string_view preset;
  int error;
  std::string_view rule;
};

void PrintTo(const Clone3Case& c, std::ostream* os) { *os << c.name << " as " << c.preset; }

Request clone3(std::uint64_t flags = 0, std::uint64_t sig = kSigchld) { return Request{Entry::clone3, flags, sig}; }

class Clone3Rules : public ::testing::TestWithParam<Clone3Case> {};

TEST_P(Clone3Rules, FirstFiringRuleDecides) {
  const Clone3Case& c = GetParam();
  Request r = clone3();
  c.set(r);
  Kernel k;
  k.version = {6, 18, 0};
  k.pid_max = 32768;
  auto p = predict(r, *caller_preset(c.preset), k);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->outcome.error, c.error) << c.name;
  EXPECT_EQ(p->rule, c.rule) << c.name;
}

TidSpec n(long long v) { return TidSpec{TidSpec::Kind::number, v}; }
const TidSpec kFree{TidSpec::Kind::free, 0};
const TidSpec kReaped{TidSpec::Kind::reaped, 0};
const TidSpec kInUse{TidSpec::Kind::in_use, 0};

INSTANTIATE_TEST_SUITE_P(
    Table, Clone3Rules,
    ::testing::Values(
        Clone3Case{"ver2", [](Request&) {}, "root", 0, "copy_process.ok"},
        Clone3Case{"ver0", [](Request& r) { r.clone3.size = 64; }, "root", 0, "copy_process.ok"},
        Clone3Case{"below ver0", [](Request& r) { r.clone3.size = 56; }, "root", EINVAL, "clone3.size_below_ver0"},
        Clone3Case{"zero size", [](Request& r) { r.clone3.size = 0; }, "root", EINVAL, "clone3.size_below_ver0"},
        Clone3Case{"page", [](Request& r) { r.clone3.size = 4096; }, "root", 0, "copy_process.ok"},
        Clone3Case{"above a page", [](Request& r) { r.clone3.size = 4104; r.clone3.tail = TailArg::nonzero; }, "root",
                   E2BIG, "clone3.size_above_page"},
        Clone3Case{"zero tail", [](Request& r) { r.clone3.size = 96; }, "root", 0, "copy_process.ok"},
        Clone3Case{"nonzero tail", [](Request& r) { r.clone3.size = 96; r.clone3.tail = TailArg::nonzero; }, "root",
                   E2BIG, "clone3.nonzero_tail"},
        // Beyond size the struct reads as zero: an ignored set_tid, an absent cgroup.
        Clone3Case{"set_tid beyond ver0", [](Request& r) { r.clone3.size = 64; r.clone3.set_tid = {{n(0)}}; }, "root",
                   0, "copy_process.ok"},
        Clone3Case{"unknown flag", [](Request& r) { r.flags = 1ULL << 40; }, "root", EINVAL, "clone3.unknown_flags"},
        Clone3Case{"csignal bits", [](Request& r) { r.flags = 0x11; }, "root", EINVAL, "clone3.detached_or_csignal"},
        Clone3Case{"detached", [](Request& r) { r.flags = DETACHED; }, "root", EINVAL, "clone3.detached_or_csignal"},
        Clone3Case{"newtime", [](Request& r) { r.flags = NEWTIME; }, "root", 0, "copy_process.ok"},
        Clone3Case{"newtime unpriv", [](Request& r) { r.flags = NEWTIME; }, "unpriv", EPERM,
                   "copy_namespaces.cap_sys_admin"},
        Clone3Case{"exit signal 64", [](Request& r) { r.exit_signal = 64; }, "root", 0, "copy_process.ok"},
        Clone3Case{"exit signal 65", [](Request& r) { r.exit_signal = 65; }, "root", EINVAL, "clone3.exit_signal_invalid"},
        Clone3Case{"exit signal high bits", [](Request& r) { r.exit_signal = (1ULL << 32) | 17; }, "root", EINVAL,
                   "clone3.exit_signal_invalid"},
        Clone3Case{"thread with exit signal", [](Request& r) { r.flags = VM | SIGHAND | THREAD; }, "root", EINVAL,
                   "clone3.exit_signal_with_thread_or_parent"},
        Clone3Case{"thread", [](Request& r) { r.flags = VM | SIGHAND | THREAD; r.exit_signal = 0; }, "root", 0,
                   "copy_process.ok"},
        Clone3Case{"parent with exit signal", [](Request& r) { r.flags = PARENT; }, "root", EINVAL,
                   "clone3.exit_signal_with_thread_or_parent"},
        Clone3Case{"sighand and clear", [](Request& r) { r.flags = VM | SIGHAND | CLEAR_SIGHAND; }, "root", EINVAL,
                   "clone3.sighand_and_clear_sighand"},
        Clone3Case{"stack size only", [](Request& r) { r.stack = StackArg::size_without_address; }, "root", EINVAL,
                   "clone3.stack_invalid"},
        Clone3Case{"kernel stack", [](Request& r) { r.stack = StackArg::kernel_address; }, "root", EINVAL,
                   "clone3.stack_invalid"},
        Clone3Case{"no stack", [](Request& r) { r.stack = StackArg::none; }, "root", 0, "copy_process.ok"},
        Clone3Case{"pidfd same as parent_tid", [](Request& r) { r.flags = PIDFD | PARENT_SETTID; r.clone3.pidfd_is_parent_tid = true; },
                   "root", EINVAL, "kernel_clone.pidfd_parent_settid"},
        Clone3Case{"pidfd apart from parent_tid", [](Request& r) { r.flags = PIDFD | PARENT_SETTID; }, "root", 0,
                   "copy_process.ok"},
        Clone3Case{"set_tid size 33", [](Request& r) { r.clone3.set_tid = std::vector<TidSpec>(33, kFree); }, "root",
                   EINVAL, "clone3.set_tid_size_above_max"},
        Clone3Case{"NULL set_tid with size", [](Request& r) { r.clone3.set_tid_size = 1; }, "root", EINVAL,
                   "clone3.set_tid_size_without_array"},
        Clone3Case{"set_tid with size 0", [](Request& r) { r.clone3.set_tid = {{kFree}}; r.clone3.set_tid_size = 0; },
                   "root", EINVAL, "clone3.set_tid_array_without_size"},
        Clone3Case{"set_tid free", [](Request& r) { r.clone3.set_tid = {{kFree}}; }, "root", 0, "copy_process.ok"},
        Clone3Case{"set_tid in use", [](Request& r) { r.clone3.set_tid = {{kInUse}}; }, "root", EEXIST,
                   "alloc_pid.set_tid_in_use"},
        // A pid reaped a moment ago is free to ask for again.
        Clone3Case{"set_tid reaped", [](Request& r) { r.clone3.set_tid = {{kReaped}}; }, "root", 0, "copy_process.ok"},
        Clone3Case{"set_tid reaped, nested", [](Request& r) { r.clone3.set_tid = {{kReaped}}; }, "pidns_init", 0,
                   "copy_process.ok"},
        Clone3Case{"set_tid reaped in a new namespace", [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{kReaped}}; },
                   "root", EINVAL, "alloc_pid.set_tid_no_init"},
        Clone3Case{"set_tid 1 and reaped", [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{n(1), kReaped}}; },
                   "root", 0, "copy_process.ok"},
        Clone3Case{"set_tid reaped, unprivileged", [](Request& r) { r.clone3.set_tid = {{kReaped}}; }, "unpriv", EPERM,
                   "alloc_pid.set_tid_capability"},
        Clone3Case{"set_tid 1 is init's", [](Request& r) { r.clone3.set_tid = {{n(1)}}; }, "root", EEXIST,
                   "alloc_pid.set_tid_in_use"},
        Clone3Case{"set_tid 0", [](Request& r) { r.clone3.set_tid = {{n(0)}}; }, "root", EINVAL,
                   "alloc_pid.set_tid_range_pidns"},
        Clone3Case{"set_tid pid_max", [](Request& r) { r.clone3.set_tid = {{n(32768)}}; }, "root", EINVAL,
                   "alloc_pid.set_tid_range_pidns"},
        // Since 6.14 a pid namespace below the initial one has its own pid_max,
        // PID_MAX_LIMIT from its start (found by clonediff explore).
        Clone3Case{"set_tid above kernel.pid_max, nested", [](Request& r) { r.clone3.set_tid = {{n(32768)}}; },
                   "pidns_init", 0, "copy_process.ok"},
        Clone3Case{"set_tid PID_MAX_LIMIT, nested", [](Request& r) { r.clone3.set_tid = {{n(4194304)}}; },
                   "pidns_init", EINVAL, "alloc_pid.set_tid_range_pidns"},
        Clone3Case{"set_tid pid_max, the initial namespace's entry",
                   [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{n(1), n(32768)}}; }, "root", EINVAL,
                   "alloc_pid.set_tid_range_pidns"},
        Clone3Case{"set_tid above kernel.pid_max in a new namespace",
                   [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{n(1), kFree}}; }, "root", 0,
                   "copy_process.ok"},
        Clone3Case{"set_tid too deep", [](Request& r) { r.clone3.set_tid = {{kFree, kFree}}; }, "root", EINVAL,
                   "alloc_pid.set_tid_too_deep"},
        Clone3Case{"set_tid unprivileged", [](Request& r) { r.clone3.set_tid = {{kFree}}; }, "unpriv", EPERM,
                   "alloc_pid.set_tid_capability"},
        Clone3Case{"pid 1 in a new pid namespace", [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{n(1)}}; }, "root",
                   0, "copy_process.ok"},
        Clone3Case{"pid 1 and free outside", [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{n(1), kFree}}; },
                   "root", 0, "copy_process.ok"},
        Clone3Case{"pid 2 in a new pid namespace", [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{n(2)}}; }, "root",
                   EINVAL, "alloc_pid.set_tid_no_init"},
        // Level by level: the first bad entry decides, whatever later ones hold.
        Clone3Case{"in use before range", [](Request& r) { r.flags = NEWPID; r.clone3.set_tid = {{n(1), n(0)}}; }, "root",
                   EINVAL, "alloc_pid.set_tid_range_pidns"},
        Clone3Case{"into cgroup", [](Request& r) { r.flags = INTO_CGROUP; r.clone3.cgroup = CgroupArg::harness; }, "root",
                   0, "copy_process.ok"},
        Clone3Case{"into cgroup, size 80", [](Request& r) { r.flags = INTO_CGROUP; r.clone3.cgroup = CgroupArg::harness; r.clone3.size = 80; },
                   "root", EINVAL, "clone3.into_cgroup_args"},
        Clone3Case{"into cgroup, fd above INT_MAX", [](Request& r) { r.flags = INTO_CGROUP; r.clone3.cgroup = CgroupArg::above_int_max; },
                   "root", EINVAL, "clone3.into_cgroup_args"},
        Clone3Case{"into cgroup, bad fd", [](Request& r) { r.flags = INTO_CGROUP; r.clone3.cgroup = CgroupArg::bad_fd; },
                   "root", EBADF, "cgroup_css_set_fork.not_cgroup2_dir"},
        Clone3Case{"into cgroup, set_tid in use first", [](Request& r) { r.flags = INTO_CGROUP; r.clone3.cgroup = CgroupArg::bad_fd; r.clone3.set_tid = {{kInUse}}; },
                   "root", EEXIST, "alloc_pid.set_tid_in_use"},
        Clone3Case{"into cgroup, thread", [](Request& r) { r.flags = INTO_CGROUP | VM | SIGHAND | THREAD; r.exit_signal = 0; r.clone3.cgroup = CgroupArg::harness; },
                   "root", EOPNOTSUPP, "cgroup_attach_permissions.thread_other_domain"},
        // Any 64-bit exit_signal: bits above CSIGNAL, or above _NSIG.
        Clone3Case{"exit_signal bit 63", [](Request& r) { r.exit_signal = 1ULL << 63; }, "root", EINVAL,
                   "clone3.exit_signal_invalid"},
        Clone3Case{"exit_signal -1", [](Request& r) { r.exit_signal = ~0ULL; }, "root", EINVAL,
                   "clone3.exit_signal_invalid"},
        Clone3Case{"exit_signal upper half", [](Request& r) { r.exit_signal = 0xbadc0ded00000000ULL; }, "root", EINVAL,
                   "clone3.exit_signal_invalid"},
        // stack_size: any, with or without a stack.
        Clone3Case{"stack_size 4", [](Request& r) { r.clone3.stack_size = 4; }, "root", 0, "copy_process.ok"},
        Clone3Case{"stack_size 0", [](Request& r) { r.clone3.stack_size = 0; }, "root", EINVAL, "clone3.stack_invalid"},
        Clone3Case{"stack_size 4 without stack", [](Request& r) { r.stack = StackArg::none; r.clone3.stack_size = 4; },
                   "root", EINVAL, "clone3.stack_invalid"},
        Clone3Case{"no stack, stack_size 0",
                   [](Request& r) { r.stack = StackArg::size_without_address; r.clone3.stack_size = 0; }, "root", 0,
                   "copy_process.ok"},
        Clone3Case{"kernel stack, stack_size 0",
                   [](Request& r) { r.stack = StackArg::kernel_address; r.clone3.stack_size = 0; }, "root", EINVAL,
                   "clone3.stack_invalid"},
        // The copies, in the kernel's order.
        Clone3Case{"args unmapped", [](Request& r) { r.clone3.args = ArgsArg::unmapped; }, "root", EFAULT,
                   "clone3.args_fault"},
        Clone3Case{"args unmapped, size 56", [](Request& r) { r.clone3.args = ArgsArg::unmapped; r.clone3.size = 56; },
                   "root", EINVAL, "clone3.size_below_ver0"},
        Clone3Case{"args unmapped, above a page",
                   [](Request& r) { r.clone3.args = ArgsArg::unmapped; r.clone3.size = 4104; }, "root", E2BIG,
                   "clone3.size_above_page"},
        Clone3Case{"args at guard", [](Request& r) { r.clone3.args = ArgsArg::at_guard; }, "root", 0, "copy_process.ok"},
        Clone3Case{"args at guard, size 96", [](Request& r) { r.clone3.args = ArgsArg::at_guard; r.clone3.size = 96; },
                   "root", EFAULT, "clone3.args_fault"},
        Clone3Case{"set_tid unmapped", [](Request& r) { r.clone3.set_tid_at = PointerArg::unmapped; }, "root", EFAULT,
                   "clone3.set_tid_fault"},
        Clone3Case{"set_tid unmapped, size 40",
                   [](Request& r) { r.clone3.set_tid_at = PointerArg::unmapped; r.clone3.set_tid_size = 40; }, "root",
                   EINVAL, "clone3.set_tid_size_above_max"},
        Clone3Case{"set_tid unmapped, exit_signal 65",
                   [](Request& r) { r.clone3.set_tid_at = PointerArg::unmapped; r.exit_signal = 65; }, "root", EINVAL,
                   "clone3.exit_signal_invalid"},
        Clone3Case{"set_tid unmapped, unknown flag",
                   [](Request& r) { r.clone3.set_tid_at = PointerArg::unmapped; r.flags = 1ULL << 34; }, "root", EFAULT,
                   "clone3.set_tid_fault"},
        Clone3Case{"set_tid unmapped, size 64",
                   [](Request& r) { r.clone3.set_tid_at = PointerArg::unmapped; r.clone3.size = 64; }, "root", 0,
                   "copy_process.ok"},
        Clone3Case{"pidfd unmapped", [](Request& r) { r.flags = PIDFD; r.clone3.pidfd_at = PointerArg::unmapped; },
                   "root", EFAULT, "copy_process.pidfd_fault"},
        Clone3Case{"pidfd unmapped, no CLONE_PIDFD", [](Request& r) { r.clone3.pidfd_at = PointerArg::unmapped; },
                   "root", 0, "copy_process.ok"},
        Clone3Case{"pidfd unmapped, set_tid in use first",
                   [](Request& r) { r.flags = PIDFD; r.clone3.pidfd_at = PointerArg::unmapped; r.clone3.set_tid = {{kInUse}}; },
                   "root", EEXIST, "alloc_pid.set_tid_in_use"},
        Clone3Case{"pidfd unmapped before the cgroup",
                   [](Request& r) { r.flags = PIDFD | INTO_CGROUP; r.clone3.pidfd_at = PointerArg::unmapped; r.clone3.cgroup = CgroupArg::bad_fd; },
                   "root", EFAULT, "copy_process.pidfd_fault"},
        Clone3Case{"pidfd at an unmapped parent_tid",
                   [](Request& r) { r.flags = PIDFD; r.clone3.pidfd_is_parent_tid = true; r.clone3.parent_tid_at = PointerArg::unmapped; },
                   "root", EFAULT, "copy_process.pidfd_fault"},
        Clone3Case{"parent_tid unmapped", [](Request& r) { r.flags = PARENT_SETTID; r.clone3.parent_tid_at = PointerArg::unmapped; },
                   "root", 0, "copy_process.ok"},
        Clone3Case{"child_tid unmapped", [](Request& r) { r.flags = CHILD_SETTID | CHILD_CLEARTID; r.clone3.child_tid_at = PointerArg::unmapped; },
                   "root", 0, "copy_process.ok"}),
    [](const ::testing::TestParamInfo<Clone3Case>& param) {
      std::string s = param.param.name;
      for (char& ch : s)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return s;
    });

TEST(Clone3, SizeDecidesWhatTheKernelReads) {
  Request r = clone3();
  r.clone3.set_tid = {{kFree}};
  r.clone3.cgroup = CgroupArg::harness;
  r.clone3.size = 80;
  auto k = kernel_call(r);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(k->set_tid_pointer);
  EXPECT_EQ(k->set_tid_size, 1u);
  EXPECT_EQ(k->cgroup, CgroupArg::none);
  // copy_struct_from_user() copies byte by byte: set_tid (offset 64) is
  // read from size 65 on (the harness's array has a non-zero low address
  // byte), set_tid_size (offset 72) as its low bytes from 73 on. So size 72
  // passes a set_tid array without a size: EINVAL, as the kernel showed
  // (found by clonediff explore).
  r.clone3.size = 72;
  k = kernel_call(r);
  EXPECT_TRUE(k->set_tid_pointer);
  EXPECT_EQ(k->set_tid_size, 0u);
  auto p = predict(r, *caller_preset("root"), Kernel{{6, 18, 0}, "", std::nullopt, std::nullopt});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->rule, "clone3.set_tid_array_without_size");
  r.clone3.size = 65;
  EXPECT_TRUE(kernel_call(r)->set_tid_pointer);
  r.clone3.size = 64;
  EXPECT_FALSE(kernel_call(r)->set_tid_pointer);
  r.clone3.set_tid_size = 0x100000001ULL;
  r.clone3.size = 76;
  EXPECT_EQ(kernel_call(r)->set_tid_size, 1u);
  r.clone3.size = 79;
  EXPECT_EQ(kernel_call(r)->set_tid_size, 0x100000001ULL);
}

TEST(Clone3, FieldsOfOtherEntriesAreRefused) {
  Request r{Entry::clone, 0, kSigchld};
  r.clone3.size = 64;
  EXPECT_FALSE(validate(r).ok());
  Request f{Entry::fork, 0, kSigchld};
  f.tls = TlsArg::harness;
  EXPECT_FALSE(validate(f).ok());
  Request legacy{Entry::clone, 0, kSigchld};
  legacy.stack = StackArg::kernel_address;
  EXPECT_FALSE(validate(legacy).ok());
}

TEST(Clone3, TidSpecsAndArgumentNamesRoundTrip) {
  for (const char* s : {"free", "in_use", "1", "-3", "40000"}) EXPECT_EQ(tid_spec_text(*parse_tid_spec(s)), s);
  EXPECT_FALSE(parse_tid_spec("one").ok());
  EXPECT_EQ(*parse_stack_arg(stack_arg_name(StackArg::kernel_address)), StackArg::kernel_address);
  EXPECT_EQ(*parse_cgroup_arg("bad_fd"), CgroupArg::bad_fd);
  EXPECT_FALSE(parse_tls_arg("maybe").ok());
}

}  // namespace
}  // namespace clonediff::model

namespace clonediff::model {
namespace {

// A write the kernel makes after the child exists ignores its fault: nothing
// is predicted about a word nobody can read.
TEST(Clone3Pointers, UnmappedTidWordsPredictNothing) {
  Kernel k;
  k.version = {6, 18, 0};
  Request r = clone3(PARENT_SETTID | CHILD_SETTID | CHILD_CLEARTID | VM);
  auto mapped = predict(r, *caller_preset("root"), k);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->outcome[Trait::parent_settid], Fact::yes);
  EXPECT_EQ(mapped->outcome[Trait::child_settid], Fact::yes);
  r.clone3.parent_tid_at = PointerArg::unmapped;
  r.clone3.child_tid_at = PointerArg::unmapped;
  auto p = predict(r, *caller_preset("root"), k);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->outcome.error, 0);
  for (Trait t : {Trait::parent_settid, Trait::child_settid, Trait::child_cleartid, Trait::cleartid_wake})
    EXPECT_EQ(p->outcome[t], Fact::unknown) << trait_name(t);
}

TEST(Clone3Pointers, ExitSignalValuesParseAsTheSelftestsWriteThem) {
  EXPECT_EQ(*parse_exit_signal_value("-1"), ~0ULL);
  EXPECT_EQ(*parse_exit_signal_value("0xbadc0ded00000000"), 0xbadc0ded00000000ULL);
  EXPECT_EQ(*parse_exit_signal_value("18446744073709551615"), ~0ULL);
  EXPECT_EQ(*parse_exit_signal_value("SIGCHLD"), kSigchld);
  EXPECT_EQ(*parse_exit_signal_value("CHLD"), kSigchld);
  EXPECT_FALSE(parse_exit_signal_value("0x").ok());
  EXPECT_FALSE(parse_exit_signal_value("18446744073709551616").ok());
  EXPECT_FALSE(parse_exit_signal_value("SIGNOPE").ok());
}

TEST(Clone3Pointers, ValidateRefusesWhatCannotBeMade) {
  Request r = clone3();
  r.clone3.args = ArgsArg::at_guard;
  r.clone3.tail = TailArg::nonzero;
  r.clone3.size = 96;
  EXPECT_FALSE(validate(r).ok());
  Request s = clone3();
  s.stack = StackArg::address_without_size;
  s.clone3.stack_size = 4;
  EXPECT_FALSE(validate(s).ok());
  Request big = clone3();
  big.clone3.stack_size = kMaxHarnessStackSize + 1;
  EXPECT_FALSE(validate(big).ok());
  big.stack = StackArg::none;
  EXPECT_TRUE(validate(big).ok());
  // Legacy clone has a parent_tid and child_tid of its own, but its pidfd
  // is parent_tid: no pidfd=unmapped.
  Request legacy{Entry::clone, 0, kSigchld};
  legacy.clone3.child_tid_at = PointerArg::unmapped;
  EXPECT_TRUE(validate(legacy).ok());
  legacy.clone3.pidfd_at = PointerArg::unmapped;
  EXPECT_FALSE(validate(legacy).ok());
}

}  // namespace
}  // namespace clonediff::model
