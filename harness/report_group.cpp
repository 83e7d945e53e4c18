#include "harness/report_group.hpp"

namespace clonediff::harness {

std::vector<std::string> report_group(const CatalogueCase& c) {
  if (!c.target.empty()) return {c.target, c.suite};
  return {c.suite};
}

std::string group_name(const std::vector<std::string>& path) {
  std::string name;
  for (const std::string& level : path) name += (name.empty() ? "" : "/") + level;
  return name;
}

std::string report_case_name(const CatalogueCase& c) {
  const auto slash = c.id.find('/');
  if (slash == std::string::npos || slash + 1 == c.id.size()) return c.id;
  return c.id.substr(slash + 1);
}

}  // namespace clonediff::harness
