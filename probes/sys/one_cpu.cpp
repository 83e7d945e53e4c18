#include "probes/sys/one_cpu.hpp"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>

namespace clonediff::sys {
namespace {

Status set_mask(pid_t task, const cpu_set_t& mask) {
  if (::sched_setaffinity(task, sizeof mask, &mask) != 0) return errno_error("sched_setaffinity");
  return ok_status();
}

cpu_set_t just(int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(static_cast<std::size_t>(cpu), &one);
  return one;
}

}  // namespace

OneCpu::OneCpu(cpu_set_t before, int cpu, UniqueFd schedstat)
    : before_(before), cpu_(cpu), schedstat_(std::move(schedstat)), looked_(std::chrono::steady_clock::now()) {
  waited_at_look_ = waited().value_or(std::chrono::nanoseconds{0});
}

OneCpu::OneCpu(OneCpu&& o) noexcept
    : before_(o.before_),
      cpu_(o.cpu_),
      engaged_(std::exchange(o.engaged_, false)),
      schedstat_(std::move(o.schedstat_)),
      looked_(o.looked_),
      waited_at_look_(o.waited_at_look_) {}

OneCpu::~OneCpu() {
  if (engaged_) (void)set_mask(0, before_);
}

Result<OneCpu> OneCpu::keep_here() {
  cpu_set_t before;
  if (::sched_getaffinity(0, sizeof before, &before) != 0) return errno_error("sched_getaffinity");
  const int cpu = ::sched_getcpu();
  if (cpu < 0) return errno_error("sched_getcpu");
  if (auto st = set_mask(0, just(cpu)); !st) return st.error();
  // Without it (no /proc, or a kernel without schedstats) the thread stays
  // where it is.
  UniqueFd schedstat(::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC));
  return OneCpu(before, cpu, std::move(schedstat));
}

std::optional<std::chrono::nanoseconds> OneCpu::waited() const {
  if (!schedstat_) return std::nullopt;
  // "time on CPU, time waiting for one, timeslices" (ns, ns, count).
  char text[96];
  const ssize_t n = ::pread(schedstat_.get(), text, sizeof text - 1, 0);
  if (n <= 0) return std::nullopt;
  text[n] = '\0';
  char* end = nullptr;
  (void)std::strtoull(text, &end, 10);
  const char* second = end;
  const unsigned long long waited = std::strtoull(second, &end, 10);
  if (end == second) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<std::int64_t>(waited));
}

std::optional<int> OneCpu::review() {
  const auto now = std::chrono::steady_clock::now();
  const auto window = now - looked_;
  if (window < kLookEvery) return std::nullopt;
  const auto waited_now = waited();
  if (!waited_now) return std::nullopt;
  const auto waited_in_window = *waited_now - waited_at_look_;
  looked_ = now;
  waited_at_look_ = *waited_now;
  if (waited_in_window * 4 <= window) return std::nullopt;
  const int was = cpu_;
  auto moved = replace();
  waited_at_look_ = waited().value_or(waited_at_look_);
  looked_ = std::chrono::steady_clock::now();
  if (!moved || *moved == was) return std::nullopt;
  return *moved;
}

Result<int> OneCpu::replace() {
  if (auto st = set_mask(0, before_); !st) return st.error();
  // A sleep, so that the kernel places the thread as it wakes: on an idle CPU
  // if it has one (select_idle_sibling()), else where it was.
  const timespec moment{0, 1000};
  ::nanosleep(&moment, nullptr);
  const int cpu = ::sched_getcpu();
  if (cpu < 0) return errno_error("sched_getcpu");
  if (auto st = set_mask(0, just(cpu)); !st) return st.error();
  cpu_ = cpu;
  return cpu;
}

Status OneCpu::keep(pid_t task) const { return set_mask(task, just(cpu_)); }

}  // namespace clonediff::sys
