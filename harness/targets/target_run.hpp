// Running the static clonediff on an outer target (a kernel in qemu, gVisor,
// qemu-user) and bringing its records back. Judging them is the caller's
// business (target_results.hpp).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/records/json.hpp"
#include "harness/records/result_wire.hpp"
#include "harness/targets/target.hpp"

namespace clonediff::targets {

// The `clonediff run` options that select cases, passed on to the target so
// that it runs exactly the cases this host selected.
struct GuestSelection {
  bool no_builtin = false;
  std::vector<std::string> case_files;  // host paths
  std::vector<std::string> filters;   // --filter, each
  std::vector<std::string> excludes;  // --exclude, each
  std::vector<std::string> shards;  // --shard, each
  std::optional<std::string> context;  // a caller context's name: only its cases
  // The kernel profile the guest judges against instead of its own running
  // kernel's (`run --kernel`): gVisor and qemu-user stand in for this host's
  // kernel, whatever release they report.
  std::optional<std::string> kernel_profile;
  std::chrono::milliseconds case_timeout{5000};
  // Another command than `run` with the selection above (`explore ...`): its
  // arguments after `clonediff`; the guest adds "--json DEST".
  std::vector<std::string> command;
};

struct TargetEnvironment {
  std::string static_binary;         // the static clonediff
  std::string workdir;               // a private directory for this target's files
  std::chrono::seconds timeout{600};  // the whole target, boot included
  // Asked every 50 ms at most while the outer program runs (from the thread
  // that runs it); true: the program's whole group is killed at once and
  // the target ends failed, `stopped` set. Empty: it runs to its end or its
  // timeout.
  std::function<bool()> stop_requested;
  // The CPU the run lent this target (cpu_slots.hpp): a kernel target's
  // qemu is kept on it. None: wherever the kernel puts it.
  std::optional<int> cpu;
};

struct TargetRun {
  // ran: it finished and sent its records; not_started: it could not be
  // started here (a program, the image, the static binary missing); failed:
  // it started and did not finish.
  enum class Status { ran, not_started, failed };
  Status status = Status::not_started;
  std::string reason;                // not_started: why; failed: what went wrong
  // What came back: a `run`'s results (records/result_wire.hpp), or another
  // command's JSON records, in order.
  std::optional<harness::ResultStream> results;
  std::vector<json::Value> records;
  std::size_t bad_lines = 0;         // lines that were not JSON records
  std::string log;                   // the target's console or standard error
  std::string implementation;        // the outer program's version line: "runsc version 0.0~20221219.0"
  std::chrono::duration<double> elapsed{0};
  bool stopped = false;  // failed because stop_requested said so while it ran
};

// The arguments after `clonediff`: "run --results DEST" and the selection,
// or the selection's own command and "--json DEST".
// Catalogue files are named as `case_path` maps them (the guest's view).
std::vector<std::string> guest_run_args(const GuestSelection& s, const std::string& dest,
                                        const std::vector<std::string>& case_paths);

// JSON lines as a target wrote them: carriage returns dropped, blank lines
// skipped; lines that do not parse as a JSON object are counted in bad_lines.
void take_records(std::string_view text, TargetRun& run);

// What the guest wrote to DEST, as guest_run_args() asked for it: a run's
// results stream, or another command's JSON records.
void take_output(const GuestSelection& s, std::string_view text, TargetRun& run);

// A target that ran to its end sent its whole results stream: one cut or
// corrupt fails it, with the reason.
void fail_on_broken_results(TargetRun& run);

// The last `n` lines of a log, for a failure's reason.
std::string log_tail(std::string_view log, std::size_t n = 15);

// Runs a target other than host: run_kernel_target() or run_emulator_target().
// The static clonediff has no outer targets (it is what they run): there
// no such target starts, and the reason says so.
TargetRun run_outer_target(const TargetSpec& t, const GuestSelection& s, const TargetEnvironment& env);

// Boots t.vmlinuz in qemu-system-x86_64 (TCG) with an initramfs holding the
// static clonediff as init (cli/guest_init.hpp), a static busybox as /bin/sh
// and /bin/true, and the selection's catalogue files.
TargetRun run_kernel_target(const TargetSpec& t, const GuestSelection& s, const TargetEnvironment& env);

// Runs the static clonediff under runsc (`runsc --network=none do`) or
// qemu-x86_64, its records on standard output.
TargetRun run_emulator_target(const TargetSpec& t, const GuestSelection& s, const TargetEnvironment& env);

}  // namespace clonediff::targets
