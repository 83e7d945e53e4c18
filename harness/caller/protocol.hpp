// Messages between the host (the prober, in the clonediff process) and the
// caller process and its child. Fixed-size PODs over SOCK_SEQPACKET socket
// pairs: one message per send, no framing needed. Every message carries the
// case's sequence number so a late message from an earlier case is ignored.
//
//   host -> caller   Order         make this call
//   host -> caller   OrderBatch    make these calls, one after another
//   caller -> host   Facts         once, after the context is built
//   caller -> host   Returned      the call returned (for vfork: after the child left), and
//                                  the caller's after= looks at the running child are done:
//                                  with after=, the host releases the child only after this
//   child -> host    ChildReady    actions done; the kernel attaches the child's
//                                  credentials (SO_PASSCRED): its pid as the host sees it
//   host -> child    ChildRelease  leave now
//   host -> caller   Released      the child was released (and whether the host reaped it)
//   caller -> host   Done          what the caller saw; the child is gone
//   caller -> host   ReturnedBatch the Returned of a batch's refused calls, together
//
// A batch (OrderBatch) holds orders the host sends ahead of their cases, so
// that one hand-over serves many calls. The caller makes them in order, each
// as if it had come alone, except that a refused call's Returned waits: the
// caller sends the ones it holds as one ReturnedBatch when it has made the
// batch's last call, before it goes on with a call that created a task
// (that call's own Returned comes after, as ever), and before a call that
// may hold it in the call until its child leaves (CLONE_VFORK): the host
// releases that child only once it has every earlier case's Returned.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/caller.hpp"
#include "model/flags.hpp"
#include "model/request.hpp"
#include "model/outcome.hpp"
#include "probes/trait_bits.hpp"

