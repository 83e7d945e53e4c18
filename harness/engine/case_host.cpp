#include "harness/engine/case_host.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <cstdio>
#include <cstring>
#include <string>

#include "harness/caller/context_recipe.hpp"
#include "harness/engine/cgroup_scratch.hpp"
#include "harness/engine/lease_owner.hpp"
#include "harness/caller/caller_process.hpp"
#include "harness/engine/caller_spawn.hpp"
#include "harness/caller/wire.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"
#include "model/rules.hpp"
#include "model/signal_set.hpp"
#include "probes/pidfd_after.hpp"
#include "probes/sys/cleanup.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/pidfd.hpp"
#include "probes/sys/proc_files.hpp"

namespace clonediff::harness {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string describe_exit(int code, int status) {
  if (code == CLD_EXITED) return "exited with status " + std::to_string(status);
  if (code == CLD_KILLED || code == CLD_DUMPED) return "killed by " + model::signal_name(status);
  return "stopped or traced (si_code " + std::to_string(code) + ")";
}

// One message into buf, with the credentials the kernel attached
// (SO_PASSCRED): the sender's thread-group id as this process's pid namespace
// numbers it, when there were any. Returns what recvmsg() returned.
ssize_t recv_with_credentials(int fd, void* buf, std::size_t size, std::optional<pid_t>& sender) {
  iovec iov{buf, size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  msghdr mh = message_header(iov, control, sizeof control);
  ssize_t n;
  do n = ::recvmsg(fd, &mh, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return n;
  for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred;
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      sender = cred.pid;
    }
  return n;
}

// Any message from the caller; sender is left alone when none was attached.
bool recv_with_sender(int fd, AnyMsg& msg, pid_t& sender) {
  std::optional<pid_t> from;
  if (recv_with_credentials(fd, &msg, sizeof msg, from) < static_cast<ssize_t>(sizeof(MsgKind))) return false;
  if (from) sender = *from;
  return true;
}

// The caller's real uid as the initial user namespace knows it.
std::optional<long long> host_view_uid(pid_t pid) {
  char buf[4096];
  auto status = sys::read_proc_file(pid, "status", buf, sizeof buf);
  if (!status) return std::nullopt;
  const auto uids = sys::status_numbers(*status, "Uid");
  if (uids.empty()) return std::nullopt;
  return uids[0];
}

std::optional<long long> host_view_userns_depth(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/user";
  sys::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  long long depth = 0;
  for (;;) {
    const int parent = ::ioctl(fd.get(), NS_GET_PARENT);
    if (parent < 0) return errno == EPERM ? std::optional<long long>(depth) : std::nullopt;  // EPERM: the initial one
    fd.reset(parent);
    ++depth;
  }
}

std::vector<long long> host_view_nspid(pid_t pid) {
  char buf[4096];
  auto status = sys::read_proc_file(pid, "status", buf, sizeof buf);
  return status ? sys::status_numbers(*status, "NSpid") : std::vector<long long>{};
}

// Whether a task's root is other than its mount namespace's root, the way
// /proc/<pid>/root reads to a prober in the initial mount namespace.
bool caller_is_chrooted(pid_t pid) {
  char link[4096];
  const std::string path = "/proc/" + std::to_string(pid) + "/root";
  const ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
  return n > 0 && std::string_view(link, static_cast<std::size_t>(n)) != "/";
}

// Receives the child's Ready, whole and with its sender's thread-group id.
bool recv_ready(int fd, ChildReadyMsg& msg, pid_t& sender_tgid) {
  std::optional<pid_t> from;
  if (recv_with_credentials(fd, &msg, sizeof msg, from) != static_cast<ssize_t>(sizeof msg) || !from) return false;
  sender_tgid = *from;
  return true;
}

// A thread the caller created, as this process numbers it: the one task of
// the caller's group that is not the caller itself.
pid_t find_new_thread(pid_t caller) {
  std::string path = "/proc/" + std::to_string(caller) + "/task";
  DIR* dir = ::opendir(path.c_str());
  if (!dir) return 0;
  const sys::Cleanup close_dir([dir] { ::closedir(dir); });
  pid_t found = 0;
  while (dirent* e = ::readdir(dir)) {
    pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
    if (tid > 0 && tid != caller) found = tid;
  }
  return found;
}

// Kills what is left of a process group and reaps every member that is this
// process's child (orphans come here: we are a child subreaper). The group id
// cannot be reused while any member or zombie still holds it.
void kill_and_reap_group(pid_t pgid) {
  for (int round = 0; round < 500; ++round) {
    siginfo_t info{};
    while (::waitid(P_PGID, static_cast<id_t>(pgid), &info, WEXITED | WNOHANG | __WALL) == 0 && info.si_pid != 0)
      info = siginfo_t{};
    if (::kill(-pgid, 0) != 0 && errno == ESRCH) return;
    ::kill(-pgid, SIGKILL);
    ::usleep(round < 10 ? 1000 : 10000);
  }
  std::fprintf(stderr, "clonediff: process group %d still has members after 5 s of SIGKILL\n", pgid);
}

long long read_pid_max() {
  long long pid_max = 32768;
  if (std::FILE* f = std::fopen("/proc/sys/kernel/pid_max", "r")) {
    if (std::fscanf(f, "%lld", &pid_max) != 1) pid_max = 32768;
    std::fclose(f);
  }
  return pid_max;
}

// The pid this pid namespace handed out last (its allocation cursor), if it says.
std::optional<long long> read_last_pid() {
  long long last = 0;
  std::FILE* f = std::fopen("/proc/sys/kernel/ns_last_pid", "r");
  if (!f) return std::nullopt;
  const bool read = std::fscanf(f, "%lld", &last) == 1;
  std::fclose(f);
  return read && last > 0 ? std::optional<long long>(last) : std::nullopt;
}

// A pid that nothing in this pid namespace holds: no /proc entry, no process,
// no process group; and one the allocator will not come to soon. pids are
// handed out upwards from the cursor (ns_last_pid), wrapping at pid_max to
// 300. Just ahead of the cursor the allocator is about to hand them out; just
// behind it the pids are young, and an exited leader's number may still name
// a session; half the range behind it, neither. Without the cursor, downwards
// from near pid_max. (A pid near pid_max, and one just behind the cursor,
// were seen taken by the time the clone asked for it: explore, on a machine
// forking hundreds of processes a second.)
std::int32_t find_free_pid() {
  const long long pid_max = read_pid_max();
  const auto free_pid = [](long long n) {
    const std::string proc = "/proc/" + std::to_string(n);
    const auto gone = [](long long target) { return ::kill(static_cast<pid_t>(target), 0) != 0 && errno == ESRCH; };
    return ::access(proc.c_str(), F_OK) != 0 && errno == ENOENT && gone(n) && gone(-n);
  };
  const long long range = pid_max - 301;
  long long n = pid_max - 2;
  if (const auto last = read_last_pid(); last && range > 0) n = 301 + ((*last - 301 - range / 2) % range + range) % range;
  for (int tries = 0; tries < 5000; ++tries, --n) {
    if (n <= 300) n = pid_max - 1;  // wrap as the allocator does
    if (free_pid(n)) return static_cast<std::int32_t>(n);
  }
  return 0;
}

// Whether the caller's Returned for case `seq` is first in line on the
// control socket, waiting up to `limit` for a message to come. The message is
// left there for take_control_message(). Blocks; never spins.
bool returned_within(int ctl, std::uint32_t seq, std::chrono::microseconds limit) {
  bool queued = false;  // a message, or the end: the caller hung up
  const auto first_is_returned = [&] {
    AnyMsg m;
    const ssize_t n = ::recv(ctl, &m, sizeof m, MSG_PEEK | MSG_DONTWAIT);
    queued = n >= 0;
    return n >= static_cast<ssize_t>(sizeof(ReturnedMsg)) && m.kind == MsgKind::returned && m.returned.seq == seq;
  };
  if (first_is_returned()) return true;
  const timespec wait{0, static_cast<long>(std::chrono::nanoseconds(limit).count())};
  if (queued) {  // something else is first in line: nothing to wait for but time
    ::nanosleep(&wait, nullptr);
    return false;
  }
  pollfd p{ctl, POLLIN, 0};
  ::ppoll(&p, 1, &wait, nullptr);
  return first_is_returned();
}

// Whether a caller seen blocked in a creating call sleeps in the one wait
// that call has once its child runs: the vfork wait. After wake_up_new_task()
// the parent in kernel_clone() (_do_fork() before 5.10, the same steps) only
// sets the parent tid, may stop for a ptrace event (state t) and, for
// CLONE_VFORK, waits killably for the child to release the mm
// (wait_for_vfork_done(): TASK_KILLABLE, state D). So D inside the call is
// that wait, and says yes at once instead of after 150 us of samples. The
// call is read again after the state: both reads must name a creating call,
// so that a caller which left it in between (and sleeps in D elsewhere) is
// not taken for one still inside.
bool in_vfork_wait(pid_t caller) {
  if (probes::task_state(caller) != 'D') return false;
  const auto nr = probes::blocked_in_syscall(caller);
  return nr && (*nr == SYS_clone || *nr == SYS_clone3 || *nr == SYS_vfork);
}

// Whether the caller is still inside the call that created the child, which
// is held: only vfork-like calls keep it there. The caller's Returned for this
// case (`returned`: taken already; else looked for on `ctl`) says no: the
// call returned while its child is held. Else sampled until the caller is
// seen asleep: in the vfork wait (in_vfork_wait) or in the creating call for
// 150 us on end, yes; in any other call, no. A sample of a running caller (on
// a CPU or waiting for one, not asleep yet) says nothing -- under TCG a vfork
// caller can still be on its way into the wait when the child reports. Seen only running for 50 ms: unknown.
// Between samples the host sleeps (waking for the caller's message), so that
// a caller waiting for a CPU can have this one.
// `witness`: whether the caller's /proc/PID/syscall can be read (not under
// gVisor), as found when it started.
model::Fact caller_in_creating_call(pid_t caller, bool witness, bool returned, int ctl, std::uint32_t seq) {
  if (!witness) return model::Fact::unknown;  // no witness (gVisor)
  if (returned) return model::Fact::no;
  constexpr std::chrono::microseconds kLookAgain{50};
  const auto start = Clock::now();
  std::optional<Clock::time_point> in_call_since;
  for (std::chrono::microseconds wait{0};; wait = kLookAgain) {
    if (returned_within(ctl, seq, wait)) return model::Fact::no;
    const auto now = Clock::now();
    const auto nr = probes::blocked_in_syscall(caller);
    if (nr && *nr != SYS_clone && *nr != SYS_clone3 && *nr != SYS_vfork) return model::Fact::no;
    if (nr && in_vfork_wait(caller)) return model::Fact::yes;
    if (nr && !in_call_since) in_call_since = now;
    if (in_call_since && now - *in_call_since >= std::chrono::microseconds(150)) return model::Fact::yes;
    if (now - start >= std::chrono::milliseconds(50)) return in_call_since ? model::Fact::yes : model::Fact::unknown;
  }
}

// An order's fields that come from the request alone: all of them but
// clone3's set_tid entries and cgroup, which the host prepares (send_order).
void fill_order(OrderMsg& order, const model::Request& request, Fault fault) {
  order.entry = static_cast<std::uint32_t>(request.entry);
  order.fault = fault;
  order.flags = request.flags;
  order.exit_signal = request.exit_signal;
  order.stack = static_cast<std::uint8_t>(request.stack);
  order.tls = static_cast<std::uint8_t>(request.tls);
  order.after = static_cast<std::uint8_t>(request.after);
  order.rounds = request.rounds;
  order.fn_null = request.fn == model::FnArg::null;
  if (request.entry == model::Entry::clone) {
    // Legacy clone's parent_tidptr (its pidfd too) and child_tidptr.
    order.parent_tid_unmapped = request.clone3.parent_tid_at == model::PointerArg::unmapped;
    order.child_tid_unmapped = request.clone3.child_tid_at == model::PointerArg::unmapped;
  }
  if (request.entry == model::Entry::clone3) {
    const model::Clone3Args& c = request.clone3;
    order.size = c.size;
    order.tail_nonzero = c.tail == model::TailArg::nonzero;
    order.pidfd_is_parent_tid = c.pidfd_is_parent_tid;
    order.set_tid_pointer = c.set_tid.has_value() || c.set_tid_at == model::PointerArg::unmapped;
    order.set_tid_unmapped = c.set_tid_at == model::PointerArg::unmapped;
    order.set_tid_size = c.set_tid_size.value_or(c.set_tid ? c.set_tid->size() : order.set_tid_unmapped ? 1 : 0);
    order.args = static_cast<std::uint8_t>(c.args);
    order.pidfd_unmapped = c.pidfd_at == model::PointerArg::unmapped;
    order.parent_tid_unmapped = c.parent_tid_at == model::PointerArg::unmapped;
    order.child_tid_unmapped = c.child_tid_at == model::PointerArg::unmapped;
    order.stack_size_given = c.stack_size.has_value();
    order.stack_size = c.stack_size.value_or(0);
    order.cgroup = static_cast<std::uint8_t>(c.cgroup);
  }
}

// Whether a Ready is waiting on the child socket, and for which case; the
// message stays there.
std::optional<std::uint32_t> waiting_ready_seq(int fd) {
  ChildReadyMsg m;
  const ssize_t n = ::recv(fd, &m, sizeof m, MSG_PEEK | MSG_DONTWAIT);
  if (n != static_cast<ssize_t>(sizeof m) || m.kind != MsgKind::child_ready) return std::nullopt;
  return m.seq;
}

// How long phase 3 waits for the caller before it looks whether a stop
// signal stopped it.
constexpr int kStopLook = 20;

}  // namespace

// The signals a child's exit sent the caller, put together from what the
// caller drained (with siginfo saying which came from a child) and what the
// host saw happen to it: a stop, or death by SIGKILL.
struct ChildExitSignals {
  std::uint64_t notices = 0;
  bool stopped = false;  // resumed with SIGCONT by the host
  bool killed = false;

