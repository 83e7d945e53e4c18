// Kill-safety, live: `clonediff run` in every caller context, killed at a
// random moment by SIGKILL, SIGTERM or SIGINT, over and over. After each kill
// nothing of the run may be left: no process it created (in any pid
// namespace), no lease (chroot directory, pids cgroup, CLONE_INTO_CGROUP
// cgroup) named after it. SIGTERM and SIGINT end the run with 143 and 130 and
// reports that are whole (every planned case, the ones not run as errors);
// SIGKILL cannot be handled, so its leases are checked after the next run,
// which reclaims them. CLONEDIFF_KILL_SEED repeats a sequence; the seed is
// printed. CLONEDIFF_KILL_TIMES=1 prints how long each run took to end and to
// be checked.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cases/tests/cli_support.hpp"
#include "harness/engine/cgroup_scratch.hpp"
#include "harness/engine/context_lease.hpp"
#include "harness/records/json.hpp"
#include "model/caller.hpp"
#include "probes/sys/cleanup.hpp"
#include "probes/sys/proc_files.hpp"

extern char** environ;

namespace {

using namespace clonediff::cli_support;
using Clock = std::chrono::steady_clock;

// Runs are killed over the contexts in turn, each signal in turn, until this
// many were killed (a run that ends before its signal is not one), and at
// most kMostTrials runs.
constexpr int kLeastKills = 100;
constexpr int kMostTrials = 330;
// The latest moment of a kill: 600 ms after the start, or nine tenths of the
// time the context's run took whole, if that is less (a fast machine runs a
// context in less than 600 ms).
constexpr int kLatestKillMs = 600;
// By this moment every run has made a caller (a whole run of one case took
// 120 to 190 ms here).
constexpr int kSurelyStartedMs = 400;

struct Task {
  pid_t pid;
  long long start;
  pid_t pgid;
  bool operator<(const Task& o) const { return pid < o.pid || (pid == o.pid && start < o.start); }
};

// Every task of the system: pid, start time, parent and process group.
struct ProcEntry {
  long long start = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
  std::string comm_state;  // "(comm) S", for a message
};
std::map<pid_t, ProcEntry> all_tasks() {
  std::map<pid_t, ProcEntry> out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    char buf[1024];
    auto stat = clonediff::sys::read_proc_file(static_cast<pid_t>(pid), "stat", buf, sizeof buf);
    if (!stat) continue;
    ProcEntry p;
    p.ppid = static_cast<pid_t>(clonediff::sys::stat_field(*stat, 4).value_or(0));
    p.pgid = static_cast<pid_t>(clonediff::sys::stat_field(*stat, 5).value_or(0));
    p.start = clonediff::sys::stat_field(*stat, 22).value_or(0);
    const std::size_t open = stat->find('('), close = stat->rfind(')');
    if (open != std::string_view::npos && close != std::string_view::npos && close + 2 < stat->size())
      p.comm_state = std::string(stat->substr(open, close - open + 1)) + " " + std::string(1, (*stat)[close + 2]);
    out[static_cast<pid_t>(pid)] = p;
  }
  ::closedir(d);
  return out;
}

// The children of every thread of `pid`, as its threads'
// /proc/PID/task/TID/children list them; nullopt when the kernel has no
// such file (CONFIG_PROC_CHILDREN off) or `pid` is gone.
std::optional<std::vector<pid_t>> children_of(pid_t pid) {
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = ::opendir(tasks.c_str());
  if (!d) return std::nullopt;
  std::vector<pid_t> out;
  bool read_one = false;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const int fd = ::open((tasks + "/" + e->d_name + "/children").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    read_one = true;
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    const char* at = text.c_str();
    for (char* end = nullptr;; at = end) {
      const long child = std::strtol(at, &end, 10);
      if (end == at) break;
      out.push_back(static_cast<pid_t>(child));
    }
  }
  ::closedir(d);
  if (!read_one) return std::nullopt;
  return out;
}

