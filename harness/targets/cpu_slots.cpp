#include "harness/targets/cpu_slots.hpp"

#include <sched.h>

#include <algorithm>

namespace clonediff::targets {
namespace {

std::vector<std::optional<int>> affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<std::optional<int>> cpus;
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
      if (CPU_ISSET(cpu, &set)) cpus.emplace_back(static_cast<int>(cpu));
  if (cpus.empty()) cpus.emplace_back(std::nullopt);
  return cpus;
}

}  // namespace

CpuSlots::CpuSlots() : CpuSlots(affinity_cpus()) {}

CpuSlots::CpuSlots(std::vector<std::optional<int>> cpus) : free_(std::move(cpus)), count_(free_.size()) {}

CpuSlots::Lease& CpuSlots::Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    give_back();
    slots_ = o.slots_;
    cpu_ = o.cpu_;
    o.slots_ = nullptr;
  }
  return *this;
}

void CpuSlots::Lease::give_back() {
  if (slots_) slots_->give_back(cpu_);
  slots_ = nullptr;
}

CpuSlots::Lease CpuSlots::take() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [this] { return !free_.empty(); });
  // The lowest-numbered: the first guest of a run lands where it did alone.
  const auto lowest = std::min_element(free_.begin(), free_.end());
  const std::optional<int> cpu = *lowest;
  free_.erase(lowest);
  return Lease(this, cpu);
}

void CpuSlots::give_back(std::optional<int> cpu) {
  {
    const std::lock_guard lock(mutex_);
    free_.push_back(cpu);
  }
  freed_.notify_one();
}

}  // namespace clonediff::targets
