// What a case asks for: the entry (which call the caller makes) and its
// arguments as the caller passes them; and what the kernel receives from it.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"

namespace clonediff::model {

// glibc_clone is glibc's clone() wrapper (fn, stack, flags, arg, ...), not
// the raw clone system call that `clone` makes.
enum class Entry { fork, vfork, clone, clone3, pthread_create, posix_spawn, system, glibc_clone };

std::string_view entry_name(Entry e);
Result<Entry> parse_entry(std::string_view name);
// The C library's entries (everything but raw clone and clone3): they reach
// the kernel by a route glibc chooses, which the harness records.
bool is_library_entry(Entry e);

inline constexpr std::uint64_t kSigchld = 17;

// Arguments that are addresses or descriptors are described by what they
// point at, not by numbers: the harness supplies the real ones, so a record
// replays exactly on another machine.

// The child's stack (legacy clone: newsp; clone3: stack and stack_size).
enum class StackArg : std::uint8_t {
  harness,               // a real stack of the harness's (the default)
  none,                  // 0 and 0: the child runs on a copy of the caller's stack
  size_without_address,  // clone3: stack 0, stack_size 4096
  address_without_size,  // clone3: a real address, stack_size 0
  kernel_address,        // clone3: 0xffff800000000000, stack_size 4096
};
// glibc_clone's function pointer: the harness's child function, or NULL.
enum class FnArg : std::uint8_t { harness, null };
// The tls argument, which matters with CLONE_SETTLS.
enum class TlsArg : std::uint8_t {
  none,           // 0
  harness,        // a real TLS block of the harness's
  non_canonical,  // 0x8000000000000000
};
// clone3's cgroup field, which matters with CLONE_INTO_CGROUP.
enum class CgroupArg : std::uint8_t {
  none,           // 0
  harness,        // a cgroup v2 directory the harness creates and removes
  bad_fd,         // a descriptor number that is not open
  not_cgroup,     // an open descriptor of something else (/dev/null)
  above_int_max,  // 0x80000000
};
// The bytes of a clone3 struct beyond the kernel's (size > 88).
enum class TailArg : std::uint8_t { zero, nonzero };
// Where clone3's struct clone_args lies (its first argument).
enum class ArgsArg : std::uint8_t {
  harness,   // the harness's buffer, readable well beyond any size
  unmapped,  // an address in a PROT_NONE page the caller maps once
  at_guard,  // its 88 bytes end where that PROT_NONE page begins: a size above 88 runs onto it
};
// Where one of clone3's pointer fields (pidfd, parent_tid, child_tid,
// set_tid) points: at the harness's memory, or into that PROT_NONE page.
enum class PointerArg : std::uint8_t { harness, unmapped };

// What the caller does with the child after the call returned, through its
// pidfd (or, for a thread, a pidfd it opens): each names one scenario whose
// observations are traits of their own (model/success.cpp's pidfd_after rows).
enum class AfterArg : std::uint8_t {
  none,    // nothing beyond the case's usual looks
  poll,    // poll() the pidfd while the child runs (and once it has left)
  waitid,  // waitid(P_PIDFD): WNOHANG and O_NONBLOCK while it runs, then the reap
  stop,    // pidfd_send_signal SIGSTOP and SIGCONT, seen by waitid(WSTOPPED / WCONTINUED)
  info,    // the PIDFD_GET_INFO ioctl while it runs
  thread,  // pidfd_open(tid, PIDFD_THREAD) on a CLONE_THREAD child
  setns,   // setns(pidfd, CLONE_NEWUTS) in a helper the caller forks: into the child's UTS namespace?
  reuse,   // rounds= fork-and-reap rounds while the child runs: is a reaped pid handed out again at once?
  sigqueue,  // pidfd_send_signal with a siginfo: SI_QUEUE and a value (queued?), a forged si_code (refused?)
  leader_exit,  // once released, the child starts a thread and its leader exits alone: poll() the pidfd then,
                // and again when the thread leaves too
};
// after=reuse's rounds, at most (each a fork and a reap; bounded in time too).
inline constexpr std::uint32_t kMaxReuseRounds = 10000;

// One set_tid entry: a number, or what the harness should pick at run time:
// a pid nobody holds (free), the caller's own (in_use), or the pid of a
// process the caller has just created and reaped in its own pid namespace
// (reaped: used a moment ago, free again now).
struct TidSpec {
  enum class Kind : std::uint8_t { number, free, in_use, reaped } kind = Kind::number;
  long long number = 0;  // Kind::number only
  auto operator<=>(const TidSpec&) const = default;
};

std::string_view stack_arg_name(StackArg a);
std::string_view tls_arg_name(TlsArg a);
std::string_view cgroup_arg_name(CgroupArg a);
std::string_view tail_arg_name(TailArg a);
std::string_view args_arg_name(ArgsArg a);
std::string_view pointer_arg_name(PointerArg a);
std::string_view after_arg_name(AfterArg a);
std::string_view fn_arg_name(FnArg a);
Result<StackArg> parse_stack_arg(std::string_view s);
Result<TlsArg> parse_tls_arg(std::string_view s);
Result<CgroupArg> parse_cgroup_arg(std::string_view s);
Result<TailArg> parse_tail_arg(std::string_view s);
Result<ArgsArg> parse_args_arg(std::string_view s);
Result<PointerArg> parse_pointer_arg(std::string_view s);
Result<AfterArg> parse_after_arg(std::string_view s);
Result<FnArg> parse_fn_arg(std::string_view s);
// An exit_signal field as a case writes it: a signal name, or any 64-bit
// value (decimal, 0x hex, or negative for its two's complement: -1 is all ones).
Result<std::uint64_t> parse_exit_signal_value(std::string_view s);
std::string tid_spec_text(const TidSpec& t);  // "42", "free", "in_use", "reaped"
Result<TidSpec> parse_tid_spec(std::string_view s);

inline constexpr std::uint64_t kCloneArgsSizeVer0 = 64;  // up to tls
inline constexpr std::uint64_t kCloneArgsSizeVer1 = 80;  // + set_tid, set_tid_size
inline constexpr std::uint64_t kCloneArgsSizeVer2 = 88;  // + cgroup
inline constexpr std::uint64_t kSetTidOffset = 64;       // struct clone_args' set_tid
inline constexpr std::uint64_t kSetTidSizeOffset = 72;   // ... and set_tid_size
inline constexpr std::uint64_t kPageSize = 4096;
inline constexpr std::uint64_t kHarnessStackSize = 256 * 1024;  // the harness's child stack
inline constexpr std::size_t kMaxSetTidEntries = 64;  // the harness's set_tid array
// The largest stack_size that goes with the harness's stack: its top minus
// the size must stay a user address (mmap places it far above 4 GiB).
inline constexpr std::uint64_t kMaxHarnessStackSize = std::uint64_t{1} << 32;

// clone3's struct clone_args as the caller fills it. parent_tid_at and
// child_tid_at are also legacy clone's parent_tidptr and child_tidptr (its
// pidfd is parent_tidptr); every other field is clone3's alone.
struct Clone3Args {
  std::uint64_t size = kCloneArgsSizeVer2;  // clone3's second argument
  std::optional<std::vector<TidSpec>> set_tid;  // nullopt: a NULL pointer
  std::optional<std::uint64_t> set_tid_size;    // default: set_tid's length
  CgroupArg cgroup = CgroupArg::none;
  TailArg tail = TailArg::zero;
  bool pidfd_is_parent_tid = false;  // pidfd and parent_tid point at one int
  // stack_size as given; nullopt: the stack preset's (the harness's stack
  // size, 4096 for size_without_address and kernel_address, else 0). With
  // stack=harness the stack field is the harness stack's top minus
  // stack_size, so the child's stack pointer is that top whatever the size.
  std::optional<std::uint64_t> stack_size;
  ArgsArg args = ArgsArg::harness;
  PointerArg pidfd_at = PointerArg::harness;
  PointerArg parent_tid_at = PointerArg::harness;
  PointerArg child_tid_at = PointerArg::harness;
  PointerArg set_tid_at = PointerArg::harness;  // unmapped: set_tid_size defaults to 1
  auto operator<=>(const Clone3Args&) const = default;
};

struct Request {
  Request() = default;
  Request(Entry e, std::uint64_t f, std::uint64_t sig) : entry(e), flags(f), exit_signal(sig) {}