// The tasks descending from `root` now (root excluded). It runs every few
// milliseconds while a run lives, so it reads only the run's own tree, down
// the threads' children lists; where the kernel has none, every task of the
// system, by parent.
void add_descendants(pid_t root, std::set<Task>& seen) {
  static const bool children_lists = children_of(::getpid()).has_value();
  if (children_lists) {
    std::vector<pid_t> todo = {root};
    while (!todo.empty()) {
      const pid_t pid = todo.back();
      todo.pop_back();
      for (pid_t child : children_of(pid).value_or(std::vector<pid_t>{})) {
        char buf[1024];
        auto stat = clonediff::sys::read_proc_file(child, "stat", buf, sizeof buf);
        if (!stat) continue;  // gone already
        seen.insert(Task{child, clonediff::sys::stat_field(*stat, 22).value_or(0),
                         static_cast<pid_t>(clonediff::sys::stat_field(*stat, 5).value_or(0))});
        todo.push_back(child);
      }
    }
    return;
  }
  const auto tasks = all_tasks();
  std::set<pid_t> ours = {root};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, p] : tasks)
      if (!ours.count(pid) && ours.count(p.ppid)) grew = ours.insert(pid).second || grew;
  }
  for (pid_t pid : ours)
    if (pid != root) seen.insert(Task{pid, tasks.at(pid).start, tasks.at(pid).pgid});
}

// What is still there of the tasks seen, or of their process groups.
std::vector<std::string> left_of(const std::set<Task>& seen) {
  std::vector<std::string> left;
  std::set<pid_t> groups;
  // A task seen between its fork and its setpgid() is still in this test's group.
  for (const Task& t : seen)
    if (t.pgid != ::getpgrp()) groups.insert(t.pgid);
  for (const auto& [pid, p] : all_tasks()) {
    bool same = false;
    for (const Task& t : seen) same = same || (t.pid == pid && t.start == p.start);
    if (same || groups.count(p.pgid))
      left.push_back("task " + std::to_string(pid) + " " + p.comm_state + " (parent " + std::to_string(p.ppid) +
                     ", group " + std::to_string(p.pgid) + ")");
  }
  return left;
}

// The leases named after `pid`, wherever the harness makes them.
std::vector<std::string> leases_of(pid_t pid) {
  std::vector<std::string> dirs = {"/tmp"};
  if (auto pids = clonediff::harness::pids_cgroup_parent()) dirs.push_back(*pids);
  if (auto v2 = clonediff::harness::CgroupScratch::cgroup2_root()) dirs.push_back(*v2);
  const std::string mark = "-" + std::to_string(pid) + "-";
  std::vector<std::string> out;
  for (const std::string& dir : dirs) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) continue;
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.starts_with("clonediff-") && name.find(mark) != std::string::npos) out.push_back(dir + "/" + name);
    }
    ::closedir(d);
  }
  return out;
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

