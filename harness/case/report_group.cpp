#include "harness/case/report_group.hpp"

namespace clonediff::harness {

std::vector<std::string> report_group(const CatalogueCase& c) {
  std::vector<std::string> group;
  if (!c.target.empty()) group.push_back(c.target);
  if (c.context != "root") group.push_back(c.context);  // "unpriv/sweep"
  group.push_back(c.suite);
  return group;
}

std::string group_name(const std::vector<std::string>& path) {
  std::string name;
  for (const std::string& level : path) name += (name.empty() ? "" : "/") + level;
  return name;
}

std::string report_case_name(const CatalogueCase& c) {
  const auto slash = c.id.find('/');
  if (slash == std::string::npos || slash + 1 == c.id.size()) return c.id;
  std::string name = c.id.substr(slash + 1);
  // "sweep/unpriv/CLONE_VM" in group unpriv/sweep is "CLONE_VM".
  if (c.context != "root" && name.rfind(c.context + "/", 0) == 0 && name.size() > c.context.size() + 1)
    name = name.substr(c.context.size() + 1);
  return name;
}

}  // namespace clonediff::harness
