#include "harness/targets/outer_process.hpp"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/filesystem.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <thread>

#include "probes/sys/pidfd.hpp"
#include "probes/sys/text_file.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::targets {
namespace {

namespace bp = boost::process;
namespace fs = boost::filesystem;

// Between fork and exec (system calls only: the run has threads). A run
// blocks SIGINT, SIGTERM and SIGHUP to read them from a signalfd
// (harness/engine/stop_signals.hpp); a program it starts gets them
// unblocked. With a CPU named, the program and every thread it makes are
// kept on it; where the kernel refuses, it runs wherever it is put.
struct ExecSetup : bp::extend::handler {
  std::optional<int> cpu;
  template <typename Executor>
  void on_exec_setup(Executor&) const {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (cpu && *cpu >= 0 && *cpu < CPU_SETSIZE) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(static_cast<std::size_t>(*cpu), &one);
      (void)::sched_setaffinity(0, sizeof one, &one);
    }
  }
};

// Boost 1.74's child::wait_for() can sleep out its whole timeout when the
// child exits before the wait begins (it waits for a SIGCHLD already gone).
// running() reaps without that race; look with it against a deadline, and
// ask `stop` (if given) at each look. Between looks, wait on a pidfd for the
// child's exit, at most 50 ms, so that an exit is seen at once and a stop
// within about 50 ms; where the kernel has no pidfd_open() (before 5.3),
// nap instead, 0.5 ms at first and growing to 50 ms.
OuterRun::End wait_for_end(bp::child& c, std::chrono::steady_clock::time_point deadline,
                           const std::function<bool()>& stop) {
  const sys::UniqueFd pidfd(sys::pidfd_open(c.id()));
  auto nap = std::chrono::microseconds(500);
  constexpr auto kLongestNap = std::chrono::microseconds(50000);
  while (c.running()) {
    if (std::chrono::steady_clock::now() >= deadline) return OuterRun::End::timed_out;
    if (stop && stop()) return OuterRun::End::stopped;
    if (pidfd) {
      pollfd ended{pidfd.get(), POLLIN, 0};
      (void)::poll(&ended, 1, static_cast<int>(kLongestNap.count() / 1000));
      continue;
    }
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, kLongestNap);
  }
  return OuterRun::End::exited;
}

// Reaps what is left of the group and is ours to reap (members that outlived
// the leader, orphans that came to us as a subreaper).
void reap_group(pid_t pgid) {
  siginfo_t info{};
  while (::waitid(P_PGID, static_cast<id_t>(pgid), &info, WEXITED | WNOHANG) == 0 && info.si_pid != 0) info = {};
}

}  // namespace

std::optional<std::string> find_program(const std::string& name) {
  const fs::path found = bp::search_path(name);
  if (found.empty()) return std::nullopt;
  return found.string();
}

std::string version_line(const std::string& program, const std::string& workdir) {
  auto ran = run_outer(OuterCommand{program, {"--version"}, workdir, std::chrono::seconds(10), "", "", {}, std::nullopt});
  if (!ran || ran->end != OuterRun::End::exited) return "";
  return ran->out.substr(0, ran->out.find('\n'));
}

Result<OuterRun> run_outer(const OuterCommand& command) {
  const fs::path dir(command.workdir);
  const fs::path out = dir / "outer.stdout", err = dir / "outer.stderr";
  boost::system::error_code ec;
  fs::remove(out, ec);  // Boost.Process opens redirect targets without truncating them
  fs::remove(err, ec);
  OuterRun run;
  const auto started = std::chrono::steady_clock::now();
  try {
    bp::group group;
    const std::string start_dir = command.start_dir.empty() ? fs::current_path().string() : command.start_dir;
    bp::child c = command.stdin_path.empty()
                      ? bp::child(bp::exe = command.program, bp::args = command.args, bp::std_in < bp::null,
                                  bp::std_out > out.string(), bp::std_err > err.string(), bp::start_dir = start_dir,
                                  group, ExecSetup{{}, command.cpu})
                      : bp::child(bp::exe = command.program, bp::args = command.args,
                                  bp::std_in < command.stdin_path, bp::std_out > out.string(),
                                  bp::std_err > err.string(), bp::start_dir = start_dir, group, ExecSetup{{}, command.cpu});
    const pid_t pgid = c.id();
    std::error_code ignored;
    run.end = wait_for_end(c, started + command.timeout, command.stop_requested);
    if (run.end != OuterRun::End::exited) {
      group.terminate(ignored);  // SIGKILL to the whole group
      c.wait(ignored);
    } else {
      run.exit_code = c.exit_code();
      group.terminate(ignored);  // the rest of the group, if anything outlived the leader
    }
    reap_group(pgid);
  } catch (const std::exception& e) {
    return make_error("cannot start " + command.program + ": " + e.what());
  }
  run.elapsed = std::chrono::steady_clock::now() - started;
  run.out = sys::read_text_or_empty(out.string());
  run.err = sys::read_text_or_empty(err.string());
  return run;
}

}  // namespace clonediff::targets
