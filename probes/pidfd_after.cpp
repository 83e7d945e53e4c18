#include "probes/pidfd_after.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <cstdint>

#include "probes/pidfd_look.hpp"
#include "probes/sys/pidfd.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::probes {
namespace {

using model::Trait;

// struct pidfd_info as PIDFD_INFO_SIZE_VER0 (64 bytes) lays it out.
struct PidfdInfo {
  std::uint64_t mask = 0;
  std::uint64_t cgroupid = 0;
  std::uint32_t pid = 0, tgid = 0, ppid = 0;
  std::uint32_t ruid = 0, rgid = 0, euid = 0, egid = 0, suid = 0, sgid = 0, fsuid = 0, fsgid = 0;
  std::uint32_t spare0 = 0;
};
static_assert(sizeof(PidfdInfo) == 64);
constexpr std::uint64_t kPidfdInfoPid = 1;  // PIDFD_INFO_PID
// _IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, struct pidfd_info)
constexpr unsigned long kPidfdGetInfo = _IOWR(0xFF, 11, PidfdInfo);

int send_signal(int pidfd, int sig) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

// waitid(P_PIDFD) for every kind of child (__WALL: one whose exit signal is
// not SIGCHLD too); 0 or -1 with errno.
int wait_on(int pidfd, siginfo_t& info, int options) {
  info = siginfo_t{};
  int r;
  while ((r = ::waitid(sys::kWaitOnPidfd, static_cast<id_t>(pidfd), &info, options | __WALL)) != 0 && errno == EINTR) {
  }
  return r;
}

void look_by_waitid(int pidfd, TraitBits& t) {
  siginfo_t info{};
  // "Nothing yet" from WNOHANG is 0 with si_pid 0.
  t.set(Trait::waitid_nohang_running, wait_on(pidfd, info, WEXITED | WNOHANG) == 0 && info.si_pid == 0);
  const int fl = ::fcntl(pidfd, F_GETFL);
  if (fl < 0 || ::fcntl(pidfd, F_SETFL, fl | O_NONBLOCK) != 0) return;  // unknown: could not make it nonblocking
  const int r = wait_on(pidfd, info, WEXITED);
  t.set(Trait::waitid_nonblock_eagain, r != 0 && errno == EAGAIN);
  ::fcntl(pidfd, F_SETFL, fl);
}

void look_by_stopping(int pidfd, long child, TraitBits& t) {
  siginfo_t info{};
  const bool sent_stop = send_signal(pidfd, SIGSTOP) == 0;
  t.set(Trait::waitid_stopped, sent_stop && wait_on(pidfd, info, WSTOPPED) == 0 && info.si_pid == child &&
                                   info.si_code == CLD_STOPPED && info.si_status == SIGSTOP);
  // SIGCONT whatever the above said: a child left stopped would hold the case.
  const bool sent_cont = send_signal(pidfd, SIGCONT) == 0 || ::kill(static_cast<pid_t>(child), SIGCONT) == 0;
  t.set(Trait::waitid_continued, sent_cont && wait_on(pidfd, info, WCONTINUED) == 0 && info.si_pid == child &&
                                     info.si_code == CLD_CONTINUED);
}

void look_by_ioctl(int pidfd, long child, TraitBits& t) {
  PidfdInfo info;
  info.mask = kPidfdInfoPid;
  const int r = ::ioctl(pidfd, kPidfdGetInfo, &info);
  const int err = r == 0 ? 0 : errno;
  t.set(Trait::pidfd_info_pid, r == 0 && static_cast<long>(info.pid) == child);
  t.set(Trait::pidfd_info_enotty, err == ENOTTY);
  t.set(Trait::pidfd_info_einval, err == EINVAL);
}

// pidfd_open(tid, PIDFD_THREAD): refused (EINVAL where the flag is not
// taken, ENOSYS where there is no pidfd_open) is no; else the pidfd it gave
// must be a pidfd of that thread (yes or no). A pidfd that could not be
// looked at (no /proc in a chroot) leaves the trait unknown: a look that
// could not be made is no answer.
void look_by_thread_pidfd(long child, std::size_t caller_depth, TraitBits& t) {
  const sys::UniqueFd fd(sys::pidfd_open(static_cast<pid_t>(child), sys::kPidfdThread));
  if (!fd) {
    t.set(Trait::pidfd_open_thread, false);
    return;
  }
  TraitBits seen;
  look_at_pidfd(fd.get(), child, caller_depth, seen);
  const auto known = [&](Trait tr) { return ((seen.known >> static_cast<unsigned>(tr)) & 1u) != 0; };
  const auto is = [&](Trait tr) { return known(tr) && ((seen.value >> static_cast<unsigned>(tr)) & 1u) != 0; };
  if (!known(Trait::pidfd) || !known(Trait::pidfd_thread)) return;
  t.set(Trait::pidfd_open_thread, is(Trait::pidfd) && is(Trait::pidfd_thread));
}

// A child of the caller's with no exit signal: 0 in it, its pid in the
// caller, -1 with errno. Like fork(), it runs on a copy of the caller's
// stack; what it runs may only make raw system calls (see probes/README.md).
long fork_quietly() { return ::syscall(SYS_clone, 0UL, 0UL, 0UL, 0UL, 0UL); }

// Reaps a fork_quietly() child: its wait status, or -1.
int reap_quietly(long pid) {
  int status = 0;
  while (::waitpid(static_cast<pid_t>(pid), &status, __WALL) < 0)
    if (errno != EINTR) return -1;
  return status;
}

// How the setns helper ends: its exit status.
enum SetnsEnd : int { kJoined = 0, kElsewhere = 1, kEinval = 2, kRefused = 3, kNoLook = 4 };

// The pid of the pidfd's process as the caller's /proc numbers it (fdinfo's
// Pid, from v5.3 printed in that /proc's pid namespace), or 0.
long pid_in_proc(int pidfd) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
  char buf[1024];
  const sys::UniqueFd info(::open(path, O_RDONLY | O_CLOEXEC));
  const ssize_t n = info ? ::read(info.get(), buf, sizeof buf - 1) : -1;
  if (n <= 0) return 0;
  const auto pid = sys::status_field(std::string_view(buf, static_cast<std::size_t>(n)), "Pid");
  return pid && *pid > 0 ? *pid : 0;
}

