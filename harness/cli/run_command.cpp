// clonediff run: the catalogue, selected, run on this kernel or on targets,
// and judged against the model, with every report a run writes. In steps:
// the options are checked and the cases selected (plan_run: any problem is
// bad usage, before anything runs), then a RunSession runs each target's
// cases into the reports and writes the verdict.
#include <malloc.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/case/selection.hpp"
#include "probes/sys/printable.hpp"
#include "harness/cli/checked_output.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/target_plan.hpp"
#include "harness/engine/lease_owner.hpp"
#include "harness/engine/runner.hpp"
#include "harness/engine/stop_signals.hpp"
#include "harness/explore/run_coverage.hpp"
#include "harness/records/record.hpp"
#include "harness/records/result_wire.hpp"
#include "probes/sys/short_slice.hpp"
#include "probes/sys/timer_slack.hpp"
#include "harness/reports/junit_report.hpp"
#include "harness/reports/ktap_report.hpp"
#include "harness/reports/progress.hpp"
#include "harness/reports/summary.hpp"
#include "harness/reports/terminal.hpp"
#include "harness/targets/guest_parts.hpp"
#include "harness/targets/target_report.hpp"
#include "harness/targets/cpu_slots.hpp"
#include "harness/targets/target_results.hpp"
#include "harness/version.hpp"
#include "model/names.hpp"
#include "probes/running_kernel.hpp"

