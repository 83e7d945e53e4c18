// A kernel target (another kernel in qemu) runs its selection as several
// guests at once, each a shard of it, so that one such target can use every
// CPU the run gives it. Each guest boots its own kernel, so no case in one can
// see a case in another: the verdicts are those of one guest. qemu-user is
// never split: its cases make their calls on this kernel, where two runs at
// once could take each other's pids. Nor is gVisor: on 2 CPUs two sandboxes
// at once took 56 s against one's 40 s.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/targets/target.hpp"
#include "harness/targets/target_run.hpp"

namespace clonediff::targets {

// Below this many cases a guest's start (a boot under TCG: 3 to 5 s on the
// development machine, the time of 600 to 1000 created cases there) costs
// more than its share of the cases saves.
inline constexpr std::size_t kLeastCasesPerGuest = 2000;

// How many guests target `t` runs its `cases` selected cases in, with `cpus`
// CPUs to itself: one per CPU, each with at least kLeastCasesPerGuest cases;
// always 1 for host, gVisor and qemu-user.
std::size_t guest_count(const TargetSpec& t, std::size_t cases, std::size_t cpus);

// Guest `part` of `parts` (part < parts): the selection, then shard
// part/parts of it (another --shard after any the run was given): the
// guests' shards are disjoint and together hold the selection's cases, each
// about an even share of the work (harness::take_shard).
GuestSelection guest_part(const GuestSelection& s, std::size_t part, std::size_t parts);

// One guest's run, for join_guest_runs(): nothing in `run` when the run was
// stopped before this guest started (`why` says so).
struct GuestPartRun {
  std::optional<TargetRun> run;
  std::string why;  // without a run: the reason none came
  std::chrono::steady_clock::time_point started, ended;  // with a run: when it began and ended here
};

// The guests' runs as one target's: ran when every guest ran, to its end, on
// the same release and profile; otherwise failed (or not started, when no
// guest started) with each guest's reason, named "guest K of N". The results
// of every guest that sent some are kept, so that its cases keep their
// verdicts. `elapsed` runs from the first guest's start to the last one's end; the logs follow one another,
// each under a line naming its guest.
TargetRun join_guest_runs(std::vector<GuestPartRun> parts);

}  // namespace clonediff::targets
