#include "probes/running_kernel.hpp"

#include <sys/utsname.h>

#include <fstream>

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
  std::ifstream pid_max("/proc/sys/kernel/pid_max");
  long long max = 0;
  if (pid_max >> max && max > 0) k.pid_max = max;
  return k;
}

}  // namespace clonediff::probes
