#include "model/request.hpp"

#include <gtest/gtest.h>

#include "model/flags.hpp"

namespace clonediff::model {
namespace {

TEST(Request, LegacyCloneKeepsOnlyTheLow32BitsAndSplitsTheExitSignal) {
  Request r{Entry::clone, flag::VM | (1ULL << 32) | (1ULL << 40) | (1ULL << 63), 65};
  auto k = kernel_call(r);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->flags, flag::VM);
  EXPECT_EQ(k->exit_signal, 65u);
  EXPECT_EQ(k->dropped, (1ULL << 32) | (1ULL << 40) | (1ULL << 63));
  EXPECT_TRUE(k->pidfd_aliases_parent_tid);
}

TEST(Request, LegacyCloneRejectsLowByteFlagsAndWideExitSignals) {
  EXPECT_FALSE(validate(Request{Entry::clone, flag::NEWTIME, 17}).ok());
  EXPECT_FALSE(validate(Request{Entry::clone, 0, 256}).ok());
  EXPECT_TRUE(validate(Request{Entry::clone, 0, 255}).ok());
}

TEST(Request, LegacyCloneTakesTidPointersButNoOtherClone3Field) {
  Request r{Entry::clone, flag::PIDFD, kSigchld};
  r.clone3.parent_tid_at = PointerArg::unmapped;
  auto k = kernel_call(r);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_TRUE(k->parent_tid_fault);
  EXPECT_TRUE(k->pidfd_fault) << "legacy clone's pidfd is parent_tidptr";
  EXPECT_FALSE(k->child_tid_fault);
  r.clone3.parent_tid_at = PointerArg::harness;
  r.clone3.child_tid_at = PointerArg::unmapped;
  k = kernel_call(r);
  ASSERT_TRUE(k.ok());
  EXPECT_FALSE(k->pidfd_fault);
  EXPECT_TRUE(k->child_tid_fault);
  Request other = r;
  other.clone3.pidfd_at = PointerArg::unmapped;
  EXPECT_FALSE(validate(other).ok()) << "pidfd=unmapped is clone3's; legacy clone's pidfd is parent_tid";
  other = r;
  other.clone3.size = 64;
  EXPECT_FALSE(validate(other).ok());
  Request fork{Entry::fork, 0, kSigchld};
  fork.clone3.child_tid_at = PointerArg::unmapped;
  EXPECT_FALSE(validate(fork).ok());
}

TEST(Request, LibraryRoutes) {
  auto fork = kernel_call(Request{Entry::fork, 0, kSigchld});
  ASSERT_TRUE(fork.ok());
  EXPECT_EQ(fork->syscall, Syscall::clone);
  EXPECT_EQ(fork->flags, flag::CHILD_SETTID | flag::CHILD_CLEARTID);
  auto vfork = kernel_call(Request{Entry::vfork, 0, kSigchld});
  ASSERT_TRUE(vfork.ok());
  EXPECT_EQ(vfork->syscall, Syscall::vfork);
  EXPECT_EQ(vfork->flags, flag::VM | flag::VFORK);
  EXPECT_FALSE(validate(Request{Entry::fork, flag::VM, kSigchld}).ok());
  auto thread = kernel_call(Request{Entry::pthread_create, 0, kSigchld});
  ASSERT_TRUE(thread.ok());
  EXPECT_EQ(thread->syscall, Syscall::clone3);
  EXPECT_TRUE(thread->flags & flag::THREAD);
  EXPECT_EQ(thread->exit_signal, 0u);
  auto spawn = kernel_call(Request{Entry::posix_spawn, 0, kSigchld});
  ASSERT_TRUE(spawn.ok());
  EXPECT_EQ(spawn->flags, flag::VM | flag::VFORK);
  EXPECT_FALSE(validate(Request{Entry::system, flag::VM, kSigchld}).ok());
}

TEST(Request, GlibcCloneIsLegacyCloneBehindGlibcsChecks) {
  Request r{Entry::glibc_clone, flag::VM, 0};
  auto k = kernel_call(r);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->syscall, Syscall::clone);
  EXPECT_EQ(k->flags, flag::VM);
  EXPECT_TRUE(k->exit_status_from_fn);
  EXPECT_FALSE(k->library_null_fn || k->library_null_stack);
  r.fn = FnArg::null;
  r.stack = StackArg::none;
  k = kernel_call(r);
  ASSERT_TRUE(k.ok());
  EXPECT_TRUE(k->library_null_fn);
  EXPECT_TRUE(k->library_null_stack);
  EXPECT_TRUE(is_library_entry(Entry::glibc_clone)) << "run under the supervisor";
  EXPECT_FALSE(validate(Request{Entry::glibc_clone, 1ULL << 32, kSigchld}).ok()) << "its flags are an int";
  EXPECT_FALSE(validate(Request{Entry::glibc_clone, 0, 256}).ok());
  Request fn_elsewhere{Entry::clone, 0, kSigchld};
  fn_elsewhere.fn = FnArg::null;
  EXPECT_FALSE(validate(fn_elsewhere).ok());
  Request kernel_stack{Entry::glibc_clone, 0, kSigchld};
  kernel_stack.stack = StackArg::kernel_address;
  EXPECT_FALSE(validate(kernel_stack).ok());
  EXPECT_EQ(*parse_fn_arg("null"), FnArg::null);
  EXPECT_FALSE(parse_fn_arg("nullptr").ok());
}

TEST(Request, SetTidReapedIsASymbolicEntry) {
  auto t = parse_tid_spec("reaped");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->kind, TidSpec::Kind::reaped);
  EXPECT_EQ(tid_spec_text(*t), "reaped");
  EXPECT_FALSE(parse_tid_spec("reap").ok());
}

TEST(Request, EntryNames) {
  for (auto e : {Entry::fork, Entry::vfork, Entry::clone, Entry::clone3, Entry::pthread_create,
                 Entry::posix_spawn, Entry::system, Entry::glibc_clone}) {
    auto back = parse_entry(entry_name(e));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, e);
  }
  EXPECT_FALSE(parse_entry("spawn").ok());
}

// A stack address of 0 leaves the child on the caller's stack pointer
// (copy_thread()): with CLONE_VM and no CLONE_VFORK both run on one stack.
TEST(Request, ACallerStackIsSharedWhereTheStackAddressIsZero) {
  Request none{Entry::clone3, flag::VM, kSigchld};
  none.stack = StackArg::none;
  EXPECT_TRUE(shares_callers_stack(none));
  Request sized = none;
  sized.stack = StackArg::size_without_address;
  sized.clone3.stack_size = 0;
  EXPECT_TRUE(shares_callers_stack(sized));
  Request vfork = none;
  vfork.flags |= flag::VFORK;
  EXPECT_FALSE(shares_callers_stack(vfork));
  Request own = none;
  own.stack = StackArg::harness;
  EXPECT_FALSE(shares_callers_stack(own));
  Request no_vm = none;
  no_vm.flags = 0;
  EXPECT_FALSE(shares_callers_stack(no_vm));
}

}  // namespace
}  // namespace clonediff::model
