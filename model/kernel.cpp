#include "model/kernel.hpp"

#include <charconv>

namespace clonediff::model {

std::string KernelVersion::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

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
    if (name == "unprivileged_userns_clone") {
      if (value != 0 && value != 1) return make_error("unprivileged_userns_clone is 0 or 1");
      k.unprivileged_userns_clone = value == 1;
    } else if (name == "pid_max") {
      if (value < 301) return make_error("pid_max is at least 301");
      k.pid_max = value;
    } else {
      return make_error("unknown kernel knob '" + std::string(name) + "' (knobs: unprivileged_userns_clone, pid_max)");
    }
  }
  return k;
}

std::string kernel_spec(const Kernel& k) {
  std::string s = k.release.empty() ? k.version.str() : k.release;
  if (k.unprivileged_userns_clone) s += std::string(",unprivileged_userns_clone=") + (*k.unprivileged_userns_clone ? "1" : "0");
  if (k.pid_max != Kernel{}.pid_max) s += ",pid_max=" + std::to_string(k.pid_max);
  return s;
}

ModelledRange modelled_range() {
  // Read in Debian's linux-source-6.1 and 6.12, confirmed live on 6.18 and on
  // both Debian kernels booted in qemu.
  return ModelledRange{{6, 1, 0}, {6, 18, 0}};
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
