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

TEST(Request, EntryNames) {
  for (auto e : {Entry::fork, Entry::vfork, Entry::clone, Entry::clone3, Entry::pthread_create,
                 Entry::posix_spawn, Entry::system}) {
    auto back = parse_entry(entry_name(e));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, e);
  }
  EXPECT_FALSE(parse_entry("spawn").ok());
}

}  // namespace
}  // namespace clonediff::model
