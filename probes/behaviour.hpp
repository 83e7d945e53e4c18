// Behavioural witnesses: the child changes something it would share with the
// caller, and the caller looks whether it sees the change. Independent of
// kcmp: they go through the same system calls any program uses.
//
//   vm       the child writes a token into a MAP_PRIVATE page of the caller
//            (a MAP_SHARED page would be seen through any fork: wrong witness)
//   files    the child dup2()s /dev/null onto a descriptor number the caller
//            keeps free
//   fs       the child sets a umask the caller does not use
//   sighand  the child sets SIG_IGN for a signal the caller leaves at SIG_DFL
//   io       the child sets an I/O priority the caller does not use (the
//            priority lives in the io context); absent where ioprio_set(2)
//            is ENOSYS (gVisor), and io is then unknown
//   sysvsem  no behavioural witness (kcmp only): its effect shows only at exit
//
// The caller sets a baseline once; checks it before every case (a broken
// baseline would make a witness lie); reads and restores it after the child.
#pragma once

#include <array>
#include <cstdint>

#include "model/outcome.hpp"
#include "model/result.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::probes {

// What the child must do. Lives in the caller's memory and is read by the
// child after clone (its copy, or the shared original under CLONE_VM).
struct BehaviourPlan {
  volatile std::uint64_t* vm_word = nullptr;
  std::uint64_t vm_token = 0;
  int files_source_fd = -1;
  int files_slot = -1;
  unsigned child_umask = 0;
  int sighand_signal = 0;
  int child_ioprio = 0;
};

// Bit per resource: which actions the child managed to perform.
inline constexpr unsigned acted_bit(model::Resource r) { return 1u << static_cast<unsigned>(r); }

// Runs in the child, after clone, on the child's own stack: raw system calls
// only, no TLS, no libc, no allocation. Returns the actions that took effect.
unsigned behaviour_act(const BehaviourPlan& plan) noexcept;

// The caller's side. Owns the private page and the /dev/null descriptor.
class BehaviourBaseline {
 public:
  static constexpr unsigned kCallerUmask = 022;
  static constexpr unsigned kChildUmask = 057;
  static constexpr int kSignal = 60;  // a real-time signal glibc does not reserve

  // Sets the caller's baseline. Call once in the caller process.
  static Result<BehaviourBaseline> establish();
  BehaviourBaseline(BehaviourBaseline&&) noexcept;
  BehaviourBaseline& operator=(BehaviourBaseline&&) = delete;
  BehaviourBaseline(const BehaviourBaseline&) = delete;
  ~BehaviourBaseline();

  // A plan for one case; token must be non-zero and differ between cases.
  BehaviourPlan plan(std::uint64_t token) const;
  // Whether every witness would start from its baseline; the reason if not.
  Status intact() const;
  // What the caller sees of the child's actions (unknown where the child could
  // not act), then puts the baseline back.
  std::array<model::Fact, model::kResourceCount> observe_and_restore(const BehaviourPlan& plan, unsigned acted);

  int caller_ioprio() const { return caller_ioprio_; }
  // Whether the io witness is there: ioprio_set(2) worked for the caller
  // (gVisor has none), which also gave the caller an io context.
  bool io_witness() const { return io_witness_; }

 private:
  BehaviourBaseline() = default;
  void* page_ = nullptr;
  sys::UniqueFd devnull_;
  int slot_ = -1;  // a descriptor number kept free for the files witness (not a descriptor held)
  int caller_ioprio_ = 0;
  bool io_witness_ = false;
};

}  // namespace clonediff::probes
