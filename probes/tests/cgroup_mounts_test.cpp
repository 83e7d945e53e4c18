// The mountinfo reader behind the scratch cgroups, the pids_max lease and the
// caller's pids facts, on the lines of a hybrid host.
#include <gtest/gtest.h>

#include "probes/sys/cgroup_mounts.hpp"

namespace clonediff::sys {
namespace {

constexpr const char* kHybrid =
    "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
    "30 25 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
    "31 25 0:27 / /sys/fs/cgroup/pids rw,nosuid shared:11 - cgroup cgroup rw,pids\n"
    "32 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw shared:12 - cgroup cgroup rw,cpu,cpuacct\n"
    "40 25 0:29 /lxc/box /mnt/box rw - cgroup cgroup rw,pidsx,pids_other\n"
    "malformed line without a separator\n";

TEST(CgroupMounts, ReadsTheCgroupLinesOfMountinfo) {
  const auto mounts = parse_cgroup_mounts(kHybrid);
  ASSERT_EQ(mounts.size(), 4u);
  EXPECT_EQ(mounts[0].fstype, "cgroup2");
  EXPECT_EQ(mounts[0].point, "/sys/fs/cgroup/unified");
  EXPECT_EQ(mounts[0].root, "/");
  EXPECT_EQ(mounts[1].point, "/sys/fs/cgroup/pids");
  EXPECT_EQ(mounts[3].root, "/lxc/box");
}

TEST(CgroupMounts, AControllerIsAWholeOptionOfAV1Hierarchy) {
  const auto mounts = parse_cgroup_mounts(kHybrid);
  EXPECT_FALSE(mounts[0].v1_with("pids"));  // cgroup2: controllers are not mount options
  EXPECT_TRUE(mounts[1].v1_with("pids"));
  EXPECT_FALSE(mounts[2].v1_with("pids"));
  EXPECT_TRUE(mounts[2].v1_with("cpuacct"));
  EXPECT_FALSE(mounts[3].v1_with("pids"));  // "pidsx" and "pids_other" are other names
}

TEST(CgroupMounts, ThisProcessesMountsParse) {
  // Whatever this machine mounts, every entry is a cgroup one with a mount point.
  for (const CgroupMount& m : cgroup_mounts()) {
    EXPECT_TRUE(m.fstype == "cgroup" || m.fstype == "cgroup2") << m.fstype;
    EXPECT_FALSE(m.point.empty());
  }
}

}  // namespace
}  // namespace clonediff::sys