// A helper calls setns(pidfd, CLONE_NEWUTS) and compares its UTS namespace
// (/proc/thread-self/ns/uts) with the one the caller opened of the child,
// found by the pid /proc numbers it with (the caller's own number for it is
// another where the caller is in a pid namespace of its own).
// Where /proc cannot name the child (no /proc, or before fdinfo's Pid in
// v5.3), a refusal is still seen; where setns() succeeds, unknown.
void look_by_setns(int pidfd, TraitBits& t) {
  const long in_proc = pid_in_proc(pidfd);
  struct stat theirs {};
  const bool seen_theirs =
      in_proc > 0 && ::stat(("/proc/" + std::to_string(in_proc) + "/ns/uts").c_str(), &theirs) == 0;
  const long helper = fork_quietly();
  if (helper < 0) return;
  if (helper == 0) {
    // In the helper: raw system calls only.
    if (::syscall(SYS_setns, pidfd, CLONE_NEWUTS) != 0)
      ::syscall(SYS_exit_group, errno == EINVAL ? kEinval : kRefused);
    struct stat mine {};
    if (!seen_theirs || ::syscall(SYS_newfstatat, AT_FDCWD, "/proc/thread-self/ns/uts", &mine, 0) != 0)
      ::syscall(SYS_exit_group, kNoLook);
    ::syscall(SYS_exit_group, mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino ? kJoined : kElsewhere);
  }
  const int status = reap_quietly(helper);
  if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == kNoLook) return;  // unknown
  t.set(Trait::setns_pidfd_joined, WEXITSTATUS(status) == kJoined);
  t.set(Trait::setns_pidfd_einval, WEXITSTATUS(status) == kEinval);
}

// rounds forks, each reaped before the next; the trait is unknown if one
// fails or the whole takes longer than kReuseTimeLimit.
constexpr auto kReuseTimeLimit = std::chrono::seconds(20);
void look_by_forking(std::uint32_t rounds, TraitBits& t) {
  const auto start = std::chrono::steady_clock::now();
  long last = 0;
  bool reused = false;
  for (std::uint32_t i = 0; i < rounds; ++i) {
    const long pid = fork_quietly();
    if (pid < 0) return;
    if (pid == 0) ::syscall(SYS_exit_group, 0);  // in the helper: raw system calls only
    if (reap_quietly(pid) < 0) return;
    reused = reused || pid == last;
    last = pid;
    if (std::chrono::steady_clock::now() - start > kReuseTimeLimit) return;
  }
  t.set(Trait::pid_not_reused_at_once, !reused);
}

