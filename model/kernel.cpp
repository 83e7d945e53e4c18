#include "model/kernel.hpp"

#include <charconv>

namespace clonediff::model {

std::string KernelVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

namespace {
// "max_net_namespaces" -> NsLimit::net.
std::optional<NsLimit> ns_limit_of(std::string_view knob) {
  for (std::size_t i = 0; i < kNsLimitCount; ++i) {
    const auto n = static_cast<NsLimit>(i);
    if (knob == "max_" + std::string(ns_limit_name(n)) + "_namespaces") return n;
  }
  return std::nullopt;
}
}  // namespace

Result<KernelVersion> parse_kernel_version(std::string_view release) {
  KernelVersion v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  const char* p = release.data();
  const char* end = release.data() + release.size();
  for (int i = 0; i < 3; ++i) {
    auto [next, ec] = std::from_chars(p, end, *parts[i]);
    if (ec != std::errc{}) {
      if (i >= 2) break;  // "6.12" has no patch level
      return make_error("cannot read a kernel version from '" + std::string(release) + "'");
    }
    p = next;
    if (p == end || *p != '.') break;
    ++p;
  }
  return v;
}

std::string_view ns_limit_name(NsLimit n) {
  constexpr std::array<std::string_view, kNsLimitCount> names = {"user", "mnt", "uts", "ipc",
                                                                 "pid",  "cgroup", "net", "time"};
  return names[static_cast<std::size_t>(n)];
}

Result<Kernel> parse_kernel_spec(std::string_view spec) {
  const auto comma = spec.find(',');
  const std::string_view release = spec.substr(0, comma);
  auto version = parse_kernel_version(release);
  if (!version) return version.error();
  Kernel k;
  k.version = *version;
  k.release = std::string(release);
  std::string_view rest = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
  while (!rest.empty()) {
    const auto next = rest.find(',');
    const std::string_view item = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    const auto eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const std::string_view text = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (eq == std::string_view::npos || ec != std::errc{} || end != text.data() + text.size())
      return make_error("kernel knob '" + std::string(item) + "' is NAME=NUMBER");
    if (name == "unprivileged_userns_clone" || name == "apparmor_restrict_unprivileged_userns") {
      if (value != 0 && value != 1) return make_error(std::string(name) + " is 0 or 1");
      (name == "unprivileged_userns_clone" ? k.unprivileged_userns_clone : k.apparmor_restrict_unprivileged_userns) =
          value == 1;
    } else if (name == "pid_max") {
      if (value < 301) return make_error("pid_max is at least 301");
      k.pid_max = value;
    } else if (const auto limit = ns_limit_of(name)) {
      if (value < 0) return make_error(std::string(name) + " is at least 0");
      k.max_namespaces[static_cast<std::size_t>(*limit)] = value;
    } else {
      return make_error("unknown kernel knob '" + std::string(name) +
                        "' (knobs: unprivileged_userns_clone, apparmor_restrict_unprivileged_userns, pid_max, "
                        "max_{user,mnt,uts,ipc,pid,cgroup,net,time}_namespaces)");
    }
  }
  return modelled_kernel(std::move(k));
}

std::string kernel_spec(const Kernel& k) {
  std::string s = k.release.empty() ? k.version.str() : k.release;
  if (k.unprivileged_userns_clone) s += std::string(",unprivileged_userns_clone=") + (*k.unprivileged_userns_clone ? "1" : "0");
  if (k.pid_max != Kernel{}.pid_max) s += ",pid_max=" + std::to_string(k.pid_max);
  if (k.apparmor_restrict_unprivileged_userns)
    s += std::string(",apparmor_restrict_unprivileged_userns=") + (*k.apparmor_restrict_unprivileged_userns ? "1" : "0");
  for (std::size_t i = 0; i < kNsLimitCount; ++i)
    if (k.max_namespaces[i])
      s += ",max_" + std::string(ns_limit_name(static_cast<NsLimit>(i))) + "_namespaces=" +
           std::to_string(*k.max_namespaces[i]);
  return s;
}

ModelledRange modelled_range() {
  // The kernel history from v4.19 (model/history.cpp), read from the kernel's
  // commits; Debian's linux-source-6.1 and 6.12 read in full and confirmed
  // live on 6.18 and on every Debian 6.1 and 6.12 kernel booted in qemu.
  return ModelledRange{{4, 19, 0}, {6, 18, 0}};
}

Result<Kernel> modelled_kernel(Kernel k) {
  if (place_in_modelled_range(k.version) == RangePlace::older)
    return make_error("Linux " + k.version.str() + " is older than the modelled range " + modelled_range_text());
  return k;
}

namespace {
std::string major_minor(const KernelVersion& v) { return std::to_string(v.major) + "." + std::to_string(v.minor); }
}  // namespace

RangePlace place_in_modelled_range(const KernelVersion& v) {
  const ModelledRange r = modelled_range();
  const KernelVersion mm{v.major, v.minor, 0};
  if (mm < KernelVersion{r.oldest.major, r.oldest.minor, 0}) return RangePlace::older;
  if (mm > KernelVersion{r.newest.major, r.newest.minor, 0}) return RangePlace::newer;
  return RangePlace::inside;
}

std::string_view range_place_name(RangePlace p) {
  switch (p) {
    case RangePlace::older: return "older";
    case RangePlace::inside: return "inside";
    case RangePlace::newer: return "newer";
  }
  return "?";
}

std::string modelled_range_text() {
  const ModelledRange r = modelled_range();
  return major_minor(r.oldest) + " .. " + major_minor(r.newest);
}

std::string modelled_range_note(const KernelVersion& v) {
  switch (place_in_modelled_range(v)) {
    case RangePlace::inside: return "inside the modelled range " + modelled_range_text();
    case RangePlace::newer:
      return "newer than the modelled range " + modelled_range_text() + ": judged as " +
             major_minor(modelled_range().newest);
    case RangePlace::older: return "older than the modelled range " + modelled_range_text() + ": not checked against it";
  }
  return "";
}

}  // namespace clonediff::model