  Entry entry = Entry::clone;
  // CLONE_* bits as the caller passes them. For legacy clone the low byte is
  // not part of this field: it is the exit signal, below. fork/vfork take none.
  std::uint64_t flags = 0;
  // Legacy clone: the low byte of its flags word (0..255, not validated by the
  // kernel). clone3: the whole 64-bit field. fork and vfork: SIGCHLD.
  std::uint64_t exit_signal = kSigchld;
  StackArg stack = StackArg::harness;  // clone, clone3 and glibc_clone
  TlsArg tls = TlsArg::none;           // clone, clone3 and glibc_clone
  FnArg fn = FnArg::harness;           // glibc_clone only
  Clone3Args clone3;                   // clone3 (legacy clone: parent_tid_at, child_tid_at)
  AfterArg after = AfterArg::none;     // clone and clone3: what the caller does next
  std::uint32_t rounds = 0;            // after=reuse only: how many fork-and-reap rounds (2..kMaxReuseRounds)

  auto operator<=>(const Request&) const = default;
};

// Checks that the request can be made as written (a legacy clone cannot carry
// an exit signal above 255, fork takes no flags, ...).
Status validate(const Request& r);

// Whether a child the request creates would run on its caller's stack while
// the caller runs on: CLONE_VM without CLONE_VFORK and a stack address of 0
// (stack=none, or clone3's size_without_address), where copy_thread() keeps
// the caller's stack pointer. The harness does not make such a call.
bool shares_callers_stack(const Request& r);

// The system call that reaches kernel_clone() and the arguments it sees.
enum class Syscall { fork, vfork, clone, clone3 };
std::string_view syscall_name(Syscall s);

struct KernelCall {
  Syscall syscall = Syscall::clone;
  std::uint64_t flags = 0;        // args->flags as kernel_clone() sees them
  std::uint64_t exit_signal = 0;  // args->exit_signal
  std::uint64_t dropped = 0;      // bits the syscall layer discarded (legacy clone: 32..63)
  // Legacy clone passes one pointer as both args->pidfd and args->parent_tid.
  bool pidfd_aliases_parent_tid = false;
  StackArg stack = StackArg::harness;
  TlsArg tls = TlsArg::none;
  // clone3 only: struct clone_args as copy_clone_args_from_user() reads it.
  // Fields that lie beyond `size` read as zero, a field partly within it as
  // its low bytes.
  std::uint64_t size = 0;
  bool tail_nonzero = false;      // size > 88 and the bytes beyond 88 are not all zero
  bool set_tid_pointer = false;   // set_tid is not NULL
  std::uint64_t set_tid_size = 0;
  std::vector<TidSpec> set_tid;   // the entries the kernel will read
  CgroupArg cgroup = CgroupArg::none;
  // clone3's stack and stack_size as clone3_stack_valid() sees them: whether
  // stack is 0, stack_size, and whether the range lies in user space.
  bool stack_address_zero = false;
  std::uint64_t stack_size = 0;
  bool stack_in_user_space = true;
  // The copies from and to user memory that fault (a PROT_NONE page); legacy
  // clone has the last three, with one pointer for pidfd and parent_tid:
  bool args_fault = false;        // copy_struct_from_user() of the struct itself
  bool set_tid_fault = false;     // the set_tid array
  bool pidfd_fault = false;       // put_user() of the pidfd (pidfd, or parent_tid when they alias)
  bool parent_tid_fault = false;  // put_user() of the tid at parent_tid (its failure is ignored)
  bool child_tid_fault = false;   // the child's writes at child_tid (their failures are ignored)
  AfterArg after = AfterArg::none;  // the request's, unchanged
  // glibc_clone: what __clone() checks before the system call (either is
  // EINVAL with no system call made), and that its child leaves with SYS_exit
  // of the function's return value.
  bool library_null_fn = false;
  bool library_null_stack = false;
  bool exit_status_from_fn = false;
  std::string route;              // how the entry got here, for explanations
};

// How the entry reaches the kernel. fork() and vfork() are the C library's:
// the route is the one glibc 2.36 on x86-64 takes.
Result<KernelCall> kernel_call(const Request& r);

}  // namespace clonediff::model
