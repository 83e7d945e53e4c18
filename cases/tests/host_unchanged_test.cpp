// Building every context leaves the host as it was: sysctls, hostname,
// mounts, cgroups, temporary directories, SysV IPC and processes. A snapshot
// before and after a run of cases in every context (with crashes and
// timeouts among them) must be equal, and so must the CPUs the thread that
// ran them may use.
#include <gtest/gtest.h>
#include <dirent.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "harness/caller/context_recipe.hpp"
#include "harness/engine/cgroup_scratch.hpp"
#include "harness/engine/context_lease.hpp"
#include "harness/engine/runner.hpp"
#include "probes/running_kernel.hpp"
#include "model/flags.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::harness {
namespace {

using sys::read_text_or_empty;

std::string listing(const std::string& dir, const std::string& prefix = "") {
  std::string out;
  if (DIR* d = ::opendir(dir.c_str())) {
    std::map<std::string, int> names;
    while (dirent* e = ::readdir(d))
      if (std::string(e->d_name).rfind(prefix, 0) == 0) names[e->d_name] = 1;
    ::closedir(d);
    for (const auto& [name, _] : names) out += name + "\n";
  }
  return out;
}

// Mount points and their options, without the ids the kernel hands out.
std::string mounts() {
  std::ifstream in("/proc/self/mountinfo");
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point, options;
    fields >> id >> parent >> dev >> root >> point >> options;
    out += root + " " + point + " " + options + "\n";
  }
  return out;
}

// What this process's harness could have made: every name it gives carries
// "-<pid>-" (chroot directories, cgroups). Others' runs may come and go.
std::string ours(const std::string& dir) {
  const std::string mark = "-" + std::to_string(::getpid()) + "-";
  std::string out;
  std::istringstream all(listing(dir));
  for (std::string name; std::getline(all, name);)
    if (name.find(mark) != std::string::npos) out += name + "\n";
  return out;
}

// The CPUs this thread may run on, as a list of numbers.
std::string cpus_allowed() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof mask, &mask) != 0) return "unreadable";
  std::string out;
  for (std::size_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &mask)) out += std::to_string(cpu) + " ";
  return out;
}

std::map<std::string, std::string> snapshot() {
  std::map<std::string, std::string> s;
  for (const char* f : {"/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname", "/proc/sys/kernel/pid_max",
                        "/proc/sys/kernel/threads-max"})
    s[f] = read_text_or_empty(f);
  const std::string user = "/proc/sys/user/";
  for (const std::string& name : {std::string("max_user_namespaces"), std::string("max_pid_namespaces"),
                                  std::string("max_net_namespaces"), std::string("max_mnt_namespaces"),
                                  std::string("max_ipc_namespaces"), std::string("max_uts_namespaces"),
                                  std::string("max_cgroup_namespaces"), std::string("max_time_namespaces")})
    s[user + name] = read_text_or_empty(user + name);
  s["mounts"] = mounts();
  if (auto v2 = CgroupScratch::cgroup2_root()) {
    s["cgroup2"] = ours(*v2);
    s["cgroup2 subtree_control"] = read_text_or_empty(*v2 + "/cgroup.subtree_control");
  }
  if (auto pids = pids_cgroup_parent()) s["pids cgroups"] = ours(*pids);
  s["/tmp"] = ours("/tmp");
  s["sysv sem"] = read_text_or_empty("/proc/sysvipc/sem");
  s["sysv shm"] = read_text_or_empty("/proc/sysvipc/shm");
  s["sysv msg"] = read_text_or_empty("/proc/sysvipc/msg");
  s["this thread's CPUs"] = cpus_allowed();
  return s;
}

bool has_unreaped_children() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 && info.si_pid != 0;
}

TEST(HostUnchanged, EveryContextLeavesTheHostAsItWas) {
  const auto before = snapshot();
  {
    Runner runner(*probes::running_kernel(), std::chrono::milliseconds(500));
    // The Runner's cases run on one CPU (runner.hpp); its thread's own mask
    // comes back when it goes (the snapshot).
    cpu_set_t kept;
    ASSERT_EQ(::sched_getaffinity(0, sizeof kept, &kept), 0);
    EXPECT_EQ(CPU_COUNT(&kept), 1);
    for (const ContextRecipe& recipe : context_recipes()) {
      const std::string ctx(recipe.context);
      for (std::uint64_t flags : {std::uint64_t{0}, model::flag::VM | model::flag::SIGHAND | model::flag::THREAD,
                                  model::flag::NEWUSER | model::flag::NEWNS | model::flag::NEWUTS, model::flag::NEWPID}) {
        CatalogueCase c;
        c.id = "host/" + ctx + "/" + std::to_string(flags);
        c.suite = "host";
        c.context = ctx;
        c.request = model::Request{model::Entry::clone, flags, model::kSigchld};
        const CaseResult r = runner.run(c);
        EXPECT_TRUE(r.verdict == Verdict::match || r.verdict == Verdict::skip) << c.id << ": " << r.reason;
      }
      CatalogueCase into;
      into.id = "host/" + ctx + "/into-cgroup";
      into.suite = "host";
      into.context = ctx;
      into.request = model::Request{model::Entry::clone3, model::flag::INTO_CGROUP, model::kSigchld};
      into.request.clone3.cgroup = model::CgroupArg::harness;
      runner.run(into);
      // A crash and a timeout in the middle, where the host lent something:
      // the group is killed and reaped, and what it was lent removed.
      if (ctx == "root" || recipe.needs_chroot_dir || recipe.needs_pids_cgroup) {
        CatalogueCase crash = into;
        crash.request = model::Request{model::Entry::clone, 0, model::kSigchld};
        runner.run(crash, Fault::child_crash);
        runner.run(crash, Fault::child_hang);
      }
    }
  }
  const auto after = snapshot();
  for (const auto& [what, value] : before) EXPECT_EQ(after.at(what), value) << what << " changed";
  EXPECT_FALSE(has_unreaped_children());
}

}  // namespace
}  // namespace clonediff::harness