namespace clonediff::cli {
namespace {

// The cases a run takes: the catalogue(s), filtered, grouped and sharded.
// `scope` says which shard of how many selected cases, if sharded.
struct Selection {
  std::vector<harness::CatalogueCase> cases;  // emptied once the targets hold them, unless --list
  std::size_t selected = 0;                    // how many cases the run takes
  std::string scope;
};

// "'a'", or "'a' or 'b'": patterns as a message names them.
std::string pattern_list(const std::vector<std::string>& patterns) {
  std::string out;
  for (std::size_t i = 0; i < patterns.size(); ++i)
    out += (i == 0 ? "" : i + 1 == patterns.size() ? " or " : ", ") + ("'" + patterns[i] + "'");
  return out;
}

// The built-in catalogue (unless --no-builtin) and every --cases file.
Result<std::vector<harness::CatalogueCase>> load_cases(const RunOptions& o) {
  std::vector<harness::CatalogueCase> cases;
  if (!o.no_builtin) {
    auto builtin = harness::builtin_catalogue();
    if (!builtin) return make_error("built-in catalogue: " + builtin.error().message);
    cases = std::move(builtin).value();
  }
  const auto max_cases = static_cast<std::size_t>(o.max_cases);
  for (const std::string& file : o.cases) {
    if (cases.size() >= max_cases)
      return make_error("the catalogue holds more than " + std::to_string(max_cases) + " cases; see --max-cases");
    auto more = harness::load_catalogue_file(file, max_cases - cases.size());
    if (!more) return more.error();
    if (auto st = harness::merge_catalogue(cases, std::move(more).value()); !st) return st.error();
  }
  return cases;
}

Result<Selection> select_cases(const RunOptions& o) {
  auto loaded = load_cases(o);
  if (!loaded) return loaded.error();
  std::vector<harness::CatalogueCase> cases = std::move(loaded).value();
  if (o.context) {
    if (auto st = harness::take_context(cases, *o.context); !st) return st.error();
    if (cases.empty()) return make_error("no case runs in context '" + *o.context + "'");
  }
  if (cases.size() > static_cast<std::size_t>(o.max_cases)) {
    return make_error("the catalogue holds " + std::to_string(cases.size()) + " cases, more than " +
                      std::to_string(o.max_cases) + "; see --max-cases");
  }
  harness::keep_matching(cases, o.filters);
  if (cases.empty() && !o.filters.empty()) return make_error("no case id matches " + pattern_list(o.filters));
  harness::drop_matching(cases, o.excludes);
  if (cases.empty() && !o.excludes.empty())
    return make_error("every selected case matches --exclude " + pattern_list(o.excludes));
  if (cases.empty()) return make_error("no cases to run");
  harness::order_by_group(cases);
  Selection out;
  for (const std::string& text : o.shards) {
    const harness::Shard shard = *harness::parse_shard(text);  // checked when parsed
    const std::size_t selected = cases.size();
    const std::string which = std::to_string(shard.index) + "/" + std::to_string(shard.count);
    if (shard.count > 1) out.scope = "shard " + which + " of " + (out.scope.empty() ? std::to_string(selected) : out.scope);
    cases = harness::take_shard(std::move(cases), shard);
    if (cases.empty())
      return make_error("shard " + which + " holds none of the " + std::to_string(selected) + " selected cases");
  }
  out.selected = cases.size();
  out.cases = std::move(cases);
  return out;
}

// --allow-skip TARGET (repeatable): the targets of the plan, by the name
// reports use or as --target gave it, whose skipping every case (or not
// starting) the user expects. The implicit host of a run without --target is
// "host", kept as "".
Result<std::set<std::string>> allowed_skips(const RunOptions& o, const std::vector<PlannedTarget>& plan) {
  std::set<std::string> out;
  std::string names;
  for (const PlannedTarget& t : plan) names += (names.empty() ? "" : ", ") + (t.name.empty() ? "host" : t.name);
  for (const std::string& wanted : o.allow_skip) {
    bool found = false;
    for (const PlannedTarget& t : plan) {
      const bool named = t.name.empty() ? wanted == "host" : wanted == t.name || wanted == t.spec.spec;
      if (named) out.insert(t.name);
      found = found || named;
    }
    if (!found)
      return make_error("--allow-skip names '" + wanted + "', which is not a target of this run (targets: " + names + ")");
  }
  return out;
}

// Everything a run decides before its first case. Any problem is bad usage.
struct RunPlan {
  Selection selection;
  std::vector<PlannedTarget> targets;
  bool over_targets = false;
  std::set<std::string> allowed_skips;
  std::map<std::string, std::string> baseline_files;     // target -> file
  std::map<std::string, targets::Baseline> baselines;   // as read (not with --update-baselines)
  // With --update-baselines: the files as they were, where they could be read,
  // so that a line naming several ways survives while the run diverges one of them.
  std::map<std::string, targets::Baseline> previous_baselines;
};

Status check_report_options(const RunOptions& o) {
  if (o.list && (o.ktap || o.json || o.junit || o.results))
    return make_error("--list runs nothing: it takes no --json, --junit, --ktap or --results");
  const int on_stdout = (o.ktap ? 1 : 0) + (o.json == "-" ? 1 : 0) + (o.junit == "-" ? 1 : 0) + (o.results == "-" ? 1 : 0);
  if (on_stdout > 1) return make_error("only one of --ktap, --json -, --junit - and --results - can have standard output");
  return ok_status();
}

Result<RunPlan> plan_run(const RunOptions& o) {
  if (auto st = check_report_options(o); !st) return st.error();
  RunPlan plan;
  auto selection = select_cases(o);
  if (!selection) return selection.error();
  plan.selection = std::move(selection).value();
  auto targets = plan_targets(o, plan.selection.cases);
  if (!targets) return targets.error();
  plan.targets = std::move(targets).value();
  // Each target holds its copy; the selection's is not needed again.
  if (!o.list) std::vector<harness::CatalogueCase>().swap(plan.selection.cases);
  plan.over_targets = !o.targets.empty();
  auto allowed = allowed_skips(o, plan.targets);
  if (!allowed) return allowed.error();
  plan.allowed_skips = std::move(allowed).value();
  auto files = baseline_files(o, plan.targets);
  if (!files) return files.error();
  plan.baseline_files = std::move(files).value();
  if (o.update_baselines && plan.baseline_files.empty())
    return make_error("--update-baselines rewrites the files given with --baseline TARGET=FILE");
  if (!o.update_baselines) {  // a bad baseline file is bad usage, found before anything runs
    auto read = read_baselines(plan.baseline_files);
    if (!read) return read.error();
    plan.baselines = std::move(read).value();
  } else {
    for (const auto& [name, file] : plan.baseline_files)
      if (auto read = read_baselines({{name, file}}); read) plan.previous_baselines[name] = read->at(name);
  }
  return plan;
}

// A report named on the command line: "-" is standard output (shared by
// every report written there), else a file opened now, so that an unwritable
// path is a usage error before anything runs.
class Output {
 public:
  Status open(const std::optional<std::string>& path, CheckedOutput& standard_output) {
    if (!path) return ok_status();
    if (*path == "-") {
      stream_ = &standard_output.stream();
      on_stdout_ = true;
      return ok_status();
    }
    auto file = CheckedOutput::open(*path);
    if (!file) return file.error();
    file_ = std::move(file).value();
    stream_ = &file_->stream();
    return ok_status();
  }
  std::ostream* stream() const { return stream_; }
  bool on_stdout() const { return on_stdout_; }
  CheckedOutput* file() const { return file_.get(); }  // null for none or standard output

