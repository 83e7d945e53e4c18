// The kernel a prediction is for: its version, and vendor knobs that change
// what copy_process() does.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
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

// The namespace types user.max_*_namespaces limits (kernel/ucount.c), in
// create_new_namespaces() order after the user namespace.
enum class NsLimit : unsigned char { user, mnt, uts, ipc, pid, cgroup, net, time };
inline constexpr std::size_t kNsLimitCount = 8;
std::string_view ns_limit_name(NsLimit n);  // "user" (as in max_user_namespaces)

struct Kernel {
  KernelVersion version;
  std::string release;  // as uname -r gives it
  // Debian's kernel.unprivileged_userns_clone sysctl; absent on kernels without
  // the Debian patch.
  std::optional<bool> unprivileged_userns_clone;
  // Ubuntu's kernel.apparmor_restrict_unprivileged_userns (an AppArmor patch
  // on the security_create_user_ns() hook); absent elsewhere.
  std::optional<bool> apparmor_restrict_unprivileged_userns;
  // kernel.pid_max, as the initial pid namespace has it: set_tid entries at
  // or above it are refused (since v6.14 in that namespace only: a newer pid
  // namespace has its own, from PID_MAX_LIMIT; model/rules.cpp).
  long long pid_max = 4194304;  // PID_MAX_LIMIT on 64-bit, the largest it can be
  // user.max_<type>_namespaces, where set: 0 refuses every new namespace of
  // that type (inc_ucount() -> ENOSPC). A limit above 0 is checked against
  // counts the model does not know, so the running kernel's is recorded only
  // when it is 0.
  std::array<std::optional<long long>, kNsLimitCount> max_namespaces{};
  std::optional<long long> max(NsLimit n) const { return max_namespaces[static_cast<std::size_t>(n)]; }
  bool forbids(NsLimit n) const { return max(n) == 0; }
};
// A profile of that version with default knobs and no release name.
inline Kernel kernel_at(const KernelVersion& v) {
  Kernel k;
  k.version = v;
  return k;
}

// A kernel profile named in words, as `--kernel` takes it and records carry
// it: the release, then host knobs that differ from the defaults above,
// comma-separated: "6.1.0-50-cloud-amd64,unprivileged_userns_clone=0".
// The release alone ("6.12") is a profile with default knobs. Knobs:
// unprivileged_userns_clone, apparmor_restrict_unprivileged_userns (0/1),
// pid_max, max_{user,mnt,uts,ipc,pid,cgroup,net,time}_namespaces. A release
// older than the modelled range is an error (modelled_kernel).
Result<Kernel> parse_kernel_spec(std::string_view spec);
// The inverse: the release, then every knob that is set or not default.
std::string kernel_spec(const Kernel& k);

// The kernel versions the model knows, by major.minor: the oldest and newest
// whose sources its rules and semantics were read from and checked against
// (the kernel history, model/history.hpp). This is the one place that says
// so; reports ask it rather than repeat it. Every version bound the rules and
// semantics cite lies within it (model_tests), so a newer kernel is
// predicted exactly as the newest, and an older one is refused.
struct ModelledRange {
  KernelVersion oldest;
  KernelVersion newest;
};
ModelledRange modelled_range();
// The kernel itself when the model knows its release; an error naming the
// range when it is older ("Linux 4.14.0 is older than the modelled range
// 4.19 .. 6.18").
Result<Kernel> modelled_kernel(Kernel k);

// Where a version stands against modelled_range(), by major.minor.
enum class RangePlace { older, inside, newer };
RangePlace place_in_modelled_range(const KernelVersion& v);
std::string_view range_place_name(RangePlace p);  // "older", "inside", "newer"
// The range as reports show it: "4.19 .. 6.18".
std::string modelled_range_text();
// One phrase for a report: "inside the modelled range 4.19 .. 6.18", "newer
// than the modelled range 4.19 .. 6.18: judged as 6.18", or "older than the
// modelled range 4.19 .. 6.18: not checked against it" (for a profile made
// without parse_kernel_spec(), which refuses it).
std::string modelled_range_note(const KernelVersion& v);

}  // namespace clonediff::model
