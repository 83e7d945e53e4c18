// A run over targets, as `clonediff run` plans it from its options: the
// targets with their cases, the baseline files, and running one outer target
// (the static clonediff beside this binary, a private work directory, a
// timeout).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/case/case_list.hpp"
#include "harness/cli/command_line.hpp"
#include "harness/targets/baseline.hpp"
#include "harness/targets/target.hpp"
#include "harness/targets/target_run.hpp"
#include "model/kernel.hpp"
#include "model/result.hpp"

namespace clonediff::cli {

// One target of the run, with its cases (their target fields set). Without
// --target the run has one, unnamed: the running kernel, reported as before
// targets existed.
struct PlannedTarget {
  targets::TargetSpec spec;
  std::string name;  // "" for the implicit host
  harness::CaseList cases;  // never inherited by a fork (case_list.hpp)
};

// The --target options, each with the selected cases; a target twice is an error.
Result<std::vector<PlannedTarget>> plan_targets(const RunOptions& opts, const std::vector<harness::CatalogueCase>& cases);

// --baseline TARGET=FILE, target name -> file; only for emulator targets of the plan.
Result<std::map<std::string, std::string>> baseline_files(const RunOptions& opts, const std::vector<PlannedTarget>& plan);
// The files read and parsed; the error names the file.
Result<std::map<std::string, targets::Baseline>> read_baselines(const std::map<std::string, std::string>& files);
// Writes a baseline file for --update-baselines, with its header.
Status write_baseline(const std::string& file, const targets::Baseline& b, const std::string& target);

// Runs a target other than host on its cases, with the selection options of
// the run (so that it runs exactly these cases) and the timeouts: per case,
// and for the whole target (default 120 s + 0.1 s per case).
// An emulator's guest judges against `host_profile` (the kernel it stands in
// for). Of a target run as several guests (targets/guest_parts.hpp), guest
// `part` of `parts` runs its share, a kernel target's guest on `cpu` (the
// CPU the run lent it, targets/cpu_slots.hpp) where one is named.
targets::TargetRun run_planned_target(const PlannedTarget& t, const RunOptions& opts,
                                      std::chrono::milliseconds case_timeout,
                                      std::optional<std::chrono::seconds> target_timeout,
                                      const model::Kernel& host_profile, std::size_t part = 0, std::size_t parts = 1,
                                      std::optional<int> cpu = std::nullopt);

// Where the static clonediff is: beside this binary (the build tree), else
// where the package installs it (CLONEDIFF_LIBEXEC_RELATIVE from the binary's
// directory); the first that exists, else the first.
std::string static_binary_path();

// Runs a target other than host on `guest` (a selection, or a command of its
// own), in a private work directory, with the static clonediff beside this
// binary, for at most `timeout`; a kernel target's qemu on `cpu`, if named.
targets::TargetRun run_guest(const targets::TargetSpec& t, const targets::GuestSelection& guest,
                             std::chrono::seconds timeout, std::optional<int> cpu = std::nullopt);

}  // namespace clonediff::cli
