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
  std::string_view id = c.id;
  if (c.context != "root" && id.starts_with(c.context + "/")) id.remove_prefix(c.context.size() + 1);
  const auto slash = id.find('/');
  if (slash == std::string_view::npos || slash + 1 == id.size()) return std::string(id);
  return std::string(id.substr(slash + 1));
}

}  // namespace clonediff::harness
