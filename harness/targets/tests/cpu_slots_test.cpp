// The run's CPUs, lent one at a time (cpu_slots.hpp), and a program kept on
// the CPU it is given (OuterCommand::cpu).
#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "harness/targets/cpu_slots.hpp"
#include "harness/targets/outer_process.hpp"

namespace clonediff::targets {
namespace {

using namespace std::chrono_literals;

TEST(CpuSlots, LendEachCpuOnceLowestFirst) {
  CpuSlots slots({3, 1, 2});
  EXPECT_EQ(slots.size(), 3u);
  auto a = slots.take(), b = slots.take(), c = slots.take();
  EXPECT_EQ(a.cpu(), 1);
  EXPECT_EQ(b.cpu(), 2);
  EXPECT_EQ(c.cpu(), 3);
  b.give_back();
  EXPECT_FALSE(b.held());
  EXPECT_EQ(slots.take().cpu(), 2);  // given back again as the temporary goes
}

TEST(CpuSlots, ATakeWaitsForACpuGivenBack) {
  CpuSlots slots({std::optional<int>(0)});
  auto only = slots.take();
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    const auto lease = slots.take();
    got = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(got) << "two leases of one CPU at once";
  only.give_back();
  waiter.join();
  EXPECT_TRUE(got);
}

TEST(CpuSlots, TheDefaultIsThisThreadsCpus) {
  cpu_set_t set;
  ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
  CpuSlots slots;
  EXPECT_EQ(slots.size(), static_cast<std::size_t>(CPU_COUNT(&set)));
  const auto lease = slots.take();
  ASSERT_TRUE(lease.cpu());
  EXPECT_TRUE(CPU_ISSET(static_cast<std::size_t>(*lease.cpu()), &set));
}

// The program's own mask names the one CPU it was given; without one, it
// keeps this process's.
TEST(CpuSlots, AProgramIsKeptOnTheCpuItIsGiven) {
  cpu_set_t set;
  ASSERT_EQ(::sched_getaffinity(0, sizeof set, &set), 0);
  int last = -1;
  for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) last = static_cast<int>(cpu);
  ASSERT_GE(last, 0);
  char dir[] = "/tmp/clonediff-cpu-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  OuterCommand cmd{"/bin/sh", {"-c", "grep Cpus_allowed_list /proc/self/status"}, dir, std::chrono::seconds(30),
                   "", "", {}, last};
  auto ran = run_outer(cmd);
  ASSERT_TRUE(ran) << ran.error().message;
  EXPECT_EQ(ran->out, "Cpus_allowed_list:\t" + std::to_string(last) + "\n");
  cmd.cpu.reset();
  ran = run_outer(cmd);
  ASSERT_TRUE(ran) << ran.error().message;
  if (CPU_COUNT(&set) > 1) {
    EXPECT_NE(ran->out, "Cpus_allowed_list:\t" + std::to_string(last) + "\n");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clonediff::targets
