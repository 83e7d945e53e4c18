// The kernel a prediction is for: its version, and vendor knobs that change
// what copy_process() does.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::model {

struct KernelVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  auto operator<=>(const KernelVersion&) const = default;
  std::string str() const;
};

// "6.18.44-fc-v782" -> 6.18.44; "6.1.0-50-cloud-amd64" -> 6.1.0; "6.12" -> 6.12.0.
Result<KernelVersion> parse_kernel_version(std::string_view release);

struct Kernel {
  KernelVersion version;
  std::string release;  // as uname -r gives it
  // Debian's kernel.unprivileged_userns_clone sysctl; absent on kernels without
  // the Debian patch.
  std::optional<bool> unprivileged_userns_clone;
  // kernel.pid_max, as the initial pid namespace has it: set_tid entries at
  // or above it are refused (since v6.14 in that namespace only: a newer pid
  // namespace has its own, from PID_MAX_LIMIT; model/rules.cpp).
  long long pid_max = 4194304;  // PID_MAX_LIMIT on 64-bit, the largest it can be
};

// A kernel profile named in words, as `--kernel` takes it and records carry
// it: the release, then vendor knobs that differ from the defaults above,
// comma-separated: "6.1.0-50-cloud-amd64,unprivileged_userns_clone=0".
// The release alone ("6.12") is a profile with default knobs.
Result<Kernel> parse_kernel_spec(std::string_view spec);
// The inverse: the release, then every knob that is set or not default.
std::string kernel_spec(const Kernel& k);

// The kernel versions the model knows, by major.minor: the oldest and newest
// whose sources its rules and semantics were read from and checked against.
// This is the one place that says so; reports ask it rather than repeat it.
// Every version bound the rules and semantics cite lies at or below the
// newest (model_tests), so a newer kernel is predicted exactly as the newest.
struct ModelledRange {
  KernelVersion oldest;
  KernelVersion newest;
};
ModelledRange modelled_range();

// Where a version stands against modelled_range(), by major.minor.
enum class RangePlace { older, inside, newer };
RangePlace place_in_modelled_range(const KernelVersion& v);
std::string_view range_place_name(RangePlace p);  // "older", "inside", "newer"
// The range as reports show it: "6.1 .. 6.18".
std::string modelled_range_text();
// One phrase for a report: "inside the modelled range 6.1 .. 6.18", "newer
// than the modelled range 6.1 .. 6.18: judged as 6.18", or "older than the
// modelled range 6.1 .. 6.18: not checked against it".
std::string modelled_range_note(const KernelVersion& v);

}  // namespace clonediff::model
