#include "harness/engine/runner.hpp"

#include <algorithm>

#include "harness/engine/cgroup_scratch.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"
#include "probes/pidfd_after.hpp"

namespace clonediff::harness {

Runner::Runner(model::Kernel kernel, std::chrono::milliseconds timeout) : kernel_(std::move(kernel)), timeout_(timeout) {
  // Where the CPU cannot be chosen (the kernel refuses, or gives no number),
  // the cases run wherever the kernel puts them: only slower.
  if (auto kept = sys::OneCpu::keep_here()) cpu_.emplace(std::move(kept).value());
}

Runner::~Runner() = default;

Supervision supervision_for(const CatalogueCase& c) {
  if (!model::is_library_entry(c.request.entry)) return Supervision::none;
  return c.clone3_enosys ? Supervision::notify_clone3_enosys : Supervision::notify;
}

CallerResult<CaseHost*> Runner::host_for(const std::string& context, Supervision supervision) {
  const std::string key = context + "/" + std::string(supervision_name(supervision));
  if (auto it = hosts_.find(key); it != hosts_.end()) return it->second.get();
  if (auto it = unavailable_.find(key); it != unavailable_.end()) return it->second;
  auto host = CaseHost::start(CaseHostOptions{context, timeout_, supervision});
  if (!host) {
    unavailable_[key] = host.error();
    return host.error();
  }
  CaseHost* raw = host->get();
  hosts_[key] = std::move(host).value();
  return raw;
}

namespace {

// Why this harness will not make the call here, if it will not: the reason is
// printed with the skip.
std::optional<std::string> cannot_run_here(const model::Request& r, const model::Prediction& p) {
  if (model::shares_callers_stack(r) && p.outcome.ok())
    return "a CLONE_VM child without its own stack would run on the caller's stack while the caller runs; "
           "the harness does not make this call";
  // The harness makes the directory for every case that names it, read by
  // the kernel (size >= 88) or not.
  if (r.entry == model::Entry::clone3 && r.clone3.cgroup == model::CgroupArg::harness)
    if (auto root = CgroupScratch::cgroup2_root(); !root) return "needs a cgroup v2 hierarchy: " + root.error().message;
  return std::nullopt;
}

// The verdict for a case that was predicted and whose call was made: from how
// the live call ended and, if it completed, the comparison.
void settle_verdict(CaseResult& r) {
  switch (r.live->status) {
    case LiveCall::Status::timeout: r.verdict = Verdict::timeout; r.reason = r.live->note; return;
    case LiveCall::Status::crash: r.verdict = Verdict::crash; r.reason = r.live->note; return;
    case LiveCall::Status::error: r.verdict = Verdict::error; r.reason = r.live->note; return;
    case LiveCall::Status::completed: break;
  }
  compare_with_prediction(r);
}

}  // namespace

void Runner::review_cpu() {
  if (!cpu_) return;
  if (!cpu_->review()) return;
  // Moved: the callers follow (a caller that cannot stays where it was).
  for (const auto& [key, host] : hosts_)
    if (host->caller_pid() > 0) (void)cpu_->keep(host->caller_pid());
}

CaseResult Runner::run(const CatalogueCase& c, Fault fault, std::span<const CatalogueCase> next) {
  review_cpu();
  CaseResult r;
  r.spec = c;
  const Supervision supervision = supervision_for(c);
  auto host = host_for(c.context, supervision);
  if (!host) {
    // A recipe this machine cannot follow is a skip, with the reason; a
    // caller that did not start, died or broke the protocol is the harness
    // failing, never a skip.
    const bool unsatisfiable = host.error().kind == CallerUnavailable::Kind::unsatisfiable;
    r.verdict = unsatisfiable ? Verdict::skip : Verdict::error;
    if (!unsatisfiable)
      r.reason = "the harness could not start a caller: " + host.error().message;
    else if (supervision == Supervision::none)
      r.reason = "context '" + c.context + "' cannot be built here: " + host.error().message;
    else
      r.reason = "the seccomp supervisor cannot be used here: " + host.error().message;
    return r;
  }
  r.caller_facts = (*host)->caller_facts();
  if (supervision != Supervision::none) {
    // The C library's entry: run it, then predict from the call glibc made.
    // Two cannot be observed at all: a spawn where the chroot holds no program
    // to exec, and a system() whose clone is refused (it returns 127, not the errno).
    const auto entry = c.request.entry;
    const bool spawns = entry == model::Entry::posix_spawn || entry == model::Entry::system;
    if (spawns && (*host)->caller_facts().chrooted) {
      r.verdict = Verdict::skip;
      r.reason = "the chroot is empty: there is no /bin/true or /bin/sh for " + std::string(model::entry_name(entry)) + "() to exec";
      return r;
    }
    if (entry == model::Entry::system) {
      auto documented = predictor_(c.request, (*host)->caller_facts(), kernel_);
      if (documented && !documented->outcome.ok()) {
        r.verdict = Verdict::skip;
        r.reason = "system() reports a refused clone as exit status 127, not its errno (" +
                   model::errno_name(documented->outcome.error) + " predicted by " + documented->rule + ")";
        return r;
      }
    }
    r.live = (*host)->make_call(c.request, fault);
    auto predicted = predictor_(request_to_predict(c.request, r.live->route), (*host)->caller_facts(), kernel_);
    if (!predicted) {
      r.verdict = Verdict::skip;
      r.reason = "the model cannot predict the recorded call: " + predicted.error().message;
      return r;
    }
    r.predicted = std::move(predicted).value();
    name_recorded_route(r);
    settle_verdict(r);
    // A refusal the model gives the C library means no system call at all:
    // the supervisor, which sees every call that creates a task, confirms it.
    if (r.live->status == LiveCall::Status::completed && r.live->route) {
      auto documented = predictor_(c.request, (*host)->caller_facts(), kernel_);
      if (documented && documented->rule.starts_with("glibc_clone.")) {
        r.diff.push_back({"route", "no system call (" + documented->rule + ")", r.live->route->text});
        r.verdict = Verdict::mismatch;
      }
    }
    return r;
  }
  auto predicted = predictor_(c.request, (*host)->caller_facts(), kernel_);
  if (!predicted) {
    r.verdict = Verdict::skip;
    r.reason = "the model cannot predict this case: " + predicted.error().message;
    return r;
  }
  r.predicted = std::move(predicted).value();
  if (auto why = cannot_run_here(c.request, *r.predicted)) {
    r.verdict = Verdict::skip;
    r.reason = *why;
    return r;
  }
  // The after= looks that go through /proc cannot answer in a chroot, which
  // has none: what the kernel did with a child it made would show as
  // unknown. (A refused call is seen as any other.)
  if ((*host)->caller_facts().chrooted && r.predicted->outcome.ok() && probes::looks_through_proc(c.request.after)) {
    r.verdict = Verdict::skip;
    r.reason = "after=" + std::string(model::after_arg_name(c.request.after)) +
               " looks through /proc, and the chroot has no /proc";
    return r;
  }
  if (auto why = (*host)->cannot_make_here(c.request)) {
    r.verdict = Verdict::skip;
    r.reason = *why;
    return r;
  }
  // set_tid=reaped: the caller first makes a child of its own (clone, exit
  // signal 0) and reaps it. Where the model says that clone is refused here
  // (RLIMIT_NPROC, pids.max), the pid cannot be made: a skip, with the rule.
  const auto& tids = c.request.clone3.set_tid;
  if (tids && std::any_of(tids->begin(), tids->end(),
                          [](const model::TidSpec& t) { return t.kind == model::TidSpec::Kind::reaped; })) {
    model::Request helper{model::Entry::clone, 0, 0};
    helper.stack = model::StackArg::none;
    auto made = predictor_(helper, (*host)->caller_facts(), kernel_);
    if (made && !made->outcome.ok()) {
      r.verdict = Verdict::skip;
      r.reason = "set_tid=reaped needs a child the caller makes and reaps first, and here its clone is " +
                 model::errno_name(made->outcome.error) + " (" + made->rule + ")";
      return r;
    }
  }
  ahead_.clear();
  if (CaseHost::can_send_ahead(c.request))
    for (const CatalogueCase& n : next.first(std::min(next.size(), kMostBatchedOrders - 1))) {
      if (n.context != c.context || supervision_for(n) != Supervision::none || !CaseHost::can_send_ahead(n.request))
        break;
      ahead_.push_back({n.request, Fault::none});
    }
  r.live = (*host)->make_call(c.request, fault, ahead_);
  settle_verdict(r);
  return r;
}

}  // namespace clonediff::harness
