#include "harness/engine/caller_spawn.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "harness/caller/protocol.hpp"
#include "harness/caller/wire.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {
namespace {

using sys::errno_error;

// A spawn that cannot make its caller tells the host why, as a caller whose
// context failed would.
[[noreturn]] void spawn_failed(const CallerSetup& setup, const std::string& why) {
  FactsMsg f;
  f.ok = 0;
  copy_text(f.error, why.c_str());
  send_msg(setup.ctl_fd, f);
  ::_exit(2);
}

// Linux stops at 32 levels (MAX_PID_NS_LEVEL); a chain twice that deep says
// the implementation has no limit to find.
constexpr int kMostPidNsLevels = 64;

// The pidns_depth chain, in the first forked process: a pid namespace below
// the last until the kernel refuses one more, each level's init waiting for
// the next. The deepest process becomes the caller. All share this process
// group; each dies with its parent.
[[noreturn]] void nest_pid_namespaces(CallerSetup setup) {
  // Every level but the caller only waits: it holds no descriptor but the
  // caller's sockets (the caller closes the rest itself).
  sys::close_all_descriptors_but({setup.ctl_fd, setup.child_socket_fd});
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (int level = 0;; ++level) {
    if (level == kMostPidNsLevels)
      spawn_failed(setup, "pid namespaces nest " + std::to_string(level) +
                              " levels deep without ENOSPC: no depth limit to reach (Linux stops at 32)");
    if (::unshare(CLONE_NEWPID) != 0) break;  // ENOSPC: as deep as it goes
    const pid_t next = ::fork();
    if (next < 0) spawn_failed(setup, errno_error("fork at pid-namespace level " + std::to_string(level + 1)).message);
    if (next > 0) {
      int status = 0;
      while (::waitpid(next, &status, 0) < 0 && errno == EINTR) {
      }
      ::_exit(0);
    }
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  }
  setup.own_group = false;
  setup.host_is_parent = false;
  caller_main(setup);
}

}  // namespace

CallerResult<SpawnedCaller> spawn_caller(const ContextRecipe& recipe, CallerSetup setup) {
  pid_t pid = -1;
  switch (recipe.spawn) {
    case SpawnKind::fork:
      pid = ::fork();
      if (pid == 0) caller_main(setup);
      break;
    case SpawnKind::new_pidns: {
      setup.host_is_parent = false;  // the host lies outside its pid namespace: getppid() is 0
      // pid_for_children, for this one fork; then this process's own again.
      sys::UniqueFd own(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
      if (!own) return harness_failed(errno_error("open /proc/self/ns/pid"));
      // First the way back (setns to the active pid namespace is allowed):
      // where there is none (gVisor), every later fork() of this process
      // would land in a namespace whose init is gone, and fail with ENOMEM.
      if (::setns(own.get(), CLONE_NEWPID) != 0)
        return unsatisfiable(errno_error("setns(CLONE_NEWPID) to its own pid namespace, needed to come back"));
      if (::unshare(CLONE_NEWPID) != 0) return unsatisfiable(errno_error("unshare(CLONE_NEWPID)"));
      pid = ::fork();
      if (pid == 0) caller_main(setup);
      if (::setns(own.get(), CLONE_NEWPID) != 0) return harness_failed(errno_error("setns back to the host's pid namespace"));
      break;
    }
    case SpawnKind::exit_signal_0:
      // clone() with no flags and exit signal 0: a fork whose end sends nothing.
      // glibc's cached tid is stale in the child: the caller must not use
      // raise(), abort() or pthread_kill().
      pid = static_cast<pid_t>(::syscall(SYS_clone, 0, 0, 0, 0, 0));
      if (pid == 0) caller_main(setup);
      // qemu-user takes no exit signal but SIGCHLD: a recipe it cannot follow.
      if (pid < 0 && errno == EINVAL) return unsatisfiable(errno_error("clone with exit signal 0"));
      break;
    case SpawnKind::nested_pidns:
      pid = ::fork();
      if (pid == 0) nest_pid_namespaces(setup);
      break;
  }
  if (pid < 0) return harness_failed(errno_error("fork of the caller process"));
  ::setpgid(pid, pid);  // also done in the child: whichever runs first wins the race
  SpawnedCaller s;
  s.group = pid;
  s.caller_pid = recipe.spawn == SpawnKind::nested_pidns ? 0 : pid;
  return s;
}

}  // namespace clonediff::harness