// after=sigqueue's signal (a real-time one no harness part uses; the child
// inherits the caller's mask, which blocks it, so it stays queued) and value.
constexpr int kQueuedSignal = 40;
constexpr int kQueuedValue = 0x5eed;

siginfo_t queue_info(int code) {
  siginfo_t info{};
  info.si_signo = kQueuedSignal;
  info.si_code = code;
  info.si_pid = ::getpid();
  info.si_uid = ::getuid();
  info.si_value.sival_int = kQueuedValue;
  return info;
}

// Whether the child's shared (process) queue holds kQueuedSignal with
// SI_QUEUE and kQueuedValue: PTRACE_PEEKSIGINFO on it, stopped a moment by
// PTRACE_SEIZE and PTRACE_INTERRUPT, then detached. Empty if it could not be
// looked at. Leaves the caller with a SIGCHLD notice of the ptrace stop, which
// the caller drains (as after=stop's).
std::optional<bool> queued_with_value(long child) {
  const auto pid = static_cast<pid_t>(child);
  if (::ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) != 0) return std::nullopt;
  std::optional<bool> seen;
  int status = 0;
  if (::ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr) == 0) {
    pid_t w;
    while ((w = ::waitpid(pid, &status, __WALL)) < 0 && errno == EINTR) {
    }
    if (w == pid && WIFSTOPPED(status)) {
      struct {
        std::uint64_t off;
        std::uint32_t flags;
        std::int32_t nr;
      } args{0, 1 /* PTRACE_PEEKSIGINFO_SHARED */, 16};
      siginfo_t queue[16]{};
      const long n = ::ptrace(PTRACE_PEEKSIGINFO, pid, &args, queue);
      if (n >= 0) {
        bool found = false;
        for (long i = 0; i < n; ++i)
          found = found || (queue[i].si_signo == kQueuedSignal && queue[i].si_code == SI_QUEUE &&
                            queue[i].si_value.sival_int == kQueuedValue);
        seen = found;
      }
    }
  }
  ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  return seen;
}

void look_by_queueing(int pidfd, long child, TraitBits& t) {
  // A forged si_code first: were it taken, it would be queued beside the
  // other, which is told apart by its SI_QUEUE.
  siginfo_t forged = queue_info(SI_USER);
  t.set(Trait::pidfd_signal_forged_eperm,
        ::syscall(SYS_pidfd_send_signal, pidfd, kQueuedSignal, &forged, 0) != 0 && errno == EPERM);
  siginfo_t queued = queue_info(SI_QUEUE);
  if (::syscall(SYS_pidfd_send_signal, pidfd, kQueuedSignal, &queued, 0) != 0) {
    t.set(Trait::pidfd_signal_value_queued, false);
    return;
  }
  if (const auto seen = queued_with_value(child)) t.set(Trait::pidfd_signal_value_queued, *seen);
}


enum class LeaderState { alone_with_thread, group_gone, running, unreadable };

// /proc/<pid>/status: a zombie leader with another thread still counted
// (signal->nr_threads drops in __exit_signal(), which a zombie leader has not
// reached; a thread that left has).
LeaderState leader_state(long pid) {
  char buf[4096];
  const auto status = sys::read_proc_file(static_cast<pid_t>(pid), "status", buf, sizeof buf);
  if (!status) return LeaderState::unreadable;
  const auto at = status->find("State:");
  if (at == std::string_view::npos) return LeaderState::unreadable;
  const auto state = status->substr(at + 6).find_first_not_of(" \t");
  if (state == std::string_view::npos) return LeaderState::unreadable;
  if (status->substr(at + 6)[state] != 'Z') return LeaderState::running;
  const auto threads = sys::status_field(*status, "Threads");
  if (!threads) return LeaderState::unreadable;
  return *threads >= 2 ? LeaderState::alone_with_thread : LeaderState::group_gone;
}

