#include "probes/sys/one_cpu.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "probes/sys/check.hpp"
#include "probes/sys/in_forked_process.hpp"

namespace clonediff::sys {
namespace {

cpu_set_t mask_of(pid_t task) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  CLONEDIFF_CHECK(::sched_getaffinity(task, sizeof mask, &mask) == 0);
  return mask;
}

bool only(const cpu_set_t& mask, int cpu) { return CPU_COUNT(&mask) == 1 && CPU_ISSET(static_cast<std::size_t>(cpu), &mask); }

// Busy for `span` of the thread's own wall clock.
void spin_for(std::chrono::milliseconds span) {
  const auto end = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < end) {
  }
}

// The thread runs on the one CPU, a process it forks inherits it, and the
// thread's own mask comes back once the OneCpu is gone.
TEST(OneCpu, KeepsTheThreadAndWhatItCreatesOnTheCpuItRunsOn) {
  const ForkedEnd end = in_forked_process([] {
    const cpu_set_t before = mask_of(0);
    {
      auto kept = OneCpu::keep_here();
      CLONEDIFF_CHECK(kept.ok());
      const int cpu = kept->cpu();
      CLONEDIFF_CHECK(CPU_ISSET(static_cast<std::size_t>(cpu), &before));
      CLONEDIFF_CHECK(only(mask_of(0), cpu));
      CLONEDIFF_CHECK(::sched_getcpu() == cpu);
      const ForkedEnd child = in_forked_process([cpu] { CLONEDIFF_CHECK(only(mask_of(0), cpu)); });
      CLONEDIFF_CHECK(child.passed());
    }
    const cpu_set_t after = mask_of(0);
    CLONEDIFF_CHECK(CPU_EQUAL(&before, &after));
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

// keep() puts a task made before a move on the thread's CPU.
TEST(OneCpu, KeepPutsAnotherTaskOnItsCpu) {
  const ForkedEnd end = in_forked_process([] {
    HeldChild earlier;
    CLONEDIFF_CHECK(earlier.pid() > 0);
    auto kept = OneCpu::keep_here();
    CLONEDIFF_CHECK(kept.ok());
    CLONEDIFF_CHECK(kept->keep(earlier.pid()).ok());
    CLONEDIFF_CHECK(only(mask_of(earlier.pid()), kept->cpu()));
    CLONEDIFF_CHECK(earlier.reap() == 0);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

// Beside a process that never sleeps, on the same CPU, the thread waits for
// its CPU about half the time it wants it, and waited() says so.
TEST(OneCpu, CountsTheTimeTheThreadWaitedForItsCpu) {
  const ForkedEnd end = in_forked_process([] {
    auto kept = OneCpu::keep_here();
    CLONEDIFF_CHECK(kept.ok());
    const auto before = kept->waited();
    CLONEDIFF_CHECK(before.has_value());
    const pid_t burner = ::fork();
    CLONEDIFF_CHECK(burner >= 0);
    if (burner == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // gone with the test
      for (;;) {
      }
    }
    spin_for(std::chrono::milliseconds(60));
    const auto after = kept->waited();
    ::kill(burner, SIGKILL);
    ::waitpid(burner, nullptr, 0);
    CLONEDIFF_CHECK(after.has_value());
    CLONEDIFF_CHECK(*after - *before >= std::chrono::milliseconds(10));
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

// The times the thread gave up its CPU of its own accord (slept).
long voluntary_switches() {
  char text[4096];
  const int fd = ::open("/proc/thread-self/status", O_RDONLY | O_CLOEXEC);
  CLONEDIFF_CHECK(fd >= 0);
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  CLONEDIFF_CHECK(n > 0);
  text[n] = '\0';
  const char* line = std::strstr(text, "\nvoluntary_ctxt_switches:");
  CLONEDIFF_CHECK(line != nullptr);
  return std::strtol(line + std::strlen("\nvoluntary_ctxt_switches:"), nullptr, 10);
}

// A thread that sleeps does not wait for its CPU: review() leaves it where
// it is, however long since the last look, without even a try elsewhere
// (a try sleeps a moment). On a busy machine the woken thread may still wait
// for its CPU (ctest runs other suites beside this one): a look in which it
// waited more than a quarter of the look's span is no case of the rule and
// is not counted (seen in CI: review() then moved it, as it should). Three
// looks must count within 100.
TEST(OneCpu, ReviewLeavesAThreadThatHadItsCpu) {
  const ForkedEnd end = in_forked_process([] {
    auto kept = OneCpu::keep_here();
    CLONEDIFF_CHECK(kept.ok());
    CLONEDIFF_CHECK(kept->waited().has_value());
    int counted = 0;
    for (int look = 0; look < 100 && counted < 3; ++look) {
      const int cpu = kept->cpu();
      const auto started = std::chrono::steady_clock::now();
      const auto waited_before = *kept->waited();
      const timespec nap{0, 15'000'000};
      ::nanosleep(&nap, nullptr);
      const long slept = voluntary_switches();
      const auto moved = kept->review();
      const long switches = voluntary_switches();
      const auto span = std::chrono::steady_clock::now() - started;
      if ((*kept->waited() - waited_before) * 4 > span) continue;  // it waited for its CPU: not this rule's case
      ++counted;
      CLONEDIFF_CHECK(!moved.has_value());
      CLONEDIFF_CHECK(switches == slept);
      CLONEDIFF_CHECK(only(mask_of(0), cpu));
    }
    CLONEDIFF_CHECK(counted == 3);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

// replace() keeps the thread on one CPU of its mask from before, the one it
// runs on.
TEST(OneCpu, ReplaceKeepsTheThreadWhereTheKernelPutIt) {
  const ForkedEnd end = in_forked_process([] {
    const cpu_set_t before = mask_of(0);
    auto kept = OneCpu::keep_here();
    CLONEDIFF_CHECK(kept.ok());
    auto placed = kept->replace();
    CLONEDIFF_CHECK(placed.ok());
    CLONEDIFF_CHECK(*placed == kept->cpu());
    CLONEDIFF_CHECK(CPU_ISSET(static_cast<std::size_t>(*placed), &before));
    CLONEDIFF_CHECK(only(mask_of(0), *placed));
    CLONEDIFF_CHECK(::sched_getcpu() == *placed);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

}  // namespace
}  // namespace clonediff::sys
