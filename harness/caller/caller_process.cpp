#include "harness/caller/caller_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "harness/caller/caller_context.hpp"
#include "harness/caller/caller_signals.hpp"
#include "harness/caller/child_plan.hpp"
#include "harness/caller/raw_clone.hpp"
#include "harness/caller/wire.hpp"
#include "model/flags.hpp"
#include "model/request.hpp"
#include "probes/behaviour.hpp"
#include "probes/sys/pidfd.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"
#include "probes/sys/raw_syscall.hpp"

namespace clonediff::harness {
namespace {

constexpr std::size_t kStackSize = 256 * 1024;
constexpr std::size_t kGuard = 4096;

// Why the caller gives up before its first case: this machine will not
// follow the context's recipe (its cases are skipped), or the harness's own
// setup failed (an error).
enum class StartFailure : std::uint8_t { recipe, harness };

[[noreturn]] void die_with(int ctl, const char* what, StartFailure kind) {
  FactsMsg f;
  f.ok = 0;
  f.harness_fault = kind == StartFailure::harness;
  copy_text(f.error, what);
  send_msg(ctl, f);
  ::_exit(2);
}

// Keeps only stdin/out/err and the two sockets.
void close_other_fds(int keep_a, int keep_b) {
  const unsigned lo = static_cast<unsigned>(std::min(keep_a, keep_b));
  const unsigned hi = static_cast<unsigned>(std::max(keep_a, keep_b));
  if (lo > 3) ::close_range(3, lo - 1, 0);
  if (hi > lo + 1) ::close_range(lo + 1, hi - 1, 0);
  ::close_range(hi + 1, ~0U, 0);
}

// Creates the caller's SysV undo list and leaves no semaphore set behind: the
// list outlives the set (freeary() drops the entries, not the list).
bool prime_sysvsem() {
  int id = ::semget(IPC_PRIVATE, 1, 0600);
  if (id < 0) return false;
  struct sembuf up {0, 1, SEM_UNDO};
  const bool ok = ::semop(id, &up, 1) == 0;
  ::semctl(id, 0, IPC_RMID);
  return ok;
}

// vfork() in a function of its own: the child borrows this frame until it
// exits, and nothing here may be live across the call but `plan`.
__attribute__((noinline)) long vfork_entry(ChildPlan* plan) {
  pid_t pid = ::vfork();
  if (pid == 0) sys::raw_exit_thread(clonediff_child_main(plan));
  return pid < 0 ? -errno : pid;
}

void* thread_start(void* plan) {
  clonediff_child_main(plan);
  return nullptr;
}

// The C library's entries. Each returns what the host needs: a pid to wait
// for, 1 when there is none (pthread_create, system), or -errno.
long pthread_create_entry(ChildPlan* plan, pthread_t& thread) {
  const int rc = ::pthread_create(&thread, nullptr, thread_start, plan);
  return rc ? -rc : 1;
}

long posix_spawn_entry() {
  static char arg0[] = "true";
  static char* argv[] = {arg0, nullptr};
  static char* envp[] = {nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, envp);
  return rc ? -rc : pid;
}

long system_entry() {
  const int status = ::system("exit 0");
  if (status == -1) return -errno;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : -ECHILD;
}

long fork_entry(ChildPlan* plan) {
  pid_t pid = ::fork();
  if (pid == 0) sys::raw_exit_thread(clonediff_child_main(plan));
  return pid < 0 ? -errno : pid;
}

// Addresses the kernel must refuse, and a descriptor number nothing holds.
constexpr std::uint64_t kKernelAddress = 0xffff800000000000ULL;
constexpr std::uint64_t kNonCanonical = 0x8000000000000000ULL;
constexpr std::uint64_t kClosedFd = 1u << 20;
constexpr std::uint64_t kAboveIntMax = 0x80000000ULL;

constexpr int kPidfdThread = O_EXCL;  // PIDFD_THREAD

struct CallerState {
  int ctl = -1;
  int witness = -1;
  int devnull = -1;          // CgroupArg::not_cgroup
  char* stack_base = nullptr;  // lowest usable address of the child stack
  std::size_t stack_size = 0;
  int parent_tid = -1;  // CLONE_PARENT_SETTID / legacy CLONE_PIDFD target
  int child_tid = -1;   // CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID target
  int pidfd = -1;       // clone3's CLONE_PIDFD target
  alignas(64) unsigned char tls_block[256] = {};  // TlsArg::harness: the child's FS base
  std::int32_t set_tid[kMaxSetTid] = {};
  alignas(8) unsigned char clone_args[2 * model::kPageSize] = {};  // sizes up to a page are read
  ChildExpectations expect;  // the parts that do not change from case to case
  std::string context;       // for after_case()
  std::size_t pid_depth = 0; // its active pid namespace, counted from the /proc mount's
  pthread_t thread{};        // pthread_create's child, joined when it has left
  alignas(16) unsigned char altstack[16384] = {};
};

std::uint64_t tls_value(const OrderMsg& o, const CallerState& st) {
  switch (static_cast<model::TlsArg>(o.tls)) {
    case model::TlsArg::harness: return reinterpret_cast<std::uint64_t>(st.tls_block);
    case model::TlsArg::non_canonical: return kNonCanonical;
    case model::TlsArg::none: break;
  }
  return 0;
}

// Fills st.clone_args as the order describes. cgroup_fd: the descriptor the
// host sent for CgroupArg::harness.
void fill_clone_args(const OrderMsg& o, CallerState& st, int cgroup_fd) {
  std::memset(st.clone_args, 0, sizeof st.clone_args);
  CloneArgs a{};
  a.flags = o.flags;
  a.pidfd = reinterpret_cast<std::uint64_t>(o.pidfd_is_parent_tid ? &st.parent_tid : &st.pidfd);
  a.child_tid = reinterpret_cast<std::uint64_t>(&st.child_tid);
  a.parent_tid = reinterpret_cast<std::uint64_t>(&st.parent_tid);
  a.exit_signal = o.exit_signal;
  const auto base = reinterpret_cast<std::uint64_t>(st.stack_base);
  switch (static_cast<model::StackArg>(o.stack)) {
    case model::StackArg::harness: a.stack = base; a.stack_size = st.stack_size; break;
    case model::StackArg::none: break;
    case model::StackArg::size_without_address: a.stack_size = model::kPageSize; break;
    case model::StackArg::address_without_size: a.stack = base; break;
    case model::StackArg::kernel_address: a.stack = kKernelAddress; a.stack_size = model::kPageSize; break;
  }
  a.tls = tls_value(o, st);
  if (o.set_tid_pointer) {
    std::memcpy(st.set_tid, o.set_tid, sizeof st.set_tid);
    a.set_tid = reinterpret_cast<std::uint64_t>(st.set_tid);
  }
  a.set_tid_size = o.set_tid_size;
  switch (static_cast<model::CgroupArg>(o.cgroup)) {
    case model::CgroupArg::none: break;
    case model::CgroupArg::harness: a.cgroup = static_cast<std::uint64_t>(cgroup_fd); break;
    case model::CgroupArg::bad_fd: a.cgroup = kClosedFd; break;
    case model::CgroupArg::not_cgroup: a.cgroup = static_cast<std::uint64_t>(st.devnull); break;
    case model::CgroupArg::above_int_max: a.cgroup = kAboveIntMax; break;
  }
  std::memcpy(st.clone_args, &a, sizeof a);
  if (o.tail_nonzero) st.clone_args[sizeof a] = 1;  // the first byte beyond the kernel's struct
}

bool raw_entry(const OrderMsg& o) {
  const auto e = static_cast<model::Entry>(o.entry);
  return e == model::Entry::clone || e == model::Entry::clone3;
}

long make_call(const OrderMsg& o, ChildPlan& plan, CallerState& st) {
  st.parent_tid = -1;
  st.child_tid = -1;
  st.pidfd = -1;
  plan.expect = st.expect;
  if (raw_entry(o)) {
    plan.expect.child_tid_slot = &st.child_tid;
    plan.expect.tls = tls_value(o, st);
    plan.expect.tls_meaningful = true;
  }
  switch (static_cast<model::Entry>(o.entry)) {
    case model::Entry::clone: {
      const bool own_stack = static_cast<model::StackArg>(o.stack) == model::StackArg::harness;
      return clonediff_raw_clone(o.flags | o.exit_signal, own_stack ? st.stack_base + st.stack_size : nullptr,
                                 &st.parent_tid, &st.child_tid, tls_value(o, st), clonediff_child_main, &plan);
    }
    case model::Entry::clone3: {
      // CgroupArg::harness: the host sent the directory right after the order.
      const bool has_cgroup = static_cast<model::CgroupArg>(o.cgroup) == model::CgroupArg::harness;
      const int cgroup_fd = has_cgroup ? recv_fd(st.ctl) : -1;
      fill_clone_args(o, st, cgroup_fd);
      const long ret = clonediff_raw_clone3(st.clone_args, o.size, clonediff_child_main, &plan);
      if (cgroup_fd >= 0) ::close(cgroup_fd);
      return ret;
    }
    case model::Entry::fork:
      return fork_entry(&plan);
    case model::Entry::vfork:
      return vfork_entry(&plan);
    case model::Entry::pthread_create:
      return pthread_create_entry(&plan, st.thread);
    case model::Entry::posix_spawn:
      return posix_spawn_entry();
    case model::Entry::system:
      return system_entry();
    default:
      return -ENOSYS;
  }
}

// Waits for the host's Released, or notices that an own child died before it
// was released (a crash, not a case). Returns false on early death with done
// filled in.
bool await_release(CallerState& st, int child_pidfd, ReleasedMsg& released, DoneMsg& done) {
  // Without a pidfd (a thread): fine, a crashing thread takes the caller along.
  bool watch_child = child_pidfd >= 0;
  for (;;) {
    pollfd fds[2] = {{st.ctl, POLLIN, 0}, {child_pidfd, POLLIN, 0}};
    int n = ::poll(fds, watch_child ? 2 : 1, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ::_exit(3);
    if (fds[0].revents) {
      AnyMsg m;
      if (recv_msg(st.ctl, m) <= 0) ::_exit(0);  // host gone
      if (m.kind == MsgKind::released && m.released.seq == done.seq) {
        released = m.released;
        return true;
      }
      continue;
    }
    if (watch_child && fds[1].revents) {
      siginfo_t info{};
      if (::waitid(sys::kWaitOnPidfd, static_cast<id_t>(child_pidfd), &info, WEXITED | WNOHANG | WNOWAIT | __WALL) != 0) {
        watch_child = false;  // not our child (CLONE_PARENT): the host reaps it
        continue;
      }
      if (info.si_code == CLD_EXITED && info.si_status == 0) {
        watch_child = false;  // left after its release; Released is on its way
        continue;
      }
      ::waitid(sys::kWaitOnPidfd, static_cast<id_t>(child_pidfd), &info, WEXITED | __WALL);
      done.early_death = 1;
      done.child_code = info.si_code;
      done.child_status = info.si_status;
      return false;
    }
  }
}

// Whether the child has left: for a process, its pidfd polls readable (its
// exit is notified); for a thread of ours, tgkill finds it no more. Both come
// after mm_release(), which clears child_tid. Without a pidfd (gVisor), an
// own child is asked with waitid, another with kill.
bool child_gone(long child, bool is_thread, int child_pidfd) {
  if (is_thread) return sys::raw_syscall(SYS_tgkill, sys::raw_syscall(SYS_getpid), child, 0) == -ESRCH;
  if (child_pidfd >= 0) {
    pollfd p{child_pidfd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0)
    return info.si_pid != 0;
  return ::kill(static_cast<pid_t>(child), 0) != 0 && errno == ESRCH;
}

// Watches the child_tid word until the child has left: true if a futex wake
// came with the clear, false if the word was neither cleared nor woken,
// nothing if it was cleared while nobody slept on it (the wake cannot be
// told: under vfork the caller is suspended until after it).
std::optional<bool> watch_cleartid(int* word, long child, bool is_thread, int child_pidfd) {
  for (;;) {
    const int seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    if (seen == 0) return std::nullopt;
    const timespec slice{0, 2'000'000};
    const long rc = ::syscall(SYS_futex, word, FUTEX_WAIT, seen, &slice, nullptr, 0);
    if (rc == 0 && __atomic_load_n(word, __ATOMIC_SEQ_CST) == 0) return true;
    if (rc == 0 || errno == EAGAIN || errno == EINTR) continue;  // another write (CHILD_SETTID's), or a handler
    if (errno != ETIMEDOUT) return std::nullopt;
    if (child_gone(child, is_thread, child_pidfd)) {
      if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0) return std::nullopt;
      return false;
    }
  }
}

// The pidfd CLONE_PIDFD installed in the caller: legacy clone and an aliased
// clone3 write it where parent_tid points; -1 if nothing was written.
int returned_pidfd(const OrderMsg& o, const CallerState& st) {
  const bool in_parent_tid = static_cast<model::Entry>(o.entry) == model::Entry::clone || o.pidfd_is_parent_tid;
  return in_parent_tid ? st.parent_tid : st.pidfd;
}

// fdinfo of a pidfd: which task it names and its flags. fdinfo numbers pids
// from the /proc mount's pid namespace down (NSpid); the entry at the
// caller's own depth is the child's pid as the caller knows it.
void look_at_pidfd(int fd, long child, std::size_t caller_depth, TraitBits& t) {
  if (fd < 0) {
    t.set(model::Trait::pidfd, false);
    return;
  }
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  char buf[1024];
  sys::UniqueFd info(::open(path, O_RDONLY | O_CLOEXEC));
  ssize_t n = info ? ::read(info.get(), buf, sizeof buf - 1) : -1;
  if (n <= 0) return;
  const std::string_view text(buf, static_cast<std::size_t>(n));
  const auto nspid = sys::status_numbers(text, "NSpid");
  t.set(model::Trait::pidfd, caller_depth < nspid.size() && nspid[caller_depth] == child);
  const auto at = text.find("flags:");
  if (at != std::string_view::npos) {
    const long flags = std::strtol(buf + at + 6, nullptr, 8);  // octal, as fdinfo prints it
    t.set(model::Trait::pidfd_thread, (flags & kPidfdThread) != 0);
  }
  t.set(model::Trait::pidfd_cloexec, (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
}

void finish_child(const OrderMsg& order, CallerState& st, long child, const ReleasedMsg& released, DoneMsg& done) {
  const auto entry = static_cast<model::Entry>(order.entry);
  if (entry == model::Entry::pthread_create) {
    ::pthread_join(st.thread, nullptr);
    return;
  }
  if (entry == model::Entry::system || released.host_reaped) return;  // system() reaped its shell
  if (released.is_thread) {
    const long tgid = sys::raw_syscall(SYS_getpid);
    while (sys::raw_syscall(SYS_tgkill, tgid, child, 0) == 0) ::sched_yield();
    return;
  }
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | __WALL) != 0 && errno == EINTR) {
  }
  done.child_code = info.si_code;
  done.child_status = info.si_status;
}

[[noreturn]] void serve(CallerState& st, probes::BehaviourBaseline& baseline) {
  for (;;) {
    AnyMsg m;
    pollfd wait_order{st.ctl, POLLIN, 0};
    while (poll_briefly_spinning(&wait_order, 1, -1) < 0 && errno == EINTR) {
    }
    ssize_t n = recv_msg(st.ctl, m);
    if (n <= 0 || m.kind == MsgKind::quit) ::_exit(0);
    if (m.kind != MsgKind::order) continue;
    const OrderMsg order = m.order;

    DoneMsg done;
    done.seq = order.seq;

    ChildPlan plan;
    plan.behaviour = baseline.plan((std::uint64_t{0x5eed} << 32) | order.seq);
    plan.witness_fd = st.witness;
    plan.seq = order.seq;
    plan.fault = order.fault;

    const long ret = order.fault == Fault::caller_returns_zero ? 0 : make_call(order, plan, st);
    ReturnedMsg returned;
    returned.seq = order.seq;
    returned.ret = ret;
    // What the caller can see at once: the tid word and the pidfd (sent now,
    // so that a caller the child's exit kills has still told them).
    const int pidfd = ret > 0 && (order.flags & model::flag::PIDFD) ? returned_pidfd(order, st) : -1;
    if (ret > 0 && raw_entry(order)) returned.traits.set(model::Trait::parent_settid, st.parent_tid == ret);
    if (ret > 0 && (order.flags & model::flag::PIDFD)) look_at_pidfd(pidfd, ret, st.pid_depth, returned.traits);
    send_msg(st.ctl, returned);
    // Refused: nothing was created, so nothing can have changed the witness
    // baseline or sent a signal. (ret == 0 cannot happen here.)
    if (ret <= 0) {
      if (auto again = after_case(st.context); !again) ::_exit(5);  // a fresh caller replaces this one
      continue;
    }
    if (order.fault == Fault::caller_crash) crash_now();
    if (order.fault == Fault::caller_hang)
      for (;;) ::pause();

    // The child's pidfd, for a child that is a process (pidfd_open refuses a
    // thread): it says when the child has left, and whether it died early.
    const auto entry = static_cast<model::Entry>(order.entry);
    const bool child_is_pid = entry != model::Entry::pthread_create && entry != model::Entry::system;
    sys::UniqueFd child_watch(child_is_pid ? sys::pidfd_open(static_cast<pid_t>(ret)) : -1);
    // CLONE_CHILD_CLEARTID, whatever came with it: whether the kernel clears
    // the caller's child_tid word and wakes a futex there as the child leaves.
    if (raw_entry(order) && (order.flags & model::flag::CHILD_CLEARTID)) {
      const bool thread = sys::raw_syscall(SYS_tgkill, sys::raw_syscall(SYS_getpid), ret, 0) == 0;
      if (auto woke = watch_cleartid(&st.child_tid, ret, thread, child_watch.get()))
        done.traits.set(model::Trait::cleartid_wake, *woke);
    }

    ReleasedMsg released;
    if (!await_release(st, child_watch.get(), released, done)) {
      if (pidfd >= 0) ::close(pidfd);
      take_arrived_signals();
      send_msg(st.ctl, done);
      continue;
    }
    finish_child(order, st, ret, released, done);
    if (auto again = after_case(st.context); !again) {
      copy_text(done.error, again.error().message.c_str());
      done.baseline_broken = 1;
    }
    // The child is gone: its tid word and its pidfd say so.
    if (raw_entry(order)) done.traits.set(model::Trait::child_cleartid, st.child_tid == 0);
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      done.traits.set(model::Trait::pidfd_readable_at_exit, ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN));
      ::close(pidfd);
    }

    // The child may have left the caller's SIGCHLD ignored (a pid namespace
    // init sharing our handlers); note it and put SIG_DFL back.
    struct sigaction chld {};
    ::sigaction(SIGCHLD, nullptr, &chld);
    done.traits.set(model::Trait::caller_sigchld_ignored, chld.sa_handler == SIG_IGN);
    if (chld.sa_handler != SIG_DFL) {
      struct sigaction dfl {};
      dfl.sa_handler = SIG_DFL;
      ::sigaction(SIGCHLD, &dfl, nullptr);
    }
    const auto seen = baseline.observe_and_restore(plan.behaviour, released.acted);
    std::copy(seen.begin(), seen.end(), done.behaviour);
    const ArrivedSignals arrived = take_arrived_signals();
    done.signals = arrived.all;
    done.child_notices = arrived.child_notices;
    // Every witness must start the next case from its baseline; checked here,
    // after the only path that can change it.
    if (auto intact = baseline.intact(); !intact) {
      done.baseline_broken = 1;
      copy_text(done.error, intact.error().message.c_str());
      send_msg(st.ctl, done);
      ::_exit(4);  // a fresh caller replaces this one
    }
    send_msg(st.ctl, done);
  }
}

}  // namespace