  std::uint64_t all_notices() const {
    return notices | (stopped ? model::signal_bit(SIGSTOP) : 0) | (killed ? model::signal_bit(SIGKILL) : 0);
  }
  // The one signal, 0 for none, -1 for several.
  long long parent_signal() const {
    const std::uint64_t set = all_notices();
    if (set == 0) return 0;
    if (set & (set - 1)) return -1;
    return __builtin_ctzll(set) + 1;
  }
  // Everything that arrived, the host's own SIGCONT left out.
  std::uint64_t arrived(std::uint64_t drained) const {
    if (stopped && !(notices & model::signal_bit(SIGCONT))) drained &= ~model::signal_bit(SIGCONT);
    return drained | all_notices();
  }
};

namespace {

void merge_traits(model::Outcome& o, const probes::TraitBits& bits) {
  for (std::size_t i = 0; i < model::kTraitCount; ++i)
    if ((bits.known >> i) & 1u) o.traits[i] = model::fact_of((bits.value >> i) & 1u);
}

}  // namespace


CaseHost::CaseHost(CaseHostOptions options) : options_(std::move(options)), host_pid_(::getpid()) {}

CaseHost::~CaseHost() { quit_caller(); }

CallerResult<std::unique_ptr<CaseHost>> CaseHost::start(CaseHostOptions options) {
  // Orphans come back here to be reaped. Where it cannot be had (qemu-user
  // refuses the prctl), the process group still finds and kills them all;
  // their zombies are reaped by whoever inherits them.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  std::unique_ptr<CaseHost> host(new CaseHost(std::move(options)));
  if (auto st = host->spawn(); !st) return st.error();
  return host;
}

CallerResult<Unit> CaseHost::spawn() {
  // The catalogue and --context refuse unknown names; this is a caller of the
  // harness passing one anyway.
  auto recipe = find_recipe(options_.context);
  if (!recipe) return harness_failed(recipe.error());
  if (auto started = start_caller(**recipe); !started) return started;
  // The caller reports its facts once its context is built, or why it could
  // not be: anything else is the harness failing, never a skip. From here a
  // failure takes the caller down with it.
  const auto deadline = Clock::now() + options_.timeout;
  pid_t sender = 0;
  auto facts = await_facts(deadline, sender);
  CallerResult<Unit> adopted = facts ? adopt_caller(sender, deadline) : CallerResult<Unit>(facts.error());
  if (adopted) adopted = learn_facts(*facts);
  if (!adopted) discard_caller();
  return adopted;
}

std::string CaseHost::who() const { return "the caller process for context '" + options_.context + "'"; }

CallerResult<Unit> CaseHost::start_caller(const ContextRecipe& recipe) {
  if (recipe.needs_pids_cgroup)
    if (auto parent = pids_cgroup_parent(); !parent) return unsatisfiable(parent.error().message);
  auto lease = ContextLease::make(recipe, host_pid_);
  if (!lease) return harness_failed("cannot prepare context '" + options_.context + "': " + lease.error().message);
  lease_.emplace(std::move(lease).value());

  // Two socket pairs: first the host's end, second the caller's.
  auto ctl_pair = sys::socket_pair(SOCK_SEQPACKET);
  if (!ctl_pair) return harness_failed(ctl_pair.error());
  auto child_pair = sys::socket_pair(SOCK_SEQPACKET);
  if (!child_pair) return harness_failed(child_pair.error());
  const int one = 1;
  ::setsockopt(child_pair->first.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
  ::setsockopt(ctl_pair->first.get(), SOL_SOCKET, SO_PASSCRED, &one, sizeof one);  // the caller's pid, from its Facts

  CallerSetup setup;
  setup.host_pid = host_pid_;
  setup.ctl_fd = ctl_pair->second.get();
  setup.child_socket_fd = child_pair->second.get();
  setup.context = options_.context;
  setup.resources = lease_->resources();
  setup.supervision = options_.supervision;
  setup.setup_fault = options_.setup_fault;
  auto spawned = spawn_caller(recipe, setup);
  // The caller's ends are the caller's alone now: the host sees its hang-up.
  ctl_pair->second.reset();
  child_pair->second.reset();
  ctl_ = std::move(ctl_pair->first);
  child_socket_ = std::move(child_pair->first);
  if (!spawned) {
    lease_.reset();
    return spawned.error();
  }
  group_ = spawned->group;
  caller_pid_ = spawned->caller_pid;
  return Unit{};
}

CallerResult<FactsMsg> CaseHost::await_facts(Clock::time_point deadline, pid_t& sender) {
  pollfd pfd{ctl_.get(), POLLIN, 0};
  AnyMsg m;
  if (::poll(&pfd, 1, ms_left(deadline)) != 1)
    return harness_failed(who() + " did not report within " + std::to_string(options_.timeout.count()) + " ms");
  if (!recv_with_sender(ctl_.get(), m, sender)) return harness_failed(who() + " ended before it reported its facts");
  if (m.kind != MsgKind::facts)
    return harness_failed(who() + " broke the protocol: message kind " +
                          std::to_string(static_cast<std::uint32_t>(m.kind)) + " before its facts");
  const FactsMsg& f = m.facts;
  // The caller's own account: a recipe this machine would not follow, or its
  // own setup failing.
  if (!f.ok) return f.harness_fault ? harness_failed(who() + ": " + f.error) : unsatisfiable(std::string(f.error));
  return f;
}

CallerResult<Unit> CaseHost::adopt_caller(pid_t sender, Clock::time_point deadline) {
  if (caller_pid_ == 0) caller_pid_ = sender;  // a chain: only the kernel knows the caller's pid here
  caller_exit_ = ExitWatch::of(caller_pid_);
  if (!caller_exit_.valid()) return harness_failed(sys::errno_error("pidfd_open and timerfd_create"));
  if (options_.supervision != Supervision::none) {
    pollfd wait_fd{ctl_.get(), POLLIN, 0};
    sys::UniqueFd fd = ::poll(&wait_fd, 1, ms_left(deadline)) == 1 ? recv_fd(ctl_.get()) : sys::UniqueFd();
    if (!fd) return harness_failed(who() + " did not hand over its seccomp notification descriptor");
    supervisor_.emplace(std::move(fd));
  }
  return Unit{};
}

CallerResult<Unit> CaseHost::learn_facts(const FactsMsg& f) {
  auto live = caller_from_facts_msg(f, options_.context);
  if (!live) return harness_failed(who() + " broke the protocol: " + live.error().message);
  facts_ = std::move(live).value();
  // The caller's signal state, as the kernel holds it (where /proc shows it).
  if (auto sets = probes::read_signal_sets(caller_pid_)) {
    facts_.signals_blocked = sets->blocked;
    facts_.signals_ignored = sets->ignored;
    facts_.signals_caught = sets->caught;
  }
  // What only the host sees: the caller's uid in the initial user namespace,
  // and whether its root is the root of its mount namespace.
  if (auto uid = host_view_uid(caller_pid_)) facts_.uid = *uid;
  caller_nspid_ = host_view_nspid(caller_pid_);
  // NS_GET_PARENT does not look above the asker's own user namespace: only a
  // prober in the initial one can count the caller's depth.
  if (auto depth = host_view_userns_depth(caller_pid_)) facts_.userns_level = *depth;
  facts_.chrooted = caller_is_chrooted(caller_pid_);

  auto ns = probes::read_ns_inodes(caller_pid_);
  if (!ns) return harness_failed(who() + ": " + ns.error().message);
  identity_ = probes::CallerIdentity{};
  identity_.pid = caller_pid_;
  identity_.ns = *ns;
  identity_.io_context = facts_.io_context;
  identity_.sysvsem_undo = facts_.sysvsem_undo;
  probes::read_seccomp(caller_pid_, identity_.seccomp_mode, identity_.seccomp_filters);
  probes::read_copied_state(identity_);
  auto own = probes::read_ns_inodes(host_pid_);
  const auto pid_index = static_cast<std::size_t>(model::Ns::pid);
  caller_shares_pidns_ = own && own->ino[pid_index] == ns->ino[pid_index];
  syscall_witness_ = probes::syscall_file_readable(caller_pid_);
  return Unit{};
}

std::optional<std::string> CaseHost::cannot_make_here(const model::Request& request) const {
  const auto& tids = request.clone3.set_tid;
  if (!tids || !facts_.pid_for_children_differs) return std::nullopt;
  for (std::size_t i = 0; i < tids->size(); ++i)
    if ((*tids)[i].kind == model::TidSpec::Kind::reaped)
      if (auto reaped = reaped_entry(i, request.flags); !reaped) return reaped.error().message;
  return std::nullopt;
}

Result<bool> CaseHost::reaped_entry(std::size_t index, std::uint64_t flags) const {
  const model::SetTidTarget target = model::set_tid_target(index, flags, facts_);
  // A namespace nobody is in yet: no pid has been used there; 2 stands for
  // every one but 1, as for free.
  if (target.fresh) return false;
  if (facts_.pid_for_children_differs)
    return make_error("set_tid=reaped: the caller's children are born in the pid namespace it unshared, not in "
                      "its own, so it cannot make the pid to reap there");
  if (target.caller_level != 0)
    return make_error("set_tid=reaped names a pid in the caller's own pid namespace, and entry " +
                      std::to_string(index) + " is " + std::to_string(target.caller_level) +
                      " levels above it (give it as free or a number)");
  return true;
}

std::int32_t CaseHost::resolve_tid(const model::TidSpec& t, std::size_t index, std::uint64_t flags) const {
  if (t.kind == model::TidSpec::Kind::number) return static_cast<std::int32_t>(t.number);
  const model::SetTidTarget target = model::set_tid_target(index, flags, facts_);
  // A namespace nobody is in yet: every number but 1 is free there, and none
  // is in use; 2 stands for both.
  if (target.fresh) return 2;
  const std::size_t k = target.caller_level;  // 0: the caller's active namespace
  if (k >= caller_nspid_.size()) return 2;
  if (t.kind == model::TidSpec::Kind::in_use)
    return static_cast<std::int32_t>(caller_nspid_[caller_nspid_.size() - 1 - k]);  // the caller's own
  // Free: this process's /proc shows the outermost namespace; inner ones hold
  // few processes, and none near pid_max.
  return k + 1 == caller_nspid_.size() ? find_free_pid() : static_cast<std::int32_t>(read_pid_max() - 2);
}

void CaseHost::discard_caller() {
  if (group_ > 0) kill_and_reap_group(group_);
  group_ = 0;
  caller_pid_ = 0;
  lease_.reset();  // after the reap: a cgroup is busy until its tasks are released
  supervisor_.reset();
  caller_exit_.reset();
  ctl_.reset();
  child_socket_.reset();
  sent_ahead_.clear();
  returned_early_.clear();
}

void CaseHost::quit_caller() {
  if (group_ <= 0) return;
  // A caller holding orders sent ahead would make them before it read Quit,
  // and could wait in one for a release that never comes.
  if (!sent_ahead_.empty()) {
    discard_caller();
    return;
  }
  QuitMsg q;
  if (send_msg(ctl_.get(), q)) {
    caller_exit_.wait_exit(std::chrono::milliseconds(1000));
  }
  discard_caller();
}

// One live call, from the order to the caller's Done: the state its steps
// share, and the steps. A step returns nothing while the case goes on, or how
// it ended.
struct CaseHost::Call {
  struct Ending {
    LiveCall::Status status;
    std::string note;
  };

  // An after= scenario's bounded looks get their time on top of the case's.
  Call(CaseHost& h, Clock::time_point start, model::AfterArg after)
      : host(h), started(start), deadline(start + h.options_.timeout + probes::look_time_limit(after)) {}

  std::optional<Ending> send_order(const model::Request& request, Fault fault, std::span<const OrderAhead> ahead);
  std::optional<Ending> take_order_sent_ahead();
  std::optional<Ending> take_returned(const ReturnedMsg& m);
  std::optional<Ending> await_ready();        // phase 1
  std::optional<Ending> probe_and_release();  // phase 2
  std::optional<Ending> await_done();         // phase 3
  Ending observed();                          // what the case showed, put together
  LiveCall finish(Ending end);

  std::optional<Ending> take_control_message();
  std::optional<Ending> await_returned_before_release();  // phase 2, before the release
  // The caller's messages until its Returned has come or `until` has passed.
  std::optional<Ending> take_messages_until_returned(Clock::time_point until);
  std::optional<Ending> take_notification();
  std::string caller_death() const;
  int supervisor_fd() const { return host.supervisor_ ? host.supervisor_->fd() : -1; }

  CaseHost& host;
  const Clock::time_point started;
  const Clock::time_point deadline;
  LiveCall r;
  OrderMsg order;
  std::optional<CgroupScratch> scratch;  // clone3's cgroup, made for this case
  std::size_t set_tid_entries = 0;
  // What came back.
  bool have_returned = false;
  probes::TraitBits returned_traits;
  bool have_done = false;
  DoneMsg done;
  ChildReadyMsg ready;
  pid_t sender = 0;  // the ready child's thread group, as this process numbers it
  std::optional<Supervisor::Notification> exec_hold;  // a supervised child's execve, held
  // What phase 2 found.
  std::optional<probes::IdentityObservation> identity;
  model::Fact suspended = model::Fact::unknown;
  bool host_reaps = false;  // a CLONE_PARENT child: this process's own
  ExitWatch child_exit;
  ChildExitSignals exit_seen;
};

bool CaseHost::can_send_ahead(const model::Request& request) {
  if (request.entry != model::Entry::clone && request.entry != model::Entry::clone3) return false;
  if (request.after != model::AfterArg::none) return false;
  if (request.clone3.set_tid || request.clone3.cgroup == model::CgroupArg::harness) return false;
  return !model::shares_callers_stack(request);
}

LiveCall CaseHost::make_call(const model::Request& request, Fault fault, std::span<const OrderAhead> ahead) {
  Call call(*this, Clock::now(), request.after);
  std::optional<Call::Ending> end;
  bool was_sent_ahead = false;
  if (!sent_ahead_.empty()) {
    const SentAhead& next = sent_ahead_.front();
    was_sent_ahead = next.request == request && next.fault == fault;
    if (!was_sent_ahead) discard_caller();  // it holds orders for other cases
  }
  if (was_sent_ahead) {
    end = call.take_order_sent_ahead();
  } else {
    if (caller_pid_ <= 0)
      if (auto st = spawn(); !st) end = Call::Ending{LiveCall::Status::error, st.error().message};
    if (!end) end = call.send_order(request, fault, ahead);
  }
  if (!end) end = call.await_ready();
  if (!end) end = call.probe_and_release();
  if (!end) end = call.await_done();
  if (!end) end = call.observed();
  if (end->status != LiveCall::Status::completed && !call.have_returned && !sent_ahead_.empty()) {
    // The caller may have been making any of the orders sent ahead: whose
    // failure it was, only this call made alone can say.
    discard_caller();
    return make_call(request, fault);
  }
  return call.finish(std::move(*end));
}

LiveCall CaseHost::Call::finish(Ending end) {
  r.status = end.status;
  r.note = std::move(end.note);
  if (end.status != LiveCall::Status::completed) host.discard_caller();
  r.elapsed = Clock::now() - started;
  return r;
}

std::string CaseHost::Call::caller_death() const {
  // Its sockets close (exit_files()) before it can be waited for
  // (exit_notify()): a moment's wait, so that how it ended can be told.
  (void)host.caller_exit_.wait_exit(std::chrono::milliseconds(1000));
  const siginfo_t info = host.caller_exit_.peek().value_or(siginfo_t{});
  return "the caller process " + describe_exit(info.si_code, info.si_status);
}

// The order, with clone3's symbolic arguments made real here; with the
// orders `ahead` in one batch where they may go with it.
std::optional<CaseHost::Call::Ending> CaseHost::Call::send_order(const model::Request& request, Fault fault,
                                                                  std::span<const OrderAhead> ahead) {
  order.seq = ++host.seq_;
  fill_order(order, request, fault);
  if (request.entry == model::Entry::clone3) {
    const model::Clone3Args& c = request.clone3;
    if (c.set_tid) {
      set_tid_entries = std::min(c.set_tid->size(), kMaxSetTid);
      for (std::size_t i = 0; i < set_tid_entries; ++i) {
        if ((*c.set_tid)[i].kind == model::TidSpec::Kind::reaped) {
          auto reaped = host.reaped_entry(i, request.flags);
          if (!reaped) return Ending{LiveCall::Status::error, reaped.error().message};
          if (*reaped) {
            order.set_tid_reaped = static_cast<std::uint8_t>(i);  // the caller fills it in
            continue;
          }
        }
        order.set_tid[i] = host.resolve_tid((*c.set_tid)[i], i, request.flags);
      }
    }
    if (c.cgroup == model::CgroupArg::harness) {
      auto made = CgroupScratch::create("clonediff-" + lease_owner_tag(host.host_pid_) + "-" + std::to_string(order.seq));
      if (!made) return Ending{LiveCall::Status::error, made.error().message};
      scratch.emplace(std::move(made).value());
      copy_text(order.cgroup_path, scratch->path().c_str());
    }
  }
  std::size_t batched = 0;
  if (can_send_ahead(request))
    while (batched < ahead.size() && batched + 1 < kMostBatchedOrders && can_send_ahead(ahead[batched].request))
      ++batched;
  bool sent = false;
  if (batched == 0) {
    sent = send_msg(host.ctl_.get(), order);
  } else {
    thread_local OrderBatchMsg batch;  // large
    batch.count = static_cast<std::uint32_t>(batched + 1);
    batch.orders[0] = order;
    for (std::size_t i = 0; i < batched; ++i) {
      OrderMsg& o = batch.orders[i + 1];
      o = OrderMsg{};
      o.seq = ++host.seq_;
      fill_order(o, ahead[i].request, ahead[i].fault);
      host.sent_ahead_.push_back({o, ahead[i].request, ahead[i].fault});
    }
    sent = send_msg_prefix(host.ctl_.get(), batch, order_batch_size(batch.count));
  }
  if (!sent) return Ending{LiveCall::Status::crash, "the caller process is gone"};
  if (scratch) {
    // The directory as a descriptor: a caller may not see the path (chroot).
    sys::UniqueFd dir(::open(scratch->path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir || !send_fd(host.ctl_.get(), dir.get()))
      return Ending{LiveCall::Status::error, sys::errno_error("pass the cgroup directory").message};
  }
  return std::nullopt;
}

// The order the host sent ahead for this case, and its Returned if that came.
std::optional<CaseHost::Call::Ending> CaseHost::Call::take_order_sent_ahead() {
  order = host.sent_ahead_.front().order;
  host.sent_ahead_.pop_front();
  const auto it = host.returned_early_.find(order.seq);
  if (it == host.returned_early_.end()) return std::nullopt;
  const ReturnedMsg returned = it->second;
  host.returned_early_.erase(it);
  return take_returned(returned);
}

// This case's Returned, come alone, in a batch or ahead of the case. An
// ending if set_tid=reaped's child could not be made.
std::optional<CaseHost::Call::Ending> CaseHost::Call::take_returned(const ReturnedMsg& m) {
  have_returned = true;
  r.returned = m.ret;
  returned_traits = m.traits;
  if (order.set_tid_reaped < kMaxSetTid) {
    // What the call really asked for, for set_tid_honoured.
    if (m.reaped_pid <= 0)
      return Ending{LiveCall::Status::error, "set_tid=reaped: the caller could not make a child to reap (" +
                                                 model::errno_name(-m.reaped_pid) + ")"};
    order.set_tid[order.set_tid_reaped] = m.reaped_pid;
  }
  return std::nullopt;
}

// One message from the caller: Returned or Done for this case (others are
// late ones of an earlier case), or a batch's Returned, of this case and of
// cases whose orders went ahead (kept for them). An ending if the caller hung
// up, broke the protocol, or its Done says the case cannot be observed.
std::optional<CaseHost::Call::Ending> CaseHost::Call::take_control_message() {
  thread_local AnyMsg m;  // large (a batch)
  const ssize_t n = recv_msg(host.ctl_.get(), m);
  if (n <= 0) return Ending{LiveCall::Status::crash, caller_death()};
  if (m.kind == MsgKind::returned && m.returned.seq == order.seq) {
    if (auto end = take_returned(m.returned)) return end;
  } else if (m.kind == MsgKind::returned_batch) {
    const std::uint32_t count = m.returned_batch.count;
    if (count == 0 || count > kMostBatchedOrders || static_cast<std::size_t>(n) != returned_batch_size(count))
      return Ending{LiveCall::Status::error, "the caller broke the protocol: a ReturnedBatch of " +
                                                 std::to_string(n) + " bytes for " + std::to_string(count) + " calls"};
    // This case's, and those of cases whose orders went ahead of them.
    for (std::uint32_t i = 0; i < count; ++i) {
      const ReturnedMsg& each = m.returned_batch.returned[i];
      if (each.seq == order.seq) {
        if (auto end = take_returned(each)) return end;
      } else if (each.seq > order.seq) {
        host.returned_early_[each.seq] = each;
      }
    }
  } else if (m.kind == MsgKind::done && m.done.seq == order.seq) {
    done = m.done;
    have_done = true;
    if (done.baseline_broken)
      return Ending{LiveCall::Status::error,
                    std::string("the caller could not restore its witness baseline after the case: ") + done.error};
    if (done.early_death)
      return Ending{LiveCall::Status::crash,
                    "the child " + describe_exit(done.child_code, done.child_status) + " before it reported"};
  }
  return std::nullopt;
}

// Supervised entries: a process-creating call is recorded and let go on; a
// child's execve holds it before it becomes another program, which makes the
// execve its "ready". An ending on a supervisor failure.
std::optional<CaseHost::Call::Ending> CaseHost::Call::take_notification() {
  auto n = host.supervisor_->receive();
  if (!n) return Ending{LiveCall::Status::error, n.error().message};
  if (is_exec(n->call.nr) && n->call.pid != host.caller_pid_ && !exec_hold) {
    exec_hold = std::move(n).value();
    return std::nullopt;
  }
  if (creates_a_task(n->call.nr) && !r.route) {
    r.route = route_of(n->call);
  } else if (auto other = route_of(n->call)) {
    r.other_calls.push_back(other->text);
  } else {
    r.other_calls.push_back("system call " + std::to_string(n->call.nr));
  }
  if (auto st = host.supervisor_->let_continue(n->id); !st) return Ending{LiveCall::Status::error, st.error().message};
  return std::nullopt;
}

// Phase 1: the call returns refused, or the child reports ready. The
// caller's messages are taken before the child socket is read: with orders
// sent ahead, a later case's child may report while this case's Returned
// is on its way (the caller sends it first), and that Ready stays for its
// own case.
std::optional<CaseHost::Call::Ending> CaseHost::Call::await_ready() {
  const int supervised = supervisor_fd();
  bool later_ready_waits = false;
  for (;;) {
    if (have_returned && r.returned == 0)  // only the child sees 0: the harness lost track of who is who
      return Ending{LiveCall::Status::error, "the call returned 0 in the caller: the harness cannot tell what happened"};
    if (have_returned && r.returned < 0) {
      r.observed = model::Outcome{};
      r.observed.error = static_cast<int>(-r.returned);
      return Ending{LiveCall::Status::completed, ""};
    }
    pollfd fds[4] = {{host.ctl_.get(), POLLIN, 0}, {later_ready_waits ? -1 : host.child_socket_.get(), POLLIN, 0},
                     {host.caller_exit_.fd(), POLLIN, 0}, {supervised, POLLIN, 0}};
    const int n = poll_briefly_spinning(fds, supervised >= 0 ? 4 : 3, ms_left(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || ms_left(deadline) == 0)  // a ticking exit watch wakes poll before its timeout
      return Ending{LiveCall::Status::timeout, have_returned ? "the child never reported ready" : "the call did not return"};
    if (fds[3].revents) {
      if (auto end = take_notification()) return end;
      if (exec_hold) {
        sender = exec_hold->call.pid;  // a process: its pid is its tgid
        return std::nullopt;
      }
      continue;
    }
    if (fds[0].revents) {
      if (auto end = take_control_message()) return end;
      continue;
    }
    if (fds[1].revents) {
      const auto waiting = waiting_ready_seq(host.child_socket_.get());
      if (waiting && *waiting > order.seq) {
        later_ready_waits = true;  // not this case's: this one's Returned comes first
        continue;
      }
      if (recv_ready(host.child_socket_.get(), ready, sender) && ready.seq == order.seq) return std::nullopt;
      continue;
    }
    if (fds[2].revents && host.caller_exit_.exited())
      return Ending{LiveCall::Status::crash, caller_death()};
  }
}

// The caller's first looks at the child (its tid word, its pidfd:
// report_returned() in caller_process.cpp) come before its Returned and must
// find the child held. So the child waits for the Returned, unless the call
// may keep the caller in it until the child leaves (CLONE_VFORK, or an entry
// made of it), or the caller was seen held there. The wait is bounded
// (kReturnedWait, far above the microseconds a Returned takes, so that a
// busy machine does not run out of it): a caller still in the call by then
// is not waited for, as before, and what it shows is observed as before.
// Without the wait the release raced those looks. Under gVisor, whose
// /proc/PID/syscall cannot say where the caller is, nothing was waited for,
// and in one whole-catalogue run of many exit-signals/pidfd/SIGKILL's child
// killed its caller before the pidfd look: pidfd unknown instead of the
// baseline's false, and ci/targets failed.
std::optional<CaseHost::Call::Ending> CaseHost::Call::await_returned_before_release() {
  constexpr auto kReturnedWait = std::chrono::milliseconds(1000);
  if (have_returned || may_hold_caller(order) || suspended == model::Fact::yes || exec_hold) return std::nullopt;
  return take_messages_until_returned(std::min(deadline, Clock::now() + kReturnedWait));
}

std::optional<CaseHost::Call::Ending> CaseHost::Call::take_messages_until_returned(Clock::time_point until) {
  while (!have_returned && Clock::now() < until) {
    pollfd p{host.ctl_.get(), POLLIN, 0};
    const int n = poll_briefly_spinning(&p, 1, ms_left(until));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (auto end = take_control_message()) return end;
  }
  return std::nullopt;
}

// Phase 2: find the child as this process numbers it, probe, release.
std::optional<CaseHost::Call::Ending> CaseHost::Call::probe_and_release() {
  const pid_t caller = host.caller_pid_;
  // after=: the caller looks at the running child before its Returned, so
  // the child is held until that has come.
  if (order.after != 0) {
    if (auto end = take_messages_until_returned(deadline)) return end;
    if (!have_returned)
      return Ending{LiveCall::Status::timeout, "the caller did not finish its after= looks at the running child"};
  }
  // A thread's credentials name its thread group (Linux): find the thread.
  // gVisor names the thread itself; its status then names the group.
  pid_t child = sender;
  if (sender == caller) child = host.caller_shares_pidns_ ? ready.tid_local : find_new_thread(caller);
  auto seen = probes::observe_identity(host.identity_, child, scratch.has_value());
  const bool is_thread = sender == caller || (seen && seen->tgid == caller);
  suspended = caller_in_creating_call(caller, host.syscall_witness_, have_returned, host.ctl_.get(), order.seq);
  if (auto end = await_returned_before_release()) return end;
  host_reaps = seen && !is_thread && seen->ppid == host.host_pid_;
  if (host_reaps) child_exit = ExitWatch::of(child);
  if (exec_hold) {
    // Let the execve go on: the child becomes the spawned program and leaves.
    if (auto st = host.supervisor_->let_continue(exec_hold->id); !st)
      return Ending{LiveCall::Status::error, st.error().message};
  } else {
    ChildReleaseMsg release;
    release.seq = order.seq;
    send_msg(host.child_socket_.get(), release);
  }
  if (!seen) return Ending{LiveCall::Status::error, "cannot probe the child: " + seen.error().message};
  identity = std::move(seen).value();
  if (host_reaps) {
    // A CLONE_PARENT child is this process's own. The caller looks at it
    // after it has left (its pidfd, its cleared tid), so it stays a zombie,
    // which a pidfd still names, until the caller is done.
    if (!child_exit.wait_exit(std::chrono::milliseconds(ms_left(deadline))))
      return Ending{LiveCall::Status::timeout, "the released child did not exit"};
  }
  ReleasedMsg released;
  released.seq = order.seq;
  released.acted = ready.acted;
  released.host_reaped = host_reaps;
  released.is_thread = is_thread;
  send_msg(host.ctl_.get(), released);
  return std::nullopt;
}

// Phase 3: the caller reports what it saw once the child is gone. The child's
// exit signal may be one the caller cannot block: SIGSTOP stops it (seen
// here, and undone with SIGCONT), SIGKILL kills it (seen here; what the
// caller would have reported after that is unknown).
std::optional<CaseHost::Call::Ending> CaseHost::Call::await_done() {
  const int supervised = supervisor_fd();
  auto next_stop_look = Clock::now() + std::chrono::milliseconds(kStopLook);
  while (!have_done) {
    pollfd fds[3] = {{host.ctl_.get(), POLLIN, 0}, {host.caller_exit_.fd(), POLLIN, 0}, {supervised, POLLIN, 0}};
    const int n = poll_briefly_spinning(fds, supervised >= 0 ? 3 : 2, std::min(ms_left(deadline), kStopLook));
    if (n < 0 && errno == EINTR) continue;
    if (ms_left(deadline) == 0) return Ending{LiveCall::Status::timeout, "the caller did not finish the case"};
    // Quiet for a while (a ticking exit watch wakes poll without news): stopped?
    if (!fds[0].revents && Clock::now() >= next_stop_look) {
      next_stop_look = Clock::now() + std::chrono::milliseconds(kStopLook);
      if (probes::task_stopped(host.caller_pid_)) {
        exit_seen.stopped = true;
        ::kill(host.caller_pid_, SIGCONT);
      }
    }
    if (n == 0) continue;
    if (supervised >= 0 && fds[2].revents) {
      if (auto end = take_notification()) return end;
      continue;
    }
    const std::optional<Ending> hung_up = fds[0].revents ? take_control_message() : std::nullopt;
    if (hung_up && hung_up->status != LiveCall::Status::crash) return hung_up;
    if (hung_up || (fds[1].revents && host.caller_exit_.exited())) {
      // The caller is gone, or going: how it died says whether the child's
      // exit signal killed it.
      if (!host.caller_exit_.wait_exit(std::chrono::milliseconds(ms_left(deadline))))
        return Ending{LiveCall::Status::timeout, "the caller hung up but did not exit"};
      const siginfo_t info = host.caller_exit_.peek().value_or(siginfo_t{});
      if (info.si_code != CLD_KILLED || info.si_status != SIGKILL) return Ending{LiveCall::Status::crash, caller_death()};
      exit_seen.killed = true;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// What the two witnesses, the child, the caller and the host saw, as one
// observed Outcome.
CaseHost::Call::Ending CaseHost::Call::observed() {
  if (host_reaps) child_exit.reap();
  r.witnesses.kcmp = identity->kcmp;
  r.witnesses.kcmp_note = identity->kcmp_note;
  if (have_done) std::copy(std::begin(done.behaviour), std::end(done.behaviour), r.witnesses.behaviour.begin());
  r.observed = probes::observed_outcome(*identity, r.witnesses);
  merge_traits(r.observed, ready.traits);
  merge_traits(r.observed, returned_traits);
  if (have_done) merge_traits(r.observed, done.traits);
  r.observed[model::Trait::caller_suspended] = suspended;
  exit_seen.notices = done.child_notices;
  r.observed.parent_signal = exit_seen.parent_signal();
  r.signals = exit_seen.arrived(done.signals);
  // set_tid: entry i names the pid in the i-th namespace from the child's outwards.
  const std::uint64_t tids = order.set_tid_pointer ? order.set_tid_size : 0;
  if (tids > 0 && tids <= set_tid_entries) {
    bool same = identity->nspid.size() >= tids;
    for (std::size_t i = 0; same && i < tids; ++i)
      same = identity->nspid[identity->nspid.size() - 1 - i] == order.set_tid[i];
    r.observed[model::Trait::set_tid_honoured] = model::fact_of(same);
  }
  // The pid the call returned, against the child's own tid (what it said in
  // Ready; an exec-held child said nothing) and its NSpid at the caller's
  // level. pthread_create and system return no pid, and a caller the
  // child's exit killed inside vfork returned nothing.
  const auto entry = static_cast<model::Entry>(order.entry);
  const bool returns_pid =
      have_returned && r.returned > 0 && entry != model::Entry::pthread_create && entry != model::Entry::system;
  const std::vector<long long>& nspid = identity->nspid;
  if (!exec_hold) {
    if (returns_pid) r.observed[model::Trait::tid_is_returned_pid] = model::fact_of(ready.tid_local == r.returned);
    if (!nspid.empty()) r.observed[model::Trait::tid_is_innermost_nspid] = model::fact_of(ready.tid_local == nspid.back());
  }
  if (returns_pid && !nspid.empty() && !host.caller_nspid_.empty()) {
    const std::size_t level = host.caller_nspid_.size() - 1;
    r.observed[model::Trait::nspid_has_returned_pid] =
        model::fact_of(nspid.size() > level && nspid[level] == r.returned);
  }
  if (scratch) r.observed[model::Trait::into_cgroup] = model::fact_of(identity->cgroup2 == scratch->cgroup_path());
  if (done.child_code == CLD_KILLED || done.child_code == CLD_DUMPED)
    return Ending{LiveCall::Status::crash, "the child " + describe_exit(done.child_code, done.child_status)};
  if (exit_seen.killed) {
    // A fresh caller for the next case; this one is gone.
    host.discard_caller();
    return Ending{LiveCall::Status::completed,
                  "the child's exit killed the caller with SIGKILL: what the caller would have seen after that "
                  "(behaviour witnesses, tid words, pidfd, its SIGCHLD) is unknown"};
  }
  return Ending{LiveCall::Status::completed, ""};
}

}  // namespace clonediff::harness
