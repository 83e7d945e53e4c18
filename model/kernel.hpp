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
  // kernel.pid_max: set_tid entries at or above it are refused.
  long long pid_max = 4194304;  // PID_MAX_LIMIT on 64-bit, the largest it can be
  // user.max_<type>_namespaces, where set: 0 refuses every new namespace of
  // that type (inc_ucount() -> ENOSPC). A limit above 0 is checked against
  // counts the model does not know, so the running kernel's is recorded only
  // when it is 0.
  std::array<std::optional<long long>, kNsLimitCount> max_namespaces{};
  std::optional<long long> max(NsLimit n) const { return max_namespaces[static_cast<std::size_t>(n)]; }
  bool forbids(NsLimit n) const { return max(n) == 0; }
};

// The releases the model knows: from `oldest` to `newest`, each a major.minor
// release. A kernel below `oldest` is refused (modelled_kernel); one above
// `newest` is predicted as `newest`, and reports say so.
struct ModelledRange {
  KernelVersion oldest;
  KernelVersion newest;
  std::string text() const;  // "4.19 to 6.18"
};
ModelledRange modelled_range();
// The kernel itself when the model knows its release; an error naming the
// range when it is older than the oldest.
Result<Kernel> modelled_kernel(Kernel k);
// When the kernel is newer than the newest modelled release: the sentence
// every report prints ("Linux 6.19.2 is newer than the newest modelled
// release, 6.18: predicted as 6.18"). Empty otherwise.
std::string beyond_modelled_note(const Kernel& k);

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

}  // namespace clonediff::model