namespace clonediff::harness {

enum class MsgKind : std::uint32_t {
  order = 1,
  facts,
  returned,
  child_ready,
  child_release,
  released,
  done,
  quit,
  order_batch,
  returned_batch,
};

// Test-only faults, to prove that a misbehaving case costs one verdict.
enum class Fault : std::uint32_t {
  none = 0,
  child_crash,   // the child kills itself with SIGSEGV before reporting
  child_hang,    // the child never reports
  caller_crash,  // the caller dies with SIGSEGV after the call returns
  caller_hang,   // the caller stops answering after the call returns
  child_forks,   // the child forks without end: each new process forks once more
  caller_returns_zero,  // the caller reports that the call returned 0 without making it
  caller_looks_late,    // the caller waits 20 ms after the call returns, before its first looks at the child
  caller_crash_before_call,  // the caller dies with SIGSEGV before it makes the call
};

inline constexpr std::size_t kMaxSetTid = 64;
inline constexpr std::uint8_t kNoReapedEntry = 0xff;

// The request, with every symbolic argument resolved by the host: set_tid
// entries are numbers, the cgroup is a path the caller opens.
struct OrderMsg {
  MsgKind kind = MsgKind::order;
  std::uint32_t seq = 0;
  std::uint32_t entry = 0;  // model::Entry
  Fault fault = Fault::none;
  std::uint64_t flags = 0;
  std::uint64_t exit_signal = 0;
  std::uint8_t stack = 0;   // model::StackArg
  std::uint8_t tls = 0;     // model::TlsArg
  std::uint8_t cgroup = 0;  // model::CgroupArg
  std::uint8_t tail_nonzero = 0;
  std::uint8_t pidfd_is_parent_tid = 0;
  std::uint8_t set_tid_pointer = 0;
  // clone3: where the struct lies (model::ArgsArg), and the pointer fields
  // that point into the caller's PROT_NONE page instead of its own ints.
  std::uint8_t args = 0;
  std::uint8_t pidfd_unmapped = 0;
  std::uint8_t parent_tid_unmapped = 0;
  std::uint8_t child_tid_unmapped = 0;
  std::uint8_t set_tid_unmapped = 0;
  std::uint8_t fn_null = 0;  // glibc_clone: a NULL function (model::FnArg::null)
  std::uint8_t stack_size_given = 0;  // stack_size below, else the stack preset's
  std::uint8_t after = 0;             // model::AfterArg: what the caller does with the child next
  std::uint32_t rounds = 0;           // after=reuse: its fork-and-reap rounds
  std::uint64_t stack_size = 0;
  std::uint64_t size = 0;   // clone3's size argument
  std::uint64_t set_tid_size = 0;
  std::int32_t set_tid[kMaxSetTid] = {};
  // The set_tid entry (an index, or kNoReapedEntry) the caller fills itself
  // with the pid of a child it creates and reaps just before the call: that
  // entry names a pid in the caller's own pid namespace.
  std::uint8_t set_tid_reaped = kNoReapedEntry;
  char cgroup_path[256] = {};  // for messages; the descriptor itself follows the order (SCM_RIGHTS)
};

// The facts about the live caller the model needs: model::Caller as numbers,
// in the order of model::caller_facts() (wire.hpp packs and unpacks them), so
// that a new fact needs nothing here.
struct FactsMsg {
  MsgKind kind = MsgKind::facts;
  std::uint32_t ok = 0;  // 0: the caller gave up; see error
  std::uint8_t harness_fault = 0;  // ... because the harness's own setup failed, not the context's recipe
  std::uint32_t fact_count = 0;    // model::caller_facts().size() as the sender knows it
  std::int64_t facts[model::kMostCallerFacts] = {};
  char error[200] = {};
};

struct ReturnedMsg {
  MsgKind kind = MsgKind::returned;
  std::uint32_t seq = 0;
  std::int64_t ret = 0;  // tid in the caller's pid namespace, or -errno
  probes::TraitBits traits;  // what the caller saw at once (tid word, pidfd)
  // set_tid=reaped: the pid the caller made and reaped for that entry (its
  // own namespace's number), or -errno if it could not; 0 without one.
  std::int32_t reaped_pid = 0;
};

// Whether the order's call may keep the caller in it until the child leaves:
// CLONE_VFORK, or an entry made of it (vfork, posix_spawn, system). The host
// does not wait for such a call's Returned before it releases the child, and
// the caller sends the Returned it holds before making one.
inline bool may_hold_caller(const OrderMsg& o) {
  const auto e = static_cast<model::Entry>(o.entry);
  return (o.flags & model::flag::VFORK) || e == model::Entry::vfork || e == model::Entry::posix_spawn ||
         e == model::Entry::system;
}

// The most orders one OrderBatch holds: the case at hand and those the host
// sends ahead of it.
inline constexpr std::size_t kMostBatchedOrders = 16;

struct OrderBatchMsg {
  MsgKind kind = MsgKind::order_batch;
  std::uint32_t count = 0;  // orders[0 .. count), in the order they are to be made
  OrderMsg orders[kMostBatchedOrders];
};

struct ReturnedBatchMsg {
  MsgKind kind = MsgKind::returned_batch;
  std::uint32_t count = 0;  // returned[0 .. count), in the order the calls were made
  ReturnedMsg returned[kMostBatchedOrders];
};

// The bytes a batch of `count` entries takes on the wire: the entries beyond
// its count are not sent.
constexpr std::size_t order_batch_size(std::size_t count) {
  return offsetof(OrderBatchMsg, orders) + count * sizeof(OrderMsg);
}
constexpr std::size_t returned_batch_size(std::size_t count) {
  return offsetof(ReturnedBatchMsg, returned) + count * sizeof(ReturnedMsg);
}


struct ChildReadyMsg {
  MsgKind kind = MsgKind::child_ready;
  std::uint32_t seq = 0;
  std::uint32_t acted = 0;  // probes::acted_bit() per behaviour action that took effect
  std::int32_t tid_local = 0;
  std::int32_t pid_local = 0;
  probes::TraitBits traits;  // what the child saw of itself
};

struct ChildReleaseMsg {
  MsgKind kind = MsgKind::child_release;
  std::uint32_t seq = 0;
};

struct ReleasedMsg {
  MsgKind kind = MsgKind::released;
  std::uint32_t seq = 0;
  std::uint32_t acted = 0;
  std::uint8_t host_reaped = 0;  // a CLONE_PARENT child: the host's own, already reaped
  std::uint8_t is_thread = 0;    // in the caller's thread group: gone when tgkill says ESRCH
};

struct DoneMsg {
  MsgKind kind = MsgKind::done;
  std::uint32_t seq = 0;
  model::Fact behaviour[model::kResourceCount] = {};
  std::int32_t child_status = 0;   // waitid si_status of an own child
  std::int32_t child_code = 0;     // waitid si_code (CLD_EXITED, CLD_KILLED, ...), 0 if not reaped here
  std::uint8_t early_death = 0;    // the child died before the host released it
  std::uint8_t baseline_broken = 0;
  std::uint64_t signals = 0;       // bit n-1: signal n arrived at the caller during the case
  std::uint64_t child_notices = 0; // ... of those, the ones whose siginfo says a child changed state
  probes::TraitBits traits;        // what the caller saw
  char error[200] = {};
};

struct QuitMsg {
  MsgKind kind = MsgKind::quit;
  std::uint32_t seq = 0;
};

}  // namespace clonediff::harness
