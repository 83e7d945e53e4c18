#include "probes/sys/cgroup_mounts.hpp"

#include <fstream>
#include <sstream>

namespace clonediff::sys {

bool CgroupMount::v1_with(std::string_view controller) const {
  return fstype == "cgroup" && ("," + options + ",").find("," + std::string(controller) + ",") != std::string::npos;
}

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  std::istringstream lines{std::string(mountinfo)};
  for (std::string line; std::getline(lines, line);) {
    // "<id> <parent> <maj:min> <root> <mount point> <options> ... - <fstype> <source> <super options>"
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream head(line.substr(0, dash)), tail(line.substr(dash + 3));
    std::string id, parent, dev, source;
    CgroupMount m;
    head >> id >> parent >> dev >> m.root >> m.point;
    tail >> m.fstype >> source >> m.options;
    if (m.fstype == "cgroup" || m.fstype == "cgroup2") out.push_back(std::move(m));
  }
  return out;
}

std::vector<CgroupMount> cgroup_mounts() {
  std::ifstream in("/proc/self/mountinfo");
  std::string text;
  for (std::string line; std::getline(in, line);) text += line + "\n";
  return parse_cgroup_mounts(text);
}

}  // namespace clonediff::sys