 private:
  std::unique_ptr<CheckedOutput> file_;
  std::ostream* stream_ = nullptr;
  bool on_stdout_ = false;
};

// One run: its targets' cases into every report, then the verdict.
class RunSession {
 public:
  // kernel: the profile cases are judged against; running_release: what the
  // records name as the kernel they ran on.
  RunSession(const RunOptions& o, const RunPlan& plan, model::Kernel kernel, std::string running_release)
      : o_(o), plan_(plan), kernel_(std::move(kernel)), running_release_(std::move(running_release)) {}

  Status open_outputs() {
    if (auto st = json_.open(o_.json, *stdout_); !st) return st;
    if (auto st = results_.open(o_.results, *stdout_); !st) return st;
    return junit_.open(o_.junit, *stdout_);
  }
  // Targets are independent of one another: the outer ones (kernels in
  // qemu, gVisor, qemu-user) start at once, each guest in a thread that only
  // starts its outer process and waits for it, while the host's cases run
  // here; at most one guest (or the host) per CPU this process may use runs
  // at a time. A kernel target with enough cases and CPUs to itself runs as
  // several guests, each a shard (targets/guest_parts.hpp). Results are taken
  // in plan order, as one after another.
  //
  // SIGINT, SIGTERM or SIGHUP (harness/engine/stop_signals.hpp) stops the
  // run between cases: the Runner kills and reaps its callers and releases
  // their leases, a target not started yet is not started, every report is
  // written with what ran and each case not run as an error, and the exit
  // status is 128 + the signal's number. An outer target already running is
  // killed (its program's whole group) within about 50 ms: its cases with
  // results keep their verdicts, the rest are errors.
  int run() {
    begin();
    targets::CpuSlots slots;
    const auto is_host = [](const PlannedTarget& t) { return t.spec.kind == targets::TargetKind::host; };
    const bool hosted = std::any_of(plan_.targets.begin(), plan_.targets.end(), is_host);
    // Declared first, gone last: a future waits for its thread as it goes.
    // An outer target runs as one guest or several (targets/guest_parts.hpp),
    // each in a thread of its own that takes a CPU (a kernel target's qemu
    // is kept there).
    std::vector<std::vector<std::future<targets::GuestPartRun>>> outer(plan_.targets.size());
    // The host's CPU, before any outer target takes it; never held while
    // this thread waits for an outer target, nor when it leaves.
    struct HostSlot {
      targets::CpuSlots& slots;
      targets::CpuSlots::Lease lease;
      void take() { if (!lease.held()) lease = slots.take(); }
      void give_back() { lease.give_back(); }
    } host_slot{slots, {}};
    if (hosted) host_slot.take();
    for (std::size_t i = 0; i < plan_.targets.size(); ++i) {
      if (is_host(plan_.targets[i])) continue;
      // The CPUs are shared among the run's targets: a target gets more than
      // one guest only where it has more than one CPU to itself.
      const std::size_t parts = targets::guest_count(plan_.targets[i].spec, plan_.targets[i].cases.size(),
                                                     slots.size() / plan_.targets.size());
      for (std::size_t part = 0; part < parts; ++part)
        outer[i].push_back(std::async(std::launch::async, [this, &slots, i, part, parts] {
          const targets::CpuSlots::Lease cpu = slots.take();
          targets::GuestPartRun out;
          if (harness::stop_signal() != 0) {
            out.why = "clonediff was stopped by " + model::signal_name(harness::stop_signal()) + " before it started";
            return out;
          }
          out.started = std::chrono::steady_clock::now();
          out.run = run_planned_target(plan_.targets[i], o_, std::chrono::milliseconds(o_.timeout_ms),
                                       target_timeout(), kernel_, part, parts, cpu.cpu());
          out.ended = std::chrono::steady_clock::now();
          return out;
        }));
    }
    for (std::size_t i = 0; i < plan_.targets.size(); ++i) {
      const PlannedTarget& t = plan_.targets[i];
      if (is_host(t)) {
        host_slot.take();
        if (harness::stop_signal() != 0)
          skip_target(t);
        else
          run_host(t);
        continue;
      }
      host_slot.give_back();
      std::vector<targets::GuestPartRun> parts;
      for (auto& part : outer[i]) parts.push_back(part.get());
      if (std::none_of(parts.begin(), parts.end(), [](const targets::GuestPartRun& p) { return p.run.has_value(); })) {
        skip_target(t);
      } else {
        const targets::TargetRun joined = targets::join_guest_runs(std::move(parts));
        take_outer(t, joined);
        // Killed by the stop: the run stops, as between cases.
        if (joined.stopped) stopped_by_ = harness::stop_signal();
      }
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
    progress_->clear();
    if (o_.update_baselines && !stopped_by_) update_baselines();
    const int status = finish(elapsed);
    if (results_.stream()) {
      std::string end;
      harness::append_results_end(end, done_);
      results_.stream()->write(end.data(), static_cast<std::streamsize>(end.size()));
    }
    // A report that did not reach its file or standard output fails the run.
    const int closed = close_outputs("run", {json_.file(), results_.file(), junit_.file(), stdout_.get()}, status);
    return stopped_by_ ? harness::stopped_exit_status(stopped_by_) : closed;
  }

 private:
  // Reports on stdout own it; the summary then goes to stderr.
  bool report_on_stdout() const { return o_.ktap || json_.on_stdout() || results_.on_stdout() || junit_.on_stdout(); }
  std::string where() const {
    return plan_.over_targets ? std::to_string(plan_.targets.size()) + " targets" : "Linux " + running_release_;
  }

  void begin();
  // `record`: the result's JSON record, made only where --json wants it.
  void take(const harness::CaseResult& r, const model::Kernel& judged,
            const std::function<json::Value()>& record, bool listed_by_target);
  void run_host(const PlannedTarget& t);
  json::Value host_record(const harness::CaseResult& r) const {
    json::Value record = harness::record_to_json(r, kernel_);
    record["kernel"] = running_release_;
    return record;
  }
  void take_outer(const PlannedTarget& t, const targets::TargetRun& ran);
  void take_not_run(harness::CaseList::const_iterator from,
                    harness::CaseList::const_iterator to);
  void skip_target(const PlannedTarget& t);
  std::optional<std::chrono::seconds> target_timeout() const {
    return o_.target_timeout_s ? std::optional(std::chrono::seconds(*o_.target_timeout_s)) : std::nullopt;
  }
  void update_baselines();
  int finish(std::chrono::duration<double> elapsed);
  void write_junit(std::chrono::duration<double> elapsed);
  std::string summary_text(std::chrono::duration<double> elapsed, const std::string& verdict_line, bool skips_allowed) const;
  bool coverage_wanted() const { return o_.coverage || o_.require_coverage; }

  const RunOptions& o_;
  const RunPlan& plan_;
  const model::Kernel kernel_;
  const std::string running_release_;
  std::unique_ptr<CheckedOutput> stdout_ = CheckedOutput::standard_output();
  Output json_, results_, junit_;
  std::string frame_;  // one --results frame, reused
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::optional<harness::KtapReport> ktap_;
  harness::JunitReport junit_report_;
  std::optional<harness::Progress> progress_;
  harness::RunSummary summary_;
  targets::TargetReport targets_;
  std::size_t done_ = 0;
  std::size_t not_run_ = 0;
  int stopped_by_ = 0;  // the signal that stopped the run, if one did
  std::vector<std::string> judged_lines_;  // each target's profile, for the KTAP trailer over targets
  explore::RunCoverage coverage_;          // --coverage, --require-coverage: the rules each case exercised
};

void RunSession::begin() {
  started_ = std::chrono::steady_clock::now();
  if (o_.ktap) {
    std::vector<harness::CatalogueCase> planned;
    for (const PlannedTarget& t : plan_.targets) planned.insert(planned.end(), t.cases.begin(), t.cases.end());
    const std::string& scope = plan_.selection.scope;
    ktap_.emplace(stdout_->stream(), planned);
    ktap_->diagnostics("clonediff run: " + std::to_string(plan_.selection.selected) + " cases" +
                       (scope.empty() ? "" : " (" + scope + ")") + " on " + where());
    ktap_->diagnostics(version_text());
    // Over targets, each target's profile is known once it ran: at the end.
    if (!plan_.over_targets) ktap_->diagnostics(harness::judged_against_text(kernel_));
  }
  const bool shown = harness::progress_wanted(report_on_stdout(), o_.quiet);
  std::size_t planned = 0;
  for (const PlannedTarget& t : plan_.targets) planned += t.cases.size();
  progress_.emplace(shown ? stderr : nullptr, planned, started_, harness::terminal_style_of(STDERR_FILENO).escapes);
  if (results_.stream()) {
    std::string header;
    harness::append_results_header(header, running_release_, kernel_);
    results_.stream()->write(header.data(), static_cast<std::streamsize>(header.size()));
  }
  // Every caller is forked from this process, and each case that creates a
  // child forks its caller: every page the caller inherits from here is a
  // page-table entry that each of those forks copies (dearer still under
  // qemu's TCG). The cases themselves are never inherited (case_list.hpp);
  // what planning freed (the KTAP plan's copy too) goes back to the system
  // before the first caller.
  ::malloc_trim(0);
}

// Every result goes to every report. The summary lists failures one by one,
// except what the target report lists its own way: an emulator's
// divergences, a failed target's cases without a record, every skip.
void RunSession::take(const harness::CaseResult& r, const model::Kernel& judged,
                      const std::function<json::Value()>& record, bool listed_by_target) {
  const bool over = plan_.over_targets;
  // A stopped run's cases not run are counted, not listed one by one.
  summary_.add(r, judged, (!over || (!listed_by_target && r.verdict != harness::Verdict::skip)) && !stopped_by_);
  if (over) targets_.add(r);
  if (coverage_wanted()) coverage_.add(r, judged, r.spec.target != "gvisor" && r.spec.target != "qemu-user");
  if (json_.stream()) *json_.stream() << json::dump(record()) << '\n';
  if (results_.stream()) {
    frame_.clear();
    harness::append_result_frame(frame_, r);
    results_.stream()->write(frame_.data(), static_cast<std::streamsize>(frame_.size()));
  }
  if (ktap_) ktap_->add(r, judged);
  if (junit_.stream()) junit_report_.add(r, judged);
  progress_->update(++done_, summary_.failed());
}

// The cases a stopped run did not reach: each an error in every report, so
// that each report stays whole and no verdict can pass; listed as a count.
void RunSession::take_not_run(harness::CaseList::const_iterator from,
                              harness::CaseList::const_iterator to) {
  stopped_by_ = harness::stop_signal();
  for (; from != to; ++from) {
    harness::CaseResult r;
    r.spec = *from;
    r.verdict = harness::Verdict::error;
    r.reason = "not run: clonediff was stopped by " + model::signal_name(stopped_by_);
    take(r, kernel_, [&] { return host_record(r); }, true);
    ++not_run_;
  }
}

// A target a stopped run did not start: every case of it not run.
void RunSession::skip_target(const PlannedTarget& t) {
  if (plan_.over_targets) targets_.begin(t.spec, t.name, plan_.allowed_skips.count(t.name) != 0);
  take_not_run(t.cases.begin(), t.cases.end());
  if (!plan_.over_targets) return;
  const std::string why = "clonediff was stopped by " + model::signal_name(stopped_by_);
  targets_.end(t.name, std::chrono::duration<double>(0), kernel_, "", "", targets::TargetRun::Status::not_started, why,
               {});
  judged_lines_.push_back(t.name + ": did not start: " + why);
}

void RunSession::run_host(const PlannedTarget& t) {
  // The host's cases are hand-overs between this thread, its callers and
  // their children (all created from here): a short slice each where the
  // kernel takes one (probes/sys/short_slice.hpp), and timed sleeps that end
  // when asked (probes/sys/timer_slack.hpp). The outer targets' threads
  // were started before and keep the defaults, as do qemu and runsc. Where
  // the kernel refuses, the defaults.
  (void)sys::request_short_slice();
  (void)sys::request_precise_timers();
  const auto target_started = std::chrono::steady_clock::now();
  if (plan_.over_targets) targets_.begin(t.spec, t.name, plan_.allowed_skips.count(t.name) != 0);
  {
    harness::Runner runner(kernel_, std::chrono::milliseconds(o_.timeout_ms));
    for (auto c = t.cases.begin(); c != t.cases.end(); ++c) {
      if (harness::stop_signal() != 0) {
        take_not_run(c, t.cases.end());
        break;
      }
      const harness::CaseResult r =
          runner.run(*c, harness::Fault::none, std::span(std::next(c), t.cases.end()));
      take(r, kernel_, [&] { return host_record(r); }, false);
    }
  }  // the Runner is gone: its callers killed and reaped, their leases released
  if (!plan_.over_targets) return;
  targets_.end(t.name, std::chrono::steady_clock::now() - target_started, kernel_, running_release_, "",
               targets::TargetRun::Status::ran, "", {});
  judged_lines_.push_back(t.name + ": " + harness::judged_against_text(kernel_));
}

void RunSession::take_outer(const PlannedTarget& t, const targets::TargetRun& ran) {
  const bool skip_allowed = plan_.allowed_skips.count(t.name) != 0;
  targets_.begin(t.spec, t.name, skip_allowed);
  if (auto b = plan_.baselines.find(t.name); b != plan_.baselines.end())
    targets_.set_baseline(t.name, plan_.baseline_files.at(t.name), b->second);
  const bool emulator = targets::is_emulator(t.spec.kind);
  // gVisor and qemu-user stand in for this kernel: judged against its profile.
  const targets::JudgedTarget judged =
      targets::judge_target(t.cases, ran, emulator ? std::optional<model::Kernel>(kernel_) : std::nullopt, skip_allowed);
  // A target that failed or did not start says why once (below), not once
  // per case it left without a record.
  const bool no_run = ran.status != targets::TargetRun::Status::ran;
  for (const harness::CaseResult& r : judged.results) {
    take(r, judged.profile, [&] { return targets::target_record(r, judged); },
         emulator || (no_run && !r.live && !r.predicted));
    // Killed by a stop before its record came: not run, as on the host.
    if (ran.stopped && r.verdict == harness::Verdict::error && r.reason.starts_with(targets::kNotRunPrefix)) ++not_run_;
  }
  targets_.end(t.name, ran.elapsed, judged.profile, judged.reported_kernel, ran.implementation, ran.status, ran.reason,
               judged.notes);
  judged_lines_.push_back(t.name + ": " + (ran.status == targets::TargetRun::Status::not_started
                                                ? "did not start: " + ran.reason.substr(0, ran.reason.find('\n'))
                                                : harness::judged_against_text(judged.profile)));
}

void RunSession::update_baselines() {
  for (const auto& [name, file] : plan_.baseline_files) {
    // A target that did not run to the end has no divergences to record.
    if (targets_.status(name) != targets::TargetRun::Status::ran) {
      targets_.baseline_not_written(name, "the target did not run to the end");
      std::fprintf(stderr, "clonediff run: %s: %s not rewritten: the target did not run to the end\n", name.c_str(),
                   file.c_str());
      continue;
    }
    targets::Baseline now = targets_.as_baseline(name);
    if (auto before = plan_.previous_baselines.find(name); before != plan_.previous_baselines.end())
      now.entries = targets::keeping_allowed_ways(before->second.entries, now.entries);
    if (auto st = write_baseline(file, now, name); !st) {
      targets_.baseline_not_written(name, st.error().message);
      std::fprintf(stderr, "clonediff run: %s\n", st.error().message.c_str());
      continue;
    }
    std::fprintf(stderr, "clonediff run: %s: wrote %zu divergences to %s\n", name.c_str(), now.entries.size(),
                 file.c_str());
    targets_.set_baseline(name, file, now);
  }
}

void RunSession::write_junit(std::chrono::duration<double> elapsed) {
  harness::JunitReport::Properties properties = {{"kernel", running_release_}};
  if (!plan_.selection.scope.empty()) properties.emplace_back("scope", plan_.selection.scope);
  if (plan_.over_targets) {
    std::string names;
    for (const PlannedTarget& t : plan_.targets) names += (names.empty() ? "" : ",") + t.name;
    properties.emplace_back("targets", names);
  }
  junit_report_.write(*junit_.stream(), elapsed, properties);
}

// The text summary, without its verdict line; --quiet keeps only the cases
// listed one by one.
std::string RunSession::summary_text(std::chrono::duration<double> elapsed, const std::string& verdict_line,
                                     bool skips_allowed) const {
  const std::string& scope = plan_.selection.scope;
  if (o_.quiet) {
    std::string listed = summary_.listed_text() +
                         (plan_.over_targets ? targets_.failures_text() + targets_.divergences_text() : "");
    while (listed.starts_with('\n')) listed.erase(0, 1);
    return listed.empty() ? "" : listed + "\n";
  }
  if (!plan_.over_targets) {
    const std::string text = summary_.text(kernel_, elapsed, scope, skips_allowed);
    return text.substr(0, text.size() - verdict_line.size());
  }
  char head[300];
  std::snprintf(head, sizeof head, "clonediff run: %zu cases%s%s%s on %s in %.2f s\n", plan_.selection.selected,
                scope.empty() ? "" : " (", scope.c_str(), scope.empty() ? "" : ")", where().c_str(), elapsed.count());
  return std::string(head) + version_text() + "\n\n" + targets_.table() + "\n" + summary_.details() +
         targets_.failures_text() + targets_.divergences_text() + targets_.skips_text() +
         (targets_.baselines_text().empty() ? "" : "\n" + targets_.baselines_text()) + "\n";
}

// One verdict for every report: the text summary, the KTAP trailer, the
// target table, and the exit status.
int RunSession::finish(std::chrono::duration<double> elapsed) {
  const bool over = plan_.over_targets;
  const harness::RunVerdict verdict = over ? targets_.verdict() : summary_.verdict();
  const bool skips_allowed = over ? targets_.skips_allowed() : plan_.allowed_skips.count("") != 0;
  const std::string verdict_line = over ? targets_.verdict_line(elapsed, summary_.counts_text())
                                        : summary_.verdict_line(elapsed, skips_allowed);
  const std::string stopped =
      stopped_by_ ? "clonediff run: stopped by " + model::signal_name(stopped_by_) + ": " + std::to_string(not_run_) +
                        " of " + std::to_string(done_) + " cases not run (each an error)"
                  : "";
  if (ktap_) {
    ktap_->finish();
    if (stopped_by_) ktap_->diagnostics(stopped);
    for (const std::string& l : judged_lines_) ktap_->diagnostics(l);
    ktap_->diagnostics(harness::ktap_totals(summary_) + "\nclonediff run: " + verdict_line);
  }
  if (junit_.stream()) write_junit(elapsed);
  const bool on_stderr = report_on_stdout();
  const harness::TerminalStyle style = harness::terminal_style_of(on_stderr ? STDERR_FILENO : STDOUT_FILENO);
  const std::string text = summary_text(elapsed, verdict_line, skips_allowed) +
                           harness::coloured_verdict_line(verdict_line, verdict, style);
  if (on_stderr) std::fputs(text.c_str(), stderr);
  else stdout_->stream() << text;
  if (stopped_by_) std::fprintf(stderr, "%s\n", stopped.c_str());
  if (coverage_wanted()) {
    std::string lines = coverage_.text();
    const auto missing = coverage_.missing();
    const bool short_of_coverage = o_.require_coverage && !missing.empty();
    if (short_of_coverage) {
      lines += "\nFAIL: rules reachable here that no case decided (--require-coverage):\n";
      for (const std::string& m : missing) lines += "  " + m + "\n";
    }
    if (on_stderr) std::fputs(lines.c_str(), stderr);
    else stdout_->stream() << lines;
    if (short_of_coverage && verdict != harness::RunVerdict::fail) return kExitMismatch;
  }
  return harness::run_exit_status(verdict, skips_allowed, o_.ktap);
}

}  // namespace

int run_command(const RunOptions& o) {
  if (!o.list)
    if (auto st = harness::watch_stop_signals(); !st) return usage_error("run", st.error().message);
  auto plan = plan_run(o);
  if (!plan) return usage_error("run", plan.error().message);
  if (o.list) {
    auto out = CheckedOutput::standard_output();
    for (const harness::CatalogueCase& c : plan->selection.cases) out->stream() << c.id << '\n';
    return close_outputs("run", {out.get()}, kExitMatch);
  }
  if (::geteuid() != 0)
    return usage_error("run", "needs root: it builds caller contexts and compares tasks with kcmp (uid " +
                                  std::to_string(::geteuid()) + ")");
  // The profile to judge against: the running kernel's, or --kernel K's (a
  // guest under gVisor or qemu-user is given the host's). Records name the
  // running release in "kernel" either way.
  auto running = probes::running_kernel();
  if (!running) return usage_error("run", running.error().message);
  auto kernel = o.kernel ? model::parse_kernel_spec(*o.kernel) : model::modelled_kernel(*running);
  if (!kernel) return usage_error("run", (o.kernel ? "--kernel: " : "") + kernel.error().message);
  // What runs killed by SIGKILL left behind (harness/engine/lease_owner.hpp).
  for (const std::string& failed : harness::reclaim_dead_leases().failed)
    std::fprintf(stderr, "clonediff run: cannot reclaim %s, left by a run that is gone\n", failed.c_str());
  RunSession session(o, *plan, *kernel, running->release);
  if (auto st = session.open_outputs(); !st) return usage_error("run", st.error().message);
  return session.run();
}

}  // namespace clonediff::cli
