#include "probes/running_kernel.hpp"

#include <sys/utsname.h>

#include <fstream>
#include <string>

namespace clonediff::probes {

Result<model::Kernel> running_kernel() {
  utsname u{};
  if (::uname(&u) != 0) return make_error("uname failed");
  auto version = model::parse_kernel_version(u.release);
  if (!version) return version.error();
  model::Kernel k;
  k.version = *version;
  k.release = u.release;
  std::ifstream knob("/proc/sys/kernel/unprivileged_userns_clone");
  int value = 0;
  if (knob >> value) k.unprivileged_userns_clone = value != 0;
  std::ifstream apparmor("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
  if (apparmor >> value) k.apparmor_restrict_unprivileged_userns = value != 0;
  std::ifstream pid_max("/proc/sys/kernel/pid_max");
  long long max = 0;
  if (pid_max >> max && max > 0) k.pid_max = max;
  // user.max_*_namespaces as this user namespace sees them; only a limit of 0
  // changes a prediction (model/kernel.hpp).
  for (std::size_t i = 0; i < model::kNsLimitCount; ++i) {
    const auto type = static_cast<model::NsLimit>(i);
    std::ifstream limit("/proc/sys/user/max_" + std::string(model::ns_limit_name(type)) + "_namespaces");
    long long n = -1;
    if (limit >> n && n == 0) k.max_namespaces[i] = 0;
  }
  return k;
}

}  // namespace clonediff::probes
