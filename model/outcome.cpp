#include "model/outcome.hpp"

#include <string>

namespace clonediff::model {
namespace {
constexpr std::array<std::string_view, kResourceCount> kResourceNames = {"vm", "files", "fs", "sighand", "io", "sysvsem"};
constexpr std::array<std::string_view, kNsCount> kNsNames = {
    "mnt", "uts", "ipc", "net", "pid", "pid_for_children", "user", "cgroup", "time", "time_for_children"};
}  // namespace

std::string_view fact_name(Fact f) {
  switch (f) {
    case Fact::no: return "false";
    case Fact::yes: return "true";
    case Fact::unknown: return "unknown";
    case Fact::conflict: return "conflict";
  }
  return "?";
}

std::string_view resource_name(Resource r) { return kResourceNames[static_cast<std::size_t>(r)]; }
std::string_view ns_name(Ns n) { return kNsNames[static_cast<std::size_t>(n)]; }

Result<Resource> parse_resource(std::string_view name) {
  for (std::size_t i = 0; i < kResourceCount; ++i)
    if (kResourceNames[i] == name) return kResources[i];
  return make_error("unknown shared resource '" + std::string(name) + "'");
}

Result<Ns> parse_ns(std::string_view name) {
  for (std::size_t i = 0; i < kNsCount; ++i)
    if (kNsNames[i] == name) return kNamespaces[i];
  return make_error("unknown namespace '" + std::string(name) + "'");
}

}  // namespace clonediff::model
