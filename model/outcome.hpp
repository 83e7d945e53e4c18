// What a call did, in one type for both sides: the model's prediction and the
// probes' observation are both Outcomes, so comparing them is a field-by-field
// diff. A fact nobody could see is `unknown`, never `no`.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::model {

enum class Fact : unsigned char {
  no,
  yes,
  unknown,   // no witness could tell
  conflict,  // two witnesses disagreed (observation only)
};
inline Fact fact_of(bool b) { return b ? Fact::yes : Fact::no; }
std::string_view fact_name(Fact f);  // "false", "true", "unknown", "conflict"

// The resources kcmp(2) can compare (KCMP_VM ... KCMP_SYSVSEM).
enum class Resource : unsigned char { vm, files, fs, sighand, io, sysvsem };
inline constexpr std::size_t kResourceCount = 6;
inline constexpr std::array<Resource, kResourceCount> kResources = {
    Resource::vm, Resource::files, Resource::fs, Resource::sighand, Resource::io, Resource::sysvsem};
std::string_view resource_name(Resource r);
Result<Resource> parse_resource(std::string_view name);

// The entries of /proc/<pid>/ns.
enum class Ns : unsigned char { mnt, uts, ipc, net, pid, pid_for_children, user, cgroup, time, time_for_children };
inline constexpr std::size_t kNsCount = 10;
inline constexpr std::array<Ns, kNsCount> kNamespaces = {
    Ns::mnt, Ns::uts, Ns::ipc, Ns::net, Ns::pid, Ns::pid_for_children,
    Ns::user, Ns::cgroup, Ns::time, Ns::time_for_children};
std::string_view ns_name(Ns n);
Result<Ns> parse_ns(std::string_view name);

struct Outcome {
  int error = 0;  // 0: a child was created; otherwise the errno the call returned
  // The rest describes the child and is meaningful only when error == 0.
  std::array<Fact, kResourceCount> share{};  // shared with the caller?
  std::array<Fact, kNsCount> ns_new{};       // differs from the caller's?
  Fact same_tgid = Fact::unknown;            // in the caller's thread group
  Fact ppid_is_caller = Fact::unknown;       // its parent is the caller
  std::optional<long long> exit_signal;      // /proc/<pid>/stat field 38 (-1 for threads)
  // Facts that only some requests call for; unknown where they do not apply.
  Fact set_tid_honoured = Fact::unknown;     // its pids are the ones set_tid chose
  Fact into_cgroup = Fact::unknown;          // it started in CLONE_INTO_CGROUP's cgroup

  Outcome() {
    share.fill(Fact::unknown);
    ns_new.fill(Fact::unknown);
  }
  bool ok() const { return error == 0; }
  Fact& operator[](Resource r) { return share[static_cast<std::size_t>(r)]; }
  Fact operator[](Resource r) const { return share[static_cast<std::size_t>(r)]; }
  Fact& operator[](Ns n) { return ns_new[static_cast<std::size_t>(n)]; }
  Fact operator[](Ns n) const { return ns_new[static_cast<std::size_t>(n)]; }
  bool operator==(const Outcome&) const = default;
};

}  // namespace clonediff::model