constexpr auto kLeaderAloneLimit = std::chrono::seconds(10);
constexpr int kGroupGoneWaitMs = 10'000;

}  // namespace

void look_while_leader_gone(int pidfd, long child, TraitBits& t) {
  if (pidfd < 0) {
    // No pidfd came back (an emulator's): nothing to look through, but the
    // thread must still be let go.
    ::kill(static_cast<pid_t>(child), kLastThreadSignal);
    return;
  }
  const long pid = pid_in_proc(pidfd);
  const auto start = std::chrono::steady_clock::now();
  LeaderState seen = LeaderState::unreadable;
  for (long nap_ns = 20'000; pid > 0;) {
    seen = leader_state(pid);
    if (seen != LeaderState::running) break;
    if (std::chrono::steady_clock::now() - start > kLeaderAloneLimit) break;
    const timespec nap{0, nap_ns};
    ::nanosleep(&nap, nullptr);
    nap_ns = std::min(nap_ns * 2, 5'000'000L);
  }
  if (seen == LeaderState::alone_with_thread) t.set(Trait::pidfd_readable_leader_gone, pidfd_readable(pidfd));
  const bool sent =
      send_signal(pidfd, kLastThreadSignal) == 0 || ::kill(static_cast<pid_t>(child), kLastThreadSignal) == 0;
  if (seen != LeaderState::alone_with_thread || !sent) return;
  pollfd p{pidfd, POLLIN, 0};
  int n;
  while ((n = ::poll(&p, 1, kGroupGoneWaitMs)) < 0 && errno == EINTR) {
  }
  t.set(Trait::pidfd_readable_group_gone, n == 1 && (p.revents & POLLIN));
}

bool looks_through_proc(model::AfterArg after) {
  return after == model::AfterArg::thread || after == model::AfterArg::setns || after == model::AfterArg::leader_exit;
}

std::chrono::milliseconds look_time_limit(model::AfterArg after) {
  if (after == model::AfterArg::reuse) return kReuseTimeLimit;
  if (after == model::AfterArg::leader_exit) return kLeaderAloneLimit + std::chrono::milliseconds(kGroupGoneWaitMs);
  return std::chrono::milliseconds(0);
}

void look_while_running(model::AfterArg after, int pidfd, long child, std::size_t caller_depth,
                        std::uint32_t rounds, TraitBits& t) {
  switch (after) {
    case model::AfterArg::none: return;
    case model::AfterArg::poll:
      if (pidfd >= 0) t.set(Trait::pidfd_readable_while_running, pidfd_readable(pidfd));
      return;
    case model::AfterArg::waitid:
      if (pidfd >= 0) look_by_waitid(pidfd, t);
      return;
    case model::AfterArg::stop:
      if (pidfd >= 0) look_by_stopping(pidfd, child, t);
      return;
    case model::AfterArg::info:
      if (pidfd >= 0) look_by_ioctl(pidfd, child, t);
      return;
    case model::AfterArg::thread:
      look_by_thread_pidfd(child, caller_depth, t);
      return;
    case model::AfterArg::setns:
      if (pidfd >= 0) look_by_setns(pidfd, t);
      return;
    case model::AfterArg::reuse:
      look_by_forking(rounds, t);
      return;
    case model::AfterArg::sigqueue:
      if (pidfd >= 0) look_by_queueing(pidfd, child, t);
      return;
    case model::AfterArg::leader_exit:
      return;  // once released: look_while_leader_gone()
  }
}

bool reap_through_pidfd(int pidfd, long child, siginfo_t& info, TraitBits& t) {
  if (pidfd < 0) return false;  // no pidfd came back: nothing to see through
  const bool reaped = wait_on(pidfd, info, WEXITED) == 0;
  t.set(Trait::waitid_reaps_exit, reaped && info.si_pid == child && info.si_code == CLD_EXITED);
  return reaped;
}

void look_after_reap(model::AfterArg after, int pidfd, TraitBits& t) {
  if (after == model::AfterArg::none || after == model::AfterArg::thread || after == model::AfterArg::reuse ||
      pidfd < 0)
    return;
  t.set(Trait::pidfd_signal_esrch_reaped, send_signal(pidfd, 0) != 0 && errno == ESRCH);
}

}  // namespace clonediff::probes
