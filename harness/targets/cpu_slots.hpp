// The CPUs a run may use, lent one at a time: the host's cases and each
// guest of an outer target take one for as long as they run, so that no
// more of them run at once than there are CPUs. A kernel target's qemu is
// kept on the CPU it was lent (OuterCommand::cpu): two guests then never
// share a CPU while another stands idle, which on a 2-CPU machine left one
// of two guests 2 to 2.6 s behind the other.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

namespace clonediff::targets {

class CpuSlots {
 public:
  // The CPUs of this thread's affinity mask; where the kernel names none,
  // one slot that names no CPU.
  CpuSlots();
  // Slots for these CPUs (tests); no CPU named: one slot each, unnamed.
  explicit CpuSlots(std::vector<std::optional<int>> cpus);
  CpuSlots(const CpuSlots&) = delete;
  CpuSlots& operator=(const CpuSlots&) = delete;

  // One CPU, given back when the lease goes. Owned by whoever holds it.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& o) noexcept : slots_(o.slots_), cpu_(o.cpu_) { o.slots_ = nullptr; }
    Lease& operator=(Lease&& o) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { give_back(); }
    bool held() const { return slots_ != nullptr; }
    std::optional<int> cpu() const { return cpu_; }  // none: the kernel did not name it
    void give_back();

   private:
    friend class CpuSlots;
    Lease(CpuSlots* slots, std::optional<int> cpu) : slots_(slots), cpu_(cpu) {}
    CpuSlots* slots_ = nullptr;
    std::optional<int> cpu_;
  };

  // Waits for a free CPU; the lowest-numbered free one is lent.
  Lease take();
  std::size_t size() const { return count_; }

 private:
  void give_back(std::optional<int> cpu);

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::optional<int>> free_;  // in the order they are lent
  std::size_t count_ = 0;
};

}  // namespace clonediff::targets
