#include "harness/caller/caller_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <spawn.h>
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
#include <optional>
#include <utility>

#include "harness/caller/caller_signals.hpp"
#include "harness/caller/child_plan.hpp"
#include "harness/caller/context_changes.hpp"
#include "harness/caller/context_recipe.hpp"
#include "harness/caller/live_facts.hpp"
#include "harness/caller/raw_clone.hpp"
#include "harness/caller/wire.hpp"
#include "model/flags.hpp"
#include "model/request.hpp"
#include "probes/arrived_signals.hpp"
#include "probes/behaviour.hpp"
#include "probes/child_exit.hpp"
#include "probes/pidfd_after.hpp"
#include "probes/identity.hpp"
#include "probes/pidfd_look.hpp"
#include "probes/sys/check.hpp"
#include "probes/sys/pidfd.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"
#include "probes/sys/raw_syscall.hpp"

namespace clonediff::harness {
namespace {

constexpr std::size_t kStackSize = model::kHarnessStackSize;
constexpr std::size_t kGuard = 4096;

// Why the caller gives up before its first case: this machine will not
// follow the context's recipe (its cases are skipped), or the harness's own
// setup failed (an error).
enum class StartFailure : std::uint8_t { recipe, harness };

// How the caller ends but by a failed check (probes/sys/check.hpp): the host
// is gone or said quit; it gave up before its first case, having said why; or
// it stops after a case so that a fresh caller replaces it, having said why.
[[noreturn]] void leave_host_gone() { ::_exit(0); }
constexpr int kGaveUpStatus = 2;
constexpr int kRetiredStatus = 4;

[[noreturn]] void die_with(int ctl, const char* what, StartFailure kind) {
  FactsMsg f;
  f.ok = 0;
  f.harness_fault = kind == StartFailure::harness;
  copy_text(f.error, what);
  send_msg(ctl, f);
  ::_exit(kGaveUpStatus);
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

// glibc_clone's child function returns this (when the child ended well), and
// glibc's __clone() makes it the child's exit status; a normal end there.
constexpr int kFnReturnValue = 42;

// glibc_clone's child: the usual child, then a return value of its own. Runs
// after clone, as clonediff_child_main does: it may only call what that may.
int glibc_clone_child(void* plan) noexcept {
  const int status = clonediff_child_main(plan);
  return status == 0 ? kFnReturnValue : status;
}

// The exit status of an own child that ended well.
int normal_exit_status(const OrderMsg& o) {
  return static_cast<model::Entry>(o.entry) == model::Entry::glibc_clone ? kFnReturnValue : 0;
}

// Addresses the kernel must refuse, and a descriptor number nothing holds.
constexpr std::uint64_t kKernelAddress = 0xffff800000000000ULL;
constexpr std::uint64_t kNonCanonical = 0x8000000000000000ULL;
constexpr std::uint64_t kClosedFd = 1u << 20;
constexpr std::uint64_t kAboveIntMax = 0x80000000ULL;

// Two pages: one readable and writable, then one PROT_NONE. What clone3
// must find unreadable or unwritable points into the second (args=unmapped,
// pidfd=unmapped, ...); a struct that runs past the end of a mapping ends
// where it begins (args=at_guard). Owned: unmapped when destroyed.
class GuardedPage {
 public:
  GuardedPage() = default;
  GuardedPage(const GuardedPage&) = delete;
  GuardedPage& operator=(const GuardedPage&) = delete;
  GuardedPage& operator=(GuardedPage&& o) noexcept {
    std::swap(base_, o.base_);
    return *this;
  }
  ~GuardedPage() {
    if (base_) ::munmap(base_, 2 * model::kPageSize);
  }
  // Maps both pages; false if the system would not.
  bool map() {
    void* p = ::mmap(nullptr, 2 * model::kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    base_ = static_cast<unsigned char*>(p);
    return ::mprotect(base_ + model::kPageSize, model::kPageSize, PROT_NONE) == 0;
  }
  // The first byte of the PROT_NONE page.
  unsigned char* guard() const { return base_ + model::kPageSize; }
  // An address in the PROT_NONE page whose low byte is not zero (as the
  // set_tid array's, see CallerState) and that is aligned for an int.
  std::uint64_t unmapped() const { return reinterpret_cast<std::uint64_t>(guard() + 8); }

 private:
  unsigned char* base_ = nullptr;
};

struct CallerState {
  int ctl = -1;
  int child_socket = -1;  // the caller's (and so the child's) end of the host<->child socket
  sys::UniqueFd devnull;     // CgroupArg::not_cgroup
  char* stack_base = nullptr;  // lowest usable address of the child stack
  std::size_t stack_size = 0;
  int parent_tid = -1;  // CLONE_PARENT_SETTID / legacy CLONE_PIDFD target
  int child_tid = -1;   // CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID target
  int pidfd = -1;       // clone3's CLONE_PIDFD target
  std::int32_t reaped_pid = 0;  // set_tid=reaped: the pid made and reaped for it (or -errno)
  alignas(64) unsigned char tls_block[256] = {};  // TlsArg::harness: the child's FS base
  // set_tid's array starts 4 bytes past a 256-byte boundary, so its address
  // has a non-zero low byte: a clone_args size that takes in only the low
  // bytes of the pointer still gives the kernel a non-NULL set_tid
  // (model/request.cpp's kernel_call() relies on it).
  alignas(256) std::int32_t set_tid_space[kMaxSetTid + 1] = {};
  std::int32_t* set_tid() { return set_tid_space + 1; }
  alignas(8) unsigned char clone_args[2 * model::kPageSize] = {};  // sizes up to a page are read
  GuardedPage guarded;  // mapped once, before the first case
  probes::ChildExpectations expect;  // the parts that do not change from case to case
  std::string context;       // for after_case()
  bool fd_table_full = false;  // the context's: a full table for each call (context_changes.hpp)
  std::size_t pid_depth = 0; // its active pid namespace, counted from the /proc mount's
  pthread_t thread{};        // pthread_create's child, joined when it has left
  alignas(16) unsigned char altstack[16384] = {};
  sys::UniqueFd open_file;  // probes::kOpenFileName, at kOpenFileOffset: the prober kcmp()s it
  // A word of private memory the caller sets just before each call; the
  // child compares it with the value its plan carries (memory_copied).
  alignas(64) volatile std::uint64_t memory_word = 0;
  // The orders of the last OrderBatch not made yet: batch.orders[next ..
  // batch.count). The Returned of its refused calls, held until they are sent
  // together (protocol.hpp).
  OrderBatchMsg batch;
  std::uint32_t next_in_batch = 0;
  ReturnedBatchMsg held;
};

// Where the caller's open file stands: not 0, so that a reopened file (offset
// 0) could not pass for it.
constexpr off_t kOpenFileOffset = 4242;

std::uint64_t tls_value(const OrderMsg& o, const CallerState& st) {
  switch (static_cast<model::TlsArg>(o.tls)) {
    case model::TlsArg::harness: return reinterpret_cast<std::uint64_t>(st.tls_block);
    case model::TlsArg::non_canonical: return kNonCanonical;
    case model::TlsArg::none: break;
  }
  return 0;
}

// A child that exits at once, reaped: its pid, in the caller's own pid
// namespace (the host asks only where the caller's children are born there),
// is free again when this returns (release_task() -> free_pid() runs before
// wait does). Exit signal 0, so no SIGCHLD joins the case's signals; -errno
// if it could not be made.
std::int32_t make_and_reap_a_child() {
  const long pid = sys::raw_syscall(SYS_clone, 0, 0, 0, 0, 0);
  if (pid == 0) for (;;) sys::raw_syscall(SYS_exit_group, 0);
  if (pid < 0) return static_cast<std::int32_t>(pid);
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | __WALL) != 0)
    if (errno != EINTR) return -errno;
  return static_cast<std::int32_t>(pid);
}

// Fills the struct clone_args the order describes and returns the address
// to pass clone3: st.clone_args, its copy that ends at the guard page, or an
// address in that page. cgroup_fd: the descriptor the host sent for
// CgroupArg::harness.
void* fill_clone_args(const OrderMsg& o, CallerState& st, int cgroup_fd) {
  std::memset(st.clone_args, 0, sizeof st.clone_args);
  const std::uint64_t unmapped = st.guarded.unmapped();
  CloneArgs a{};
  a.flags = o.flags;
  a.child_tid = o.child_tid_unmapped ? unmapped : reinterpret_cast<std::uint64_t>(&st.child_tid);
  a.parent_tid = o.parent_tid_unmapped ? unmapped : reinterpret_cast<std::uint64_t>(&st.parent_tid);
  a.pidfd = o.pidfd_unmapped ? unmapped
            : o.pidfd_is_parent_tid ? a.parent_tid
                                    : reinterpret_cast<std::uint64_t>(&st.pidfd);
  a.exit_signal = o.exit_signal;
  const auto base = reinterpret_cast<std::uint64_t>(st.stack_base);
  const auto top = base + st.stack_size;
  const auto size_or = [&](std::uint64_t preset) { return o.stack_size_given ? o.stack_size : preset; };
  switch (static_cast<model::StackArg>(o.stack)) {
    case model::StackArg::harness:
      // The child's stack pointer is stack + stack_size: the top, whatever the size.
      a.stack_size = size_or(st.stack_size);
      CLONEDIFF_CHECK(a.stack_size <= top);
      a.stack = top - a.stack_size;
      break;
    case model::StackArg::none: a.stack_size = size_or(0); break;
    case model::StackArg::size_without_address: a.stack_size = size_or(model::kPageSize); break;
    case model::StackArg::address_without_size: a.stack = base; break;
    case model::StackArg::kernel_address: a.stack = kKernelAddress; a.stack_size = size_or(model::kPageSize); break;
  }
  a.tls = tls_value(o, st);
  if (o.set_tid_unmapped) {
    a.set_tid = unmapped;
  } else if (o.set_tid_pointer) {
    std::memcpy(st.set_tid(), o.set_tid, sizeof o.set_tid);
    if (o.set_tid_reaped < kMaxSetTid) {
      st.reaped_pid = make_and_reap_a_child();
      st.set_tid()[o.set_tid_reaped] = std::max(st.reaped_pid, 0);  // the host errs the case on a failure
    }
    a.set_tid = reinterpret_cast<std::uint64_t>(st.set_tid());
  }
  a.set_tid_size = o.set_tid_size;
  switch (static_cast<model::CgroupArg>(o.cgroup)) {
    case model::CgroupArg::none: break;
    case model::CgroupArg::harness: a.cgroup = static_cast<std::uint64_t>(cgroup_fd); break;
    case model::CgroupArg::bad_fd: a.cgroup = kClosedFd; break;
    case model::CgroupArg::not_cgroup: a.cgroup = static_cast<std::uint64_t>(st.devnull.get()); break;
    case model::CgroupArg::above_int_max: a.cgroup = kAboveIntMax; break;
  }
  std::memcpy(st.clone_args, &a, sizeof a);
  if (o.tail_nonzero) st.clone_args[sizeof a] = 1;  // the first byte beyond the kernel's struct
  switch (static_cast<model::ArgsArg>(o.args)) {
    case model::ArgsArg::harness: break;
    case model::ArgsArg::unmapped: return reinterpret_cast<void*>(unmapped);
    case model::ArgsArg::at_guard: {
      unsigned char* at = st.guarded.guard() - sizeof a;
      std::memcpy(at, &a, sizeof a);
      return at;
    }
  }
  return st.clone_args;
}

// The entries the caller passes its own tid words and TLS to (glibc's clone()
// passes them on to the system call as given).
bool raw_entry(const OrderMsg& o) {
  const auto e = static_cast<model::Entry>(o.entry);
  return e == model::Entry::clone || e == model::Entry::clone3 || e == model::Entry::glibc_clone;
}

// The context's full table, engaged; a table that cannot be filled is the
// harness failing (the facts said full).
void engage_full_table(const CallerState& st, std::optional<FullFdTable>& full) {
  if (!st.fd_table_full) return;
  full.emplace(true);
  CLONEDIFF_CHECK_OK(FullFdTable::full_now() ? ok_status() : Status(make_error("the descriptor table could not be filled")));
}

long make_call(const OrderMsg& o, ChildPlan& plan, CallerState& st) {
  st.parent_tid = -1;
  st.child_tid = -1;
  st.pidfd = -1;
  st.reaped_pid = 0;
  plan.expect = st.expect;
  // Set just before the call, and different every case.
  st.memory_word = (std::uint64_t{0xc0de} << 32) | o.seq;
  plan.expect.memory_word = &st.memory_word;
  plan.expect.memory_value = st.memory_word;
  if (raw_entry(o)) {
    // An unmapped child_tid: the child has no word to look at.
    plan.expect.child_tid_slot = o.child_tid_unmapped ? nullptr : &st.child_tid;
    plan.expect.tls = tls_value(o, st);
    plan.expect.tls_meaningful = true;
  }
  // A full descriptor table, where the context wants one, from here to the
  // call's return (clone3 receives its cgroup descriptor first).
  const bool clone3 = static_cast<model::Entry>(o.entry) == model::Entry::clone3;
  std::optional<FullFdTable> full;
  if (!clone3) engage_full_table(st, full);
  switch (static_cast<model::Entry>(o.entry)) {
    case model::Entry::clone: {
      const bool own_stack = static_cast<model::StackArg>(o.stack) == model::StackArg::harness;
      int* unmapped = reinterpret_cast<int*>(st.guarded.unmapped());
      return clonediff_raw_clone(o.flags | o.exit_signal, own_stack ? st.stack_base + st.stack_size : nullptr,
                                 o.parent_tid_unmapped ? unmapped : &st.parent_tid,
                                 o.child_tid_unmapped ? unmapped : &st.child_tid, tls_value(o, st),
                                 clonediff_child_main, &plan);
    }
    case model::Entry::glibc_clone: {
      // clone(fn, stack, flags, arg, parent_tid, tls, child_tid); flags is an int.
      const bool own_stack = static_cast<model::StackArg>(o.stack) == model::StackArg::harness;
      const int pid = ::clone(o.fn_null ? nullptr : glibc_clone_child, own_stack ? st.stack_base + st.stack_size : nullptr,
                              static_cast<int>(static_cast<std::uint32_t>(o.flags | o.exit_signal)), &plan,
                              &st.parent_tid, reinterpret_cast<void*>(tls_value(o, st)), &st.child_tid);
      return pid < 0 ? -errno : pid;
    }
    case model::Entry::clone3: {
      // CgroupArg::harness: the host sent the directory right after the order.
      const bool has_cgroup = static_cast<model::CgroupArg>(o.cgroup) == model::CgroupArg::harness;
      const sys::UniqueFd cgroup_dir = has_cgroup ? recv_fd(st.ctl) : sys::UniqueFd();
      void* args = fill_clone_args(o, st, cgroup_dir.get());
      engage_full_table(st, full);
      return clonediff_raw_clone3(args, o.size, clonediff_child_main, &plan);
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
bool await_release(CallerState& st, int child_pidfd, int normal_status, ReleasedMsg& released, DoneMsg& done) {
  // Without a pidfd (a thread): fine, a crashing thread takes the caller along.
  bool watch_child = child_pidfd >= 0;
  for (;;) {
    pollfd fds[2] = {{st.ctl, POLLIN, 0}, {child_pidfd, POLLIN, 0}};
    int n = ::poll(fds, watch_child ? 2 : 1, -1);
    if (n < 0 && errno == EINTR) continue;
    CLONEDIFF_CHECK(n >= 0);
    if (fds[0].revents) {
      AnyMsg m;
      if (recv_msg(st.ctl, m) <= 0) leave_host_gone();
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
      if (info.si_code == CLD_EXITED && info.si_status == normal_status) {
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

// The pidfd CLONE_PIDFD installed in the caller: legacy clone and an aliased
// clone3 write it where parent_tid points; -1 if nothing was written.
bool pidfd_in_parent_tid(const OrderMsg& o) {
  const auto e = static_cast<model::Entry>(o.entry);
  return e == model::Entry::clone || e == model::Entry::glibc_clone || o.pidfd_is_parent_tid;
}
int returned_pidfd(const OrderMsg& o, const CallerState& st) { return pidfd_in_parent_tid(o) ? st.parent_tid : st.pidfd; }

void finish_child(const OrderMsg& order, CallerState& st, long child, int pidfd, const ReleasedMsg& released,
                  DoneMsg& done) {
  const auto entry = static_cast<model::Entry>(order.entry);
  if (entry == model::Entry::pthread_create) {
    ::pthread_join(st.thread, nullptr);
    return;
  }
  if (entry == model::Entry::system || released.host_reaped) return;  // system() reaped its shell
  if (released.is_thread) {
    // Until the thread has gone: a yield while a CPU is to spare, else naps
    // from 2 us growing to 1 ms, so that on a busy machine the thread runs.
    const long tgid = sys::raw_syscall(SYS_getpid);
    for (long nap_ns = 2'000; sys::raw_syscall(SYS_tgkill, tgid, child, 0) == 0;) {
      if (cpus_to_spare()) {
        ::sched_yield();
        continue;
      }
      const timespec nap{0, nap_ns};
      ::nanosleep(&nap, nullptr);
      nap_ns = std::min(nap_ns * 2, 1'000'000L);
    }
    return;
  }
  // Wait for any child, as a program would: the one reaped should be the pid
  // the call returned (reaped_pid_is_returned). The caller has no other
  // child; should one come first, the returned pid is waited for by name.
  // after=leader_exit: released, the leader has left alone (or is about to);
  // the last thread leaves once the look lets it.
  if (static_cast<model::AfterArg>(order.after) == model::AfterArg::leader_exit)
    probes::look_while_leader_gone(pidfd, child, done.traits);
  siginfo_t info{};
  // after=waitid reaps through the pidfd, where the kernel lets it.
  const bool reaped_by_pidfd = static_cast<model::AfterArg>(order.after) == model::AfterArg::waitid &&
                               probes::reap_through_pidfd(pidfd, child, info, done.traits);
  int rc = 0;
  while (!reaped_by_pidfd && (rc = ::waitid(P_ALL, 0, &info, WEXITED | __WALL)) != 0 && errno == EINTR) {
  }
  if (rc == 0) done.traits.set(model::Trait::reaped_pid_is_returned, info.si_pid == child);
  if (rc == 0 && info.si_pid != child)
    while (::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | __WALL) != 0 && errno == EINTR) {
    }
  done.child_code = info.si_code;
  done.child_status = info.si_status;
  if (entry == model::Entry::glibc_clone)
    done.traits.set(model::Trait::exit_status_from_fn, info.si_code == CLD_EXITED && info.si_status == kFnReturnValue);
}

// An order to make, and whether it came in a batch.
struct NextOrder {
  OrderMsg order;
  bool batched = false;
};

// Whether the last batch holds orders not made yet.
bool batch_left(const CallerState& st) { return st.next_in_batch < st.batch.count; }

// The next order: the last batch's next, else the host's next message, an
// Order or an OrderBatch (kept, its first returned). Leaves when the host is
// gone or says quit; a batch that is not whole is the host failing, which
// the caller does not outlive.
NextOrder await_order(CallerState& st) {
  if (batch_left(st)) return {st.batch.orders[st.next_in_batch++], true};
  for (;;) {
    static AnyMsg m;  // large (a batch); one caller thread takes orders
    pollfd wait_order{st.ctl, POLLIN, 0};
    while (poll_briefly_spinning(&wait_order, 1, -1) < 0 && errno == EINTR) {
    }
    const ssize_t n = recv_msg(st.ctl, m);
    if (n <= 0 || m.kind == MsgKind::quit) leave_host_gone();
    if (m.kind == MsgKind::order) return {m.order, false};
    if (m.kind == MsgKind::order_batch) {
      const std::uint32_t count = m.order_batch.count;
      CLONEDIFF_CHECK(count >= 1 && count <= kMostBatchedOrders &&
                      static_cast<std::size_t>(n) == order_batch_size(count));
      std::memcpy(&st.batch, &m.order_batch, order_batch_size(count));
      st.next_in_batch = 1;
      return {st.batch.orders[0], true};
    }
  }
}

// Sends the Returned held back for a batch's refused calls, if any, as one
// message.
void send_held(CallerState& st) {
  if (st.held.count == 0) return;
  const bool sent = send_msg_prefix(st.ctl, st.held, returned_batch_size(st.held.count));
  st.held.count = 0;
  if (!sent) leave_host_gone();
}

// Tells the host what the call returned and what the caller can see at once:
// the tid word and the pidfd (sent now, so that a caller the child's exit
// kills has still told them). Returns the pidfd, which the caller now owns.
ReturnedMsg returned_msg(const OrderMsg& order, const CallerState& st, long ret) {
  ReturnedMsg returned;
  returned.seq = order.seq;
  returned.ret = ret;
  returned.reaped_pid = st.reaped_pid;
  return returned;
}

sys::UniqueFd report_returned(const OrderMsg& order, const CallerState& st, long ret) {
  ReturnedMsg returned = returned_msg(order, st, ret);
  const bool pidfd_asked = ret > 0 && (order.flags & model::flag::PIDFD);
  sys::UniqueFd pidfd(pidfd_asked ? returned_pidfd(order, st) : -1);
  // Where the pidfd went into parent_tid, the word holds a descriptor
  // number, which can equal the tid by chance: then it says nothing of
  // CLONE_PARENT_SETTID, and parent_settid stays unknown.
  const bool word_holds_pidfd = (order.flags & model::flag::PIDFD) && pidfd_in_parent_tid(order);
  if (ret > 0 && raw_entry(order) && !word_holds_pidfd && !order.parent_tid_unmapped)
    returned.traits.set(model::Trait::parent_settid, st.parent_tid == ret);
  if (pidfd_asked) probes::look_at_pidfd(pidfd.get(), ret, st.pid_depth, returned.traits);
  const auto after = static_cast<model::AfterArg>(order.after);
  if (ret > 0 && after != model::AfterArg::none) {
    // The child is held until the host has this Returned: it runs.
    probes::look_while_running(after, pidfd.get(), ret, st.pid_depth, order.rounds, returned.traits);
    // A stop and a continue notified the caller (SIGCHLD, CLD_STOPPED and
    // CLD_CONTINUED; after=sigqueue: CLD_TRAPPED of its ptrace stop); they
    // are the scenario's, not the child's exit signal.
    if (after == model::AfterArg::stop || after == model::AfterArg::sigqueue) take_arrived_signals();
  }
  send_msg(st.ctl, returned);
  return pidfd;
}

// The child's pidfd, for a child that is a process (pidfd_open refuses a
// thread): it says when the child has left, and whether it died early.
sys::UniqueFd watch_child(const OrderMsg& order, long child) {
  const auto entry = static_cast<model::Entry>(order.entry);
  const bool child_is_pid = entry != model::Entry::pthread_create && entry != model::Entry::system;
  return sys::UniqueFd(child_is_pid ? sys::pidfd_open(static_cast<pid_t>(child)) : -1);
}

// What the caller sees once the child is gone: its tid word cleared, its
// pidfd readable, and its SIGCHLD, which the child may have left ignored (a
// pid namespace init sharing our handlers); SIG_DFL is put back.
void look_after_child_left(const OrderMsg& order, const CallerState& st, int pidfd, const ReleasedMsg& released,
                           DoneMsg& done) {
  if (raw_entry(order) && !order.child_tid_unmapped)
    done.traits.set(model::Trait::child_cleartid, st.child_tid == 0);
  if (pidfd >= 0) done.traits.set(model::Trait::pidfd_readable_at_exit, probes::pidfd_readable(pidfd));
  probes::look_after_reap(static_cast<model::AfterArg>(order.after), pidfd, done.traits);
  // Reaped by now, unless the host reaps it (CLONE_PARENT), later.
  if (pidfd >= 0 && !released.host_reaped) probes::look_at_reaped_pidfd(pidfd, done.traits);
  const probes::Disposition chld = probes::sigchld_disposition();
  done.traits.set(model::Trait::caller_sigchld_ignored, chld == probes::Disposition::ignored);
  if (chld != probes::Disposition::default_action) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGCHLD, &dfl, nullptr);
  }
}

// The rest of Done, sent: what the behaviour witnesses saw (their baseline
// put back) and the signals that arrived. Every witness must start the next
// case from its baseline; checked here, after the only path that can change
// it: a caller whose baseline is broken says so and retires.
void report_done(const ChildPlan& plan, const ReleasedMsg& released, probes::BehaviourBaseline& baseline,
                 const CallerState& st, DoneMsg& done) {
  const auto seen = baseline.observe_and_restore(plan.behaviour, released.acted);
  std::copy(seen.begin(), seen.end(), done.behaviour);
  const probes::ArrivedSignals arrived = take_arrived_signals();
  done.signals = arrived.all;
  done.child_notices = arrived.child_notices;
  if (auto intact = baseline.intact(); !intact) {
    done.baseline_broken = 1;
    copy_text(done.error, intact.error().message.c_str());
    send_msg(st.ctl, done);
    ::_exit(kRetiredStatus);
  }
  send_msg(st.ctl, done);
}

// One case: the call, what the caller sees of it at once, the child held by
// the host until it is released and gone, what the caller sees then.
void serve_case(const NextOrder& next, CallerState& st, probes::BehaviourBaseline& baseline) {
  const OrderMsg& order = next.order;
  DoneMsg done;
  done.seq = order.seq;
  ChildPlan plan;
  plan.behaviour = baseline.plan((std::uint64_t{0x5eed} << 32) | order.seq);
  plan.child_socket_fd = st.child_socket;
  plan.seq = order.seq;
  plan.fault = order.fault;
  plan.leader_exits_alone = static_cast<model::AfterArg>(order.after) == model::AfterArg::leader_exit;

  if (may_hold_caller(order)) send_held(st);
  if (order.fault == Fault::caller_crash_before_call) crash_now();
  const long ret = order.fault == Fault::caller_returns_zero ? 0 : make_call(order, plan, st);
  // Refused: nothing was created, so nothing can have changed the witness
  // baseline or sent a signal. (ret == 0 cannot happen here.) In a batch,
  // its Returned waits for the batch's end, or for a call that creates.
  if (ret <= 0 && next.batched) {
    CLONEDIFF_CHECK(st.held.count < kMostBatchedOrders);
    st.held.returned[st.held.count++] = returned_msg(order, st, ret);
    CLONEDIFF_CHECK_OK(after_case(st.context));  // or a fresh caller replaces this one
    if (!batch_left(st)) send_held(st);
    return;
  }
  if (order.fault == Fault::caller_looks_late) {
    const timespec late{0, 20'000'000};
    ::nanosleep(&late, nullptr);
  }
  send_held(st);
  const sys::UniqueFd pidfd = report_returned(order, st, ret);
  if (ret <= 0) {
    CLONEDIFF_CHECK_OK(after_case(st.context));  // or a fresh caller replaces this one
    return;
  }
  if (order.fault == Fault::caller_crash) crash_now();
  if (order.fault == Fault::caller_hang)
    for (;;) ::pause();

  const sys::UniqueFd child_watch = watch_child(order, ret);
  // CLONE_CHILD_CLEARTID, whatever came with it: whether the kernel clears
  // the caller's child_tid word and wakes a futex there as the child leaves.
  if (raw_entry(order) && (order.flags & model::flag::CHILD_CLEARTID) && !order.child_tid_unmapped) {
    const bool thread = sys::raw_syscall(SYS_tgkill, sys::raw_syscall(SYS_getpid), ret, 0) == 0;
    if (auto woke = probes::watch_cleartid(&st.child_tid, ret, thread, child_watch.get()))
      done.traits.set(model::Trait::cleartid_wake, *woke);
  }
  ReleasedMsg released;
  if (!await_release(st, child_watch.get(), normal_exit_status(order), released, done)) {
    take_arrived_signals();
    send_msg(st.ctl, done);
    return;
  }
  finish_child(order, st, ret, pidfd.get(), released, done);
  if (auto again = after_case(st.context); !again) {
    copy_text(done.error, again.error().message.c_str());
    done.baseline_broken = 1;
  }
  look_after_child_left(order, st, pidfd.get(), released, done);
  report_done(plan, released, baseline, st, done);
}

[[noreturn]] void serve(CallerState& st, probes::BehaviourBaseline& baseline) {
  for (;;) serve_case(await_order(st), st, baseline);
}

}  // namespace

void caller_main(const CallerSetup& setup) {
  static CallerState st;  // large (clone_args); one per process
  st.ctl = setup.ctl_fd;
  st.child_socket = setup.child_socket_fd;

  if (setup.own_group) ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (setup.host_is_parent && ::getppid() != setup.host_pid) leave_host_gone();  // before we armed the signal
  sys::close_all_descriptors_but({st.ctl, st.child_socket});
  reset_caller_signals();

  if (auto built = enter_context(setup.context, setup.resources); !built)
    die_with(st.ctl, built.error().message.c_str(), StartFailure::recipe);
  // A credential change clears the parent-death signal: arm it again. It also
  // gives the child's pdeath_signal_reset witness something to differ from.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (setup.host_is_parent && ::getppid() != setup.host_pid) leave_host_gone();

  if (setup.setup_fault) die_with(st.ctl, "a setup fault injected by a test", StartFailure::harness);
  void* stack = ::mmap(nullptr, kStackSize + kGuard, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                       -1, 0);
  if (stack == MAP_FAILED) die_with(st.ctl, "mmap child stack failed", StartFailure::harness);
  ::mprotect(stack, kGuard, PROT_NONE);
  st.stack_base = static_cast<char*>(stack) + kGuard;
  st.stack_size = kStackSize;
  st.devnull.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!st.guarded.map()) die_with(st.ctl, "mapping the guarded page failed", StartFailure::harness);

  auto baseline = probes::BehaviourBaseline::establish();
  if (!baseline) die_with(st.ctl, baseline.error().message.c_str(), StartFailure::harness);
  st.expect.umask = static_cast<int>(probes::BehaviourBaseline::kCallerUmask);
  // Where memfd_create() is missing, open_file_shared stays unknown.
  st.open_file.reset(::memfd_create(probes::kOpenFileName, MFD_CLOEXEC));
  if (st.open_file) ::lseek(st.open_file.get(), kOpenFileOffset, SEEK_SET);

  // The signal state the child's witnesses compare against.
  stack_t alt{st.altstack, 0, sizeof st.altstack};
  if (::sigaltstack(&alt, nullptr) != 0) die_with(st.ctl, "sigaltstack failed", StartFailure::harness);
  st.expect.altstack = st.altstack;
  if (!arm_caller_signals(st.expect)) die_with(st.ctl, "setting up the caller's signal witnesses failed", StartFailure::harness);

  // Last, so that nothing above is notified: the supervision filter. The host
  // reads the caller's seccomp state after Facts, filter included.
  sys::UniqueFd notify;
  if (setup.supervision != Supervision::none) {
    auto fd = install_supervision_filter(setup.supervision);
    if (!fd) die_with(st.ctl, fd.error().message.c_str(), StartFailure::recipe);  // no user notification here
    notify = std::move(fd).value();
  }
  model::Caller live = read_live_facts(setup.context);
  {
    // Read as each call will find it.
    const auto spec = model::parse_context_name(setup.context);
    st.fd_table_full = spec && spec->changes.fd_table_full;
    const FullFdTable full(st.fd_table_full);
    live.fd_table_full = FullFdTable::full_now();
  }
  live.io_context = baseline->io_witness();  // establish() set an I/O priority, where it could
  live.sysvsem_undo = prime_sysvsem();
  if (auto finished = finish_context(setup.context, setup.resources); !finished)
    die_with(st.ctl, finished.error().message.c_str(), StartFailure::recipe);
  st.context = setup.context;
  st.pid_depth = live.pidns_level > 0 ? static_cast<std::size_t>(live.pidns_level) : 0;
  if (!send_msg(st.ctl, facts_msg(live))) leave_host_gone();
  if (notify) {
    if (!send_fd(st.ctl, notify.get())) leave_host_gone();
    notify.reset();  // the host supervises; the caller must not hold the listener
  }
  serve(st, *baseline);
}

}  // namespace clonediff::harness