void run_caller(const CallerSetup& setup) {
  static CallerState st;  // large (clone_args); one per process
  st.ctl = setup.ctl_fd;
  st.witness = setup.witness_fd;

  if (setup.own_group) ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (setup.host_is_parent && ::getppid() != setup.host_pid) ::_exit(1);  // the host died before we armed the signal
  close_other_fds(st.ctl, st.witness);
  reset_caller_signals();

  if (auto built = enter_context(setup.context, setup.resources); !built)
    die_with(st.ctl, built.error().message.c_str(), StartFailure::recipe);
  // A credential change clears the parent-death signal: arm it again. It also
  // gives the child's pdeath_signal_reset witness something to differ from.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (setup.host_is_parent && ::getppid() != setup.host_pid) ::_exit(1);

  if (setup.setup_fault) die_with(st.ctl, "a setup fault injected by a test", StartFailure::harness);
  void* stack = ::mmap(nullptr, kStackSize + kGuard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                       -1, 0);
  if (stack == MAP_FAILED) die_with(st.ctl, "mmap child stack failed", StartFailure::harness);
  ::mprotect(stack, kGuard, PROT_NONE);
  st.stack_base = static_cast<char*>(stack) + kGuard;
  st.stack_size = kStackSize;
  st.devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  auto baseline = probes::BehaviourBaseline::establish();
  if (!baseline) die_with(st.ctl, baseline.error().message.c_str(), StartFailure::harness);

  // The signal state the child's witnesses compare against.
  stack_t alt{st.altstack, 0, sizeof st.altstack};
  if (::sigaltstack(&alt, nullptr) != 0) die_with(st.ctl, "sigaltstack failed", StartFailure::harness);
  st.expect.altstack = st.altstack;
  if (!arm_caller_signals(st.expect)) die_with(st.ctl, "setting up the caller's signal witnesses failed", StartFailure::harness);

  // Last, so that nothing above is notified: the supervision filter. The host
  // reads the caller's seccomp state after Facts, filter included.
  int notify_fd = -1;
  if (setup.supervision != Supervision::none) {
    auto fd = install_supervision_filter(setup.supervision);
    if (!fd) die_with(st.ctl, fd.error().message.c_str(), StartFailure::recipe);  // no user notification here
    notify_fd = *fd;
  }
  FactsMsg facts = read_live_facts(setup.context);
  facts.io_context = baseline->io_witness();  // establish() set an I/O priority, where it could
  facts.sysvsem_undo = prime_sysvsem();
  if (auto finished = finish_context(setup.context, setup.resources); !finished)
    die_with(st.ctl, finished.error().message.c_str(), StartFailure::recipe);
  st.context = setup.context;
  st.pid_depth = facts.pidns_level > 0 ? static_cast<std::size_t>(facts.pidns_level) : 0;
  if (!send_msg(st.ctl, facts)) ::_exit(1);
  if (notify_fd >= 0) {
    if (!send_fd(st.ctl, notify_fd)) ::_exit(1);
    ::close(notify_fd);  // the host supervises; the caller must not hold the listener
  }
  serve(st, *baseline);
}

}  // namespace clonediff::harness