// waitpid with a limit; -1 if the run did not end within it (then killed).
int wait_for(pid_t pid, std::chrono::seconds limit) {
  const auto until = Clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (Clock::now() > until) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The orphans of a killed run come to this process (a child subreaper, as
// init would be for a run started from a shell) and are reaped here, so that
// a task that died is gone and a task still left is one that did not die.
// Only called while no other child of this process is running.
void reap_orphans() {
  int status = 0;
  while (::waitpid(-1, &status, WNOHANG | __WALL) > 0) {
  }
}

class KillSafety : public Cli {};

TEST_F(KillSafety, NothingIsLeftAfterARunIsKilledAtAnyMoment) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: run builds caller contexts";
  const char* seed_env = std::getenv("CLONEDIFF_KILL_SEED");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10)) : std::random_device{}();
  std::printf("kill-safety seed %u (CLONEDIFF_KILL_SEED repeats it)\n", seed);
  std::mt19937 random(seed);
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  const std::string clonediff = CLONEDIFF_BINARY;

  // Each context this machine can build (`clonediff contexts` tries each),
  // its planned cases and how long its run took, whole.
  struct Context {
    std::string name;
    std::size_t cases = 0;
    int whole_ms = 0;
  };
  std::vector<Context> contexts;
  const Ran tried = run(clonediff, {"contexts"});
  ASSERT_EQ(tried.status, 0) << tried.out << tried.err;
  for (std::string_view name : clonediff::model::caller_preset_names()) {
    const std::string padded = "  " + std::string(name) + " ";
    std::string word;
    for (const std::string& l : lines(tried.out))
      if (l.starts_with(padded)) word = l.substr(l.find_first_not_of(' ', padded.size()));
    if (!word.starts_with("yes")) {
      std::printf("context %s not killed here: it cannot be built (%s)\n", std::string(name).c_str(), word.c_str());
      continue;
    }
    Context c{std::string(name)};
    c.cases = lines(run(clonediff, {"run", "--context", c.name, "--list"}).out).size();
    ASSERT_GT(c.cases, 0u) << c.name;
    contexts.push_back(c);
  }
  // Each context's run, whole, as many at once as there are CPUs (a run
  // keeps about one busy). The whole run also shows that the context takes
  // every root case too (`run --context NAME`) and still matches, or skips
  // with a reason: a model that knew only the contexts the catalogue names
  // failed here (setns through a pidfd in userns_root, looks through /proc
  // in pidns_init and chroot).
  {
    struct Whole {
      std::size_t context;
      pid_t pid;
      Clock::time_point started;
      bool killed = false;
    };
    constexpr std::chrono::seconds kWholeRunLimit{60};
    const std::size_t at_once = std::max(1u, std::thread::hardware_concurrency());
    std::vector<Whole> running;
    // A failed assertion returns with runs still going: they go too.
    const clonediff::sys::Cleanup stop_running([&] {
      for (const Whole& w : running) {
        ::kill(w.pid, SIGKILL);
        ::waitpid(w.pid, nullptr, 0);
      }
    });
    const auto out_of = [&](std::size_t i) { return path(("whole-" + std::to_string(i) + ".out").c_str()); };
    const auto err_of = [&](std::size_t i) { return path(("whole-" + std::to_string(i) + ".err").c_str()); };
    const auto end_one = [&] {
      // Any child: a whole run, or an orphan that came to this subreaper
      // (reaped here, as reap_orphans() would). A whole run gets a minute,
      // as run() gives a program, and is killed after it.
      int status = 0;
      auto it = running.end();
      while (it == running.end()) {
        const pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
        ASSERT_GE(pid, 0) << "waitpid: " << std::strerror(errno);
        if (pid > 0) {
          it = std::find_if(running.begin(), running.end(), [&](const Whole& w) { return w.pid == pid; });
          continue;
        }
        for (Whole& w : running)
          if (!w.killed && Clock::now() - w.started > kWholeRunLimit) {
            ADD_FAILURE() << "run --context " << contexts[w.context].name << ", whole: did not end within "
                          << kWholeRunLimit.count() << " s (killed)";
            ::kill(w.pid, SIGKILL);
            w.killed = true;
          }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      Context& c = contexts[it->context];
      c.whole_ms = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - it->started).count());
      const bool passed = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      EXPECT_TRUE(passed) << "run --context " << c.name << ", whole: status " << status << "\n"
          << slurp(out_of(it->context)) << slurp(err_of(it->context));
      std::printf("context %s: %zu cases, its run whole %d ms\n", c.name.c_str(), c.cases, c.whole_ms);
      running.erase(it);
    };
    for (std::size_t i = 0; i < contexts.size(); ++i) {
      while (running.size() >= at_once) ASSERT_NO_FATAL_FAILURE(end_one());
      const pid_t pid = spawn({clonediff, "run", "--context", contexts[i].name, "--quiet"}, out_of(i), err_of(i));
      ASSERT_GT(pid, 0) << "posix_spawn: " << contexts[i].name;
      running.push_back(Whole{i, pid, Clock::now(), false});
    }
    while (!running.empty()) ASSERT_NO_FATAL_FAILURE(end_one());
  }
  ASSERT_FALSE(contexts.empty());

  const int signals[] = {SIGKILL, SIGTERM, SIGINT};
  std::map<int, int> kills, before_handling;
  int finished_first = 0;
  const auto killed = [&] { return kills[SIGKILL] + kills[SIGTERM] + kills[SIGINT]; };
  for (int trial = 0; killed() < kLeastKills && trial < kMostTrials; ++trial) {
    const Context& c = contexts[static_cast<std::size_t>(trial) % contexts.size()];
    // Each signal in turn, shifted by one every round of the contexts, so
    // that every context meets every signal whatever their number.
    const int sig = signals[(static_cast<std::size_t>(trial) + static_cast<std::size_t>(trial) / contexts.size()) % 3];
    // A moment within the run (start-up included): its first 600 ms, or less
    // where the context's whole run took less (kLatestKillMs).
    const int latest_ms = std::max(2, std::min(kLatestKillMs, c.whole_ms * 9 / 10));
    const int delay_ms = std::uniform_int_distribution<int>(1, latest_ms)(random);
    const fs::path json = path("run.jsonl"), junit = path("run.xml"), out = path("out"), err = path("err");
    const pid_t pid = spawn({clonediff, "run", "--context", c.name, "--json", json.string(), "--junit", junit.string()},
                            out, err);
    ASSERT_GT(pid, 0);
    std::set<Task> seen;
    const auto kill_at = Clock::now() + std::chrono::milliseconds(delay_ms);
    while (Clock::now() < kill_at) {
      add_descendants(pid, seen);
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    add_descendants(pid, seen);
    ::kill(pid, sig);
    const auto killed_at = Clock::now();
    const int status = wait_for(pid, std::chrono::seconds(20));
    const auto ended_at = Clock::now();
    const std::string what = "trial " + std::to_string(trial) + ": " + c.name + ", " + strsignal(sig) + " after " +
                             std::to_string(delay_ms) + " ms";
    ASSERT_NE(status, -1) << what << ": the run did not end within 20 s";
    // What is checked below is what was seen: a run this far in has made
    // its callers, and a poll that saw none of them would check nothing.
    if (delay_ms >= kSurelyStartedMs) {
      EXPECT_FALSE(seen.empty()) << what << ": no task of the run was seen, so none could be checked";
    }

    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      ++finished_first;  // the run ended before the signal came (it was a zombie): no kill to count
    } else if (sig == SIGKILL) {
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << what << ": status " << status;
      // The next run reclaims what this one could not release.
      const Ran next = run(clonediff, {"run", "--filter", "legacy/settls"});
      EXPECT_EQ(next.status, 0) << what << ": the next run: " << next.err;
      EXPECT_EQ(next.err.find("cannot reclaim"), std::string::npos) << what << ": " << next.err;
      ++kills[sig];
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == sig) {
      ++before_handling[sig];  // so early that clonediff had not yet taken the signal over: nothing made yet
      EXPECT_TRUE(leases_of(pid).empty()) << what;
    } else {
      ++kills[sig];
      ASSERT_TRUE(WIFEXITED(status)) << what << ": status " << status;
      EXPECT_EQ(WEXITSTATUS(status), 128 + sig) << what << "\n" << slurp(err);
      // The reports are whole: a record and a test case per planned case.
      const auto records = lines(slurp(json));
      EXPECT_EQ(records.size(), c.cases) << what;
      for (const std::string& r : records) EXPECT_TRUE(clonediff::json::parse(r)) << what << ": " << r;
      const std::string xml = slurp(junit);
      EXPECT_EQ(count_of(xml, "<testcase "), c.cases) << what;
      EXPECT_TRUE(xml.ends_with("</testsuites>\n")) << what;
      EXPECT_NE(slurp(err).find(std::string("stopped by SIG") + sigabbrev_np(sig)), std::string::npos) << what << slurp(err);
    }
    // Nothing of the run is left: its tasks are gone (a caller dies with
    // clonediff by its parent-death signal; give SIGKILL's a moment) ...
    reap_orphans();
    std::vector<std::string> left = left_of(seen);
    for (int i = 0; i < 200 && !left.empty() && sig == SIGKILL; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      reap_orphans();
      left = left_of(seen);
    }
    for (const std::string& l : left) ADD_FAILURE() << what << ": left behind: " << l;
    // ... and so are its leases.
    for (const std::string& l : leases_of(pid)) ADD_FAILURE() << what << ": lease left behind: " << l;
    if (std::getenv("CLONEDIFF_KILL_TIMES"))
      std::printf("%s: ended in %ld ms, checked in %ld ms\n", what.c_str(),
                  static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(ended_at - killed_at).count()),
                  static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ended_at).count()));
    if (HasFailure()) break;
  }
  std::printf("kills: %d SIGKILL, %d SIGTERM, %d SIGINT; %d before clonediff took the signal over; %d runs ended "
              "before their signal\n",
              kills[SIGKILL], kills[SIGTERM], kills[SIGINT], before_handling[SIGTERM] + before_handling[SIGINT],
              finished_first);
  EXPECT_GE(killed(), kLeastKills);
}

}  // namespace
