#include "harness/cgroup_scratch.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace clonediff::harness {

Result<std::string> CgroupScratch::cgroup2_root() {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    // "<id> <parent> <maj:min> <root> <mount point> <options> ... - <fstype> <source> <super options>"
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string fstype;
    tail >> fstype;
    if (fstype != "cgroup2") continue;
    std::istringstream head(line.substr(0, dash));
    std::string id, parent, dev, root, mount_point;
    head >> id >> parent >> dev >> root >> mount_point;
    if (root == "/") return mount_point;
  }
  return make_error("no cgroup v2 hierarchy is mounted");
}

Result<CgroupScratch> CgroupScratch::create(const std::string& name) {
  auto root = cgroup2_root();
  if (!root) return root.error();
  std::string path = *root + "/" + name;
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return make_error("cannot create cgroup " + path + ": " + std::strerror(errno));
  return CgroupScratch(path, "/" + name);
}

CgroupScratch::CgroupScratch(CgroupScratch&& o) noexcept
    : path_(std::exchange(o.path_, std::string())), relative_(std::move(o.relative_)) {}

CgroupScratch::~CgroupScratch() {
  if (path_.empty()) return;
  for (int i = 0; i < 200; ++i) {
    if (::rmdir(path_.c_str()) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) break;
    ::usleep(5000);
  }
}

}  // namespace clonediff::harness
