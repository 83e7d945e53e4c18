// The bare baseline ci/bench sets the harness beside: the catalogue's sweep
// (legacy clone over 12 flags in its three contexts, 12,288 of its 13,404
// cases) made with no observation and no model. One helper process per
// context, entered by the same recipes (context_recipe.hpp), makes each call
// through the same trampoline with a stack of its own, the tid pointers and
// the case's exit signal, every signal blocked as the harness's callers have
// them. Each child leaves at once; the helper waits until it is gone (a
// process: waitid, or its pidfd when CLONE_PARENT made it this program's;
// a thread: until tgkill says so, sleeping between looks) before the next call.
// Each helper and its children run on one CPU, moved when it is crowded, as
// clonediff's cases do (probes/sys/one_cpu.hpp).
//   bare_catalogue --list        the ids it makes, one a line (for `run --filter`)
//   bare_catalogue               makes them; prints "<calls> calls in <s> s"
// Needs root. Exit status 2 on bad usage or a context it cannot build.
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "harness/caller/context_recipe.hpp"
#include "harness/caller/raw_clone.hpp"
#include "harness/case/catalogue.hpp"
#include "model/flags.hpp"
#include "probes/sys/one_cpu.hpp"
#include "probes/sys/short_slice.hpp"
#include "probes/sys/timer_slack.hpp"

namespace {

using namespace clonediff;

// The contexts a helper can be built for here: a plain fork, or the first
// process of a new pid namespace; nothing lent by the host.
bool bare_context(const std::string& context) {
  auto recipe = harness::find_recipe(context);
  return recipe && !(*recipe)->needs_chroot_dir && !(*recipe)->needs_pids_cgroup &&
         ((*recipe)->spawn == harness::SpawnKind::fork || (*recipe)->spawn == harness::SpawnKind::new_pidns);
}

// The sweep's cases (legacy clone, the harness's stack, no TLS), in a context
// built here: made the same way.
bool bare_case(const harness::CatalogueCase& c) {
  return c.suite == "sweep" && c.request.entry == model::Entry::clone && c.request.stack == model::StackArg::harness &&
         c.request.tls == model::TlsArg::none && !(c.request.flags & model::flag::SETTLS) && bare_context(c.context);
}

int child_leaves(void*) noexcept { return 0; }

constexpr std::size_t kStack = 256 * 1024;

// Waits until the child `ret` is gone. Never spins: sleeps between looks.
void await_gone(unsigned long flags, long ret) {
  if (flags & model::flag::THREAD) {
    const long tgid = ::syscall(SYS_getpid);
    for (long ns = 2'000; ::syscall(SYS_tgkill, tgid, ret, 0) == 0; ns = ns < 1'000'000 ? ns * 2 : ns) {
      const timespec nap{0, ns};
      ::nanosleep(&nap, nullptr);
    }
    return;
  }
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(ret), &info, WEXITED | __WALL) == 0) return;
  // CLONE_PARENT: this program's parent reaps it; its pidfd says when it has left.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, ret, 0));
  if (pidfd < 0) return;  // gone already
  pollfd p{pidfd, POLLIN, 0};
  while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
  ::close(pidfd);
}

// In the helper: enter the context, then every call in order.
[[noreturn]] void helper(const std::string& context, const std::vector<const harness::CatalogueCase*>& cases) {
  if (auto st = harness::enter_context(context, {}); !st) {
    std::fprintf(stderr, "bare_catalogue: context %s: %s\n", context.c_str(), st.error().message.c_str());
    ::_exit(2);
  }
  if (auto st = harness::finish_context(context, {}); !st) {
    std::fprintf(stderr, "bare_catalogue: context %s: %s\n", context.c_str(), st.error().message.c_str());
    ::_exit(2);
  }
  sigset_t all;
  ::sigfillset(&all);
  ::sigprocmask(SIG_BLOCK, &all, nullptr);
  void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) ::_exit(2);
  int parent_tid = -1, child_tid = -1;
  // On one CPU, moved when it is crowded, as clonediff's Runner keeps its cases.
  auto cpu = sys::OneCpu::keep_here();
  for (const harness::CatalogueCase* c : cases) {
    if (cpu) (void)cpu->review();
    const unsigned long flags = c->request.flags | c->request.exit_signal;
    const long ret = clonediff_raw_clone(flags, static_cast<char*>(stack) + kStack, &parent_tid, &child_tid, 0,
                                         child_leaves, nullptr);
    if (ret > 0) await_gone(c->request.flags, ret);
  }
  ::_exit(0);
}

// Runs the helper for `context` and reaps everything that comes back here
// (CLONE_PARENT children, orphans: this program is a child subreaper) until
// the helper itself has gone. Its exit status.
int run_context(const std::string& context, const std::vector<const harness::CatalogueCase*>& cases) {
  const bool new_pidns = (*harness::find_recipe(context))->spawn == harness::SpawnKind::new_pidns;
  const pid_t pid = ::fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    if (!new_pidns) helper(context, cases);
    // The helper is the first process of a new pid namespace; this one waits for it.
    if (::unshare(CLONE_NEWPID) != 0) ::_exit(2);
    const pid_t init = ::fork();
    if (init == 0) helper(context, cases);
    int status = 0;
    while (::waitpid(init, &status, __WALL) < 0 && errno == EINTR) {
    }
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 2);
  }
  int result = 2;
  for (;;) {
    siginfo_t info{};
    if (::waitid(P_ALL, 0, &info, WEXITED | __WALL) != 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (info.si_pid == pid) {
      result = info.si_code == CLD_EXITED ? info.si_status : 2;
      if (info.si_code != CLD_EXITED) std::fprintf(stderr, "bare_catalogue: the helper was killed by signal %d\n", info.si_status);
    }
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const bool list = argc == 2 && std::strcmp(argv[1], "--list") == 0;
  if (argc > 2 || (argc == 2 && !list)) {
    std::fprintf(stderr, "usage: bare_catalogue [--list]\n");
    return 2;
  }
  // As clonediff run's host cases have it (run_command.cpp), so that the two
  // meet the same scheduler and the same timers, beside other work or not.
  (void)sys::request_short_slice();
  (void)sys::request_precise_timers();
  auto catalogue = harness::builtin_catalogue();
  if (!catalogue) {
    std::fprintf(stderr, "bare_catalogue: %s\n", catalogue.error().message.c_str());
    return 2;
  }
  // In catalogue order, one helper per context in the order contexts first come.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const harness::CatalogueCase*>> by_context;
  std::size_t calls = 0;
  for (const harness::CatalogueCase& c : *catalogue) {
    if (!bare_case(c)) continue;
    if (list) {
      std::printf("%s\n", c.id.c_str());
      continue;
    }
    if (!by_context.count(c.context)) order.push_back(c.context);
    by_context[c.context].push_back(&c);
    ++calls;
  }
  if (list) return 0;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "bare_catalogue: needs root, as clonediff run does\n");
    return 2;
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& context : order)
    if (int st = run_context(context, by_context[context]); st != 0) {
      std::fprintf(stderr, "bare_catalogue: the helper for context %s failed (%d)\n", context.c_str(), st);
      return 2;
    }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("%zu calls in %.3f s\n", calls, took.count());
  return 0;
}
