// The host: lives in the clonediff process (CLI, test suite, benchmark), owns
// one caller process for a context, and runs cases in it one at a time. It is
// also the prober: root, outside the caller's context, able to see every task
// the caller creates.
//
// Isolation contract: the caller and everything it creates share a process
// group of their own. A case that hangs (past the timeout) or crashes costs
// that case its verdict: the whole group is killed, every task in it reaped
// (this process becomes a child subreaper so that orphans come back to it),
// and the next case gets a fresh caller. Nothing outlives the CaseHost.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "harness/engine/caller_unavailable.hpp"
#include "harness/engine/context_lease.hpp"
#include "harness/engine/exit_watch.hpp"
#include "harness/caller/context_recipe.hpp"
#include "harness/caller/protocol.hpp"
#include "harness/case/case_result.hpp"
#include "harness/engine/supervisor.hpp"
#include "model/caller.hpp"
#include "model/outcome.hpp"
#include "model/request.hpp"
#include "model/result.hpp"
#include "probes/identity.hpp"
#include "probes/observe.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {


struct CaseHostOptions {
  std::string context = "root";
  std::chrono::milliseconds timeout{5000};
  Supervision supervision = Supervision::none;  // for the C library's entries
  bool setup_fault = false;  // tests only: the caller's own setup fails after its context is built
};

class CaseHost {
 public:
  // Forks the caller process and waits (options.timeout at most) for its
  // facts. Call while this process is single-threaded: the caller allocates
  // before it reaches its call loop. The error says whether this machine
  // cannot satisfy the context's recipe or the harness failed
  // (caller_unavailable.hpp).
  static CallerResult<std::unique_ptr<CaseHost>> start(CaseHostOptions options);
  ~CaseHost();
  CaseHost(const CaseHost&) = delete;
  CaseHost& operator=(const CaseHost&) = delete;

  // An order the host may send ahead of its case (see make_call).
  struct OrderAhead {
    model::Request request;
    Fault fault = Fault::none;  // for the harness's own tests
  };

  // Makes the call in the caller and observes the result. `fault` is for the
  // harness's own tests. `ahead`: the cases that come next in this host, in
  // order; where this call and the first of them can go ahead
  // (can_send_ahead), their orders go with this one in one batch
  // (protocol.hpp), and their make_call finds them sent. A make_call for any
  // other request first discards the caller, orders and all. A caller that
  // fails before this call's Returned while orders sent ahead wait behind it
  // may have failed in any of them: the call is made again, alone, in a fresh
  // caller, so that a failure is the case's own.
  LiveCall make_call(const model::Request& request, Fault fault = Fault::none,
                     std::span<const OrderAhead> ahead = {});

  // Whether an order for `request` may be sent ahead of its case, or carry
  // others with it: a raw clone or clone3 with nothing the host prepares just
  // before the call (a cgroup, set_tid's pids) and nothing it looks at while
  // the child runs (after=), and that does not run a child on the caller's
  // stack.
  static bool can_send_ahead(const model::Request& request);

  // Why this caller cannot make the request as written, if it cannot: a
  // set_tid=reaped entry where the caller's children are born in a pid
  // namespace it unshared (pidns_unshared), so that it cannot make the pid
  // to reap there. A property of the context, not of the kernel: the case is
  // a skip with this reason.
  std::optional<std::string> cannot_make_here(const model::Request& request) const;

  // The facts read back from the live caller, for the model.
  const model::Caller& caller_facts() const { return facts_; }
  pid_t caller_pid() const { return caller_pid_; }
  const CaseHostOptions& options() const { return options_; }

 private:
  using Clock = std::chrono::steady_clock;
  struct Call;  // one live call's state and steps (case_host.cpp)

  explicit CaseHost(CaseHostOptions options);
  // A fresh caller: started by its context's recipe, its facts awaited,
  // adopted (its exit watched, its supervisor taken), its facts learnt.
  CallerResult<Unit> spawn();
  CallerResult<Unit> start_caller(const ContextRecipe& recipe);
  CallerResult<FactsMsg> await_facts(Clock::time_point deadline, pid_t& sender);
  CallerResult<Unit> adopt_caller(pid_t sender, Clock::time_point deadline);
  CallerResult<Unit> learn_facts(const FactsMsg& f);
  std::string who() const;  // "the caller process for context 'NAME'", for errors
  void discard_caller();  // kill the group, reap all of it, close the sockets
  void quit_caller();
  // A set_tid entry as a number: entry `index` names a pid in the index-th
  // pid namespace from the child's outwards (model::set_tid_target()).
  std::int32_t resolve_tid(const model::TidSpec& t, std::size_t index, std::uint64_t flags) const;
  // Whether set_tid entry `index` given as reaped is filled by the caller
  // (true: it names a pid in the caller's own namespace) or stands for 2 in
  // a namespace nobody is in yet (false); an error where the caller cannot
  // make that pid (an outer namespace, or children born in another one).
  Result<bool> reaped_entry(std::size_t index, std::uint64_t flags) const;

  CaseHostOptions options_;
  pid_t host_pid_ = 0;
  pid_t caller_pid_ = 0;        // the caller, as this process numbers it
  pid_t group_ = 0;         // its process group (the caller, or the first of a spawn chain)
  std::optional<ContextLease> lease_;  // released after the group is reaped
  ExitWatch caller_exit_;  // the caller's pidfd, or a ticking stand-in (exit_watch.hpp)
  sys::UniqueFd ctl_;      // host's end
  sys::UniqueFd child_socket_;  // host's end (SO_PASSCRED)
  std::optional<Supervisor> supervisor_;
  probes::CallerIdentity identity_;
  model::Caller facts_;
  bool caller_shares_pidns_ = true;
  bool syscall_witness_ = false;  // its /proc/PID/syscall reads (not under gVisor)
  std::vector<long long> caller_nspid_;  // its pid in each pid namespace, outermost first
  std::uint32_t seq_ = 0;
  // Orders sent ahead of their cases, in the order they will be made, and
  // the Returned that came for them before their case (by seq). Both go with
  // the caller.
  struct SentAhead {
    OrderMsg order;
    model::Request request;
    Fault fault = Fault::none;
  };
  std::deque<SentAhead> sent_ahead_;
  std::map<std::uint32_t, ReturnedMsg> returned_early_;
};

}  // namespace clonediff::harness
