// clonediff explore: model-guided random cases, run live, each divergence
// shrunk to one catalogue line (harness/explore/). On the running kernel in
// this process, or on targets: each target runs `clonediff explore` itself
// (the static build, as a kernel's init or under an emulator) and sends its
// report back as one JSON line.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/cli/checked_output.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/target_plan.hpp"
#include "harness/engine/lease_owner.hpp"
#include "harness/engine/runner.hpp"
#include "harness/engine/stop_signals.hpp"
#include "harness/explore/coverage.hpp"
#include "harness/explore/explore_report.hpp"
#include "harness/explore/explorer.hpp"
#include "harness/explore/generator.hpp"
#include "harness/explore/signature.hpp"
#include "harness/reports/summary.hpp"
#include "harness/targets/baseline.hpp"
#include "harness/targets/target.hpp"
#include "model/names.hpp"
#include "probes/running_kernel.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::cli {
namespace {

constexpr long long kMostBudgetMs = 24LL * 3600 * 1000;
// Shrinking after the budget: at most this long in all, a minute per finding.
constexpr std::chrono::seconds kShrinkTotal{180};
constexpr std::chrono::seconds kShrinkEach{60};

// "60s", "2m", "1500ms", "90" (seconds): from 1 ms to a day.
Result<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string unit = text.substr(digits);
  long long scale = 0;
  if (unit.empty() || unit == "s") scale = 1000;
  else if (unit == "ms") scale = 1;
  else if (unit == "m") scale = 60 * 1000;
  else if (unit == "h") scale = 3600 * 1000;
  const auto bad = make_error("--budget takes a duration from 1ms to 24h such as 60s, 2m or 1500ms, not '" + text + "'");
  if (digits == 0 || digits > 12 || scale == 0) return bad;
  const long long ms = std::stoll(text.substr(0, digits)) * scale;
  if (ms < 1 || ms > kMostBudgetMs) return bad;
  return std::chrono::milliseconds{ms};
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The divergences a baseline file shows, as signatures judged against `kernel`.
Result<std::set<std::string>> known_from_baseline(const std::string& file, const model::Kernel& kernel) {
  auto text = sys::read_text_file(file, "baseline");
  if (!text) return text.error();
  auto baseline = targets::parse_baseline(*text, file);
  if (!baseline) return baseline.error();
  auto catalogue = harness::builtin_catalogue();
  if (!catalogue) return make_error("built-in catalogue: " + catalogue.error().message);
  std::vector<std::pair<std::string, std::string>> entries;
  for (const targets::BaselineEntry& e : baseline->entries) entries.emplace_back(e.id, e.divergence);
  return explore::known_signatures(entries, *catalogue, kernel);
}

// What one explore takes, host or target.
struct Plan {
  std::uint64_t seed = 0;
  std::optional<std::chrono::milliseconds> budget;
  std::optional<std::size_t> cases;
  std::vector<std::string> contexts;
  std::chrono::milliseconds timeout{5000};
  std::size_t max_shrunk = 32;
};

// A terminal's progress line: cases, divergent, time (nothing off a terminal).
class ExploreProgress {
 public:
  explicit ExploreProgress(const Plan& plan) : plan_(plan), on_(::isatty(STDERR_FILENO) == 1) {}
  void update(std::size_t done, std::size_t divergent) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const double s = std::chrono::duration<double>(now - started_).count();
    std::fprintf(stderr, "\rclonediff explore: %zu cases, %zu divergent, %.1f s%s   ", done, divergent, s,
                 plan_.budget ? (" of " + fixed(static_cast<double>(plan_.budget->count()) / 1000, 0) + " s").c_str() : "");
    std::fflush(stderr);
  }
  void clear() {
    if (drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }

 private:
  const Plan& plan_;
  bool on_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

// Explores here, in this process, against `kernel`.
explore::ExploreReport explore_here(const Plan& plan, const model::Kernel& kernel, const std::set<std::string>& known,
                                    bool show_progress) {
  auto space = explore::space_of_contexts(plan.contexts, kernel.pid_max);
  explore::GeneratorOptions go;
  go.seed = plan.seed;
  go.kernel = kernel;
  go.space = *space;  // checked by the caller
  explore::Generator generator(go);
  harness::Runner runner(kernel, plan.timeout);
  explore::ExploreOptions eo;
  eo.budget = plan.budget;
  eo.cases = plan.cases;
  eo.known = known;
  eo.max_shrunk = plan.max_shrunk;
  eo.shrink.max_time = kShrinkEach;
  eo.shrink_total = kShrinkTotal;
  eo.stopped = [] { return harness::stop_signal() != 0; };
  eo.shrink.stopped = eo.stopped;
  ExploreProgress progress(plan);
  if (show_progress) eo.progress = [&](std::size_t done, std::size_t divergent) { progress.update(done, divergent); };
  const explore::ExploreResult result =
      explore::explore(generator, [&](const harness::CatalogueCase& c) { return runner.run(c); }, eo);
  progress.clear();
  const explore::Reachability reach = explore::probe_reachability(kernel);
  return explore::make_report(result, plan.seed, kernel, reach, result.unbuildable);
}

// The command a target runs: this explore, judged there against its own
// kernel (a kernel target) or against this one's profile (an emulator, which
// stands in for it), with the baseline's divergences known.
std::vector<std::string> guest_command(const Plan& plan, const std::optional<model::Kernel>& judge,
                                       const std::optional<std::string>& baseline) {
  std::vector<std::string> args = {"explore", "--seed", std::to_string(plan.seed), "--timeout",
                                   std::to_string(plan.timeout.count()), "--max-shrunk",
                                   std::to_string(plan.max_shrunk)};
  if (plan.budget) args.insert(args.end(), {"--budget", std::to_string(plan.budget->count()) + "ms"});
  if (plan.cases) args.insert(args.end(), {"--cases", std::to_string(*plan.cases)});
  for (const std::string& c : plan.contexts) args.insert(args.end(), {"--context", c});
  if (judge) args.insert(args.end(), {"--kernel", model::kernel_spec(*judge)});
  if (baseline) args.insert(args.end(), {"--baseline-file", *baseline});
  return args;
}

// One target's outcome: its report, or why there is none.
struct TargetOutcome {
  std::string name;
  std::optional<explore::ExploreReport> report;
  std::string failure;  // the target did not start or did not finish
  double seconds = 0;   // wall time, boot included
};

TargetOutcome explore_on(const targets::TargetSpec& spec, const Plan& plan, const model::Kernel& here,
                         const std::optional<std::string>& baseline, std::optional<std::chrono::seconds> timeout) {
  TargetOutcome out;
  out.name = targets::target_name(spec);
  const bool emulator = targets::is_emulator(spec.kind);
  targets::GuestSelection guest;
  guest.case_timeout = plan.timeout;
  guest.command = guest_command(plan, emulator ? std::optional<model::Kernel>(here) : std::nullopt, baseline);
  // The budget, the shrinking after it, a boot under TCG.
  const auto budget_s = plan.budget ? std::chrono::duration_cast<std::chrono::seconds>(*plan.budget).count() : 0;
  const auto cases_s = plan.cases ? static_cast<long long>(*plan.cases) / 5 : 0;
  const std::chrono::seconds bound =
      timeout.value_or(std::chrono::seconds(budget_s + cases_s + kShrinkTotal.count() + kShrinkEach.count() + 180));
  const targets::TargetRun ran = run_guest(spec, guest, bound);
  out.seconds = ran.elapsed.count();
  if (ran.status != targets::TargetRun::Status::ran) {
    out.failure = ran.status == targets::TargetRun::Status::not_started ? "did not start: " + ran.reason : ran.reason;
    return out;
  }
  for (const json::Value& record : ran.records) {
    auto report = explore::report_from_json(record);
    if (!report) continue;
    out.report = std::move(report).value();
    out.report->target = out.name;
  }
  if (!out.report)
    out.failure = "sent no explore report" + (ran.log.empty() ? std::string() : "; its last lines:\n" + targets::log_tail(ran.log));
  return out;
}

std::string table(const std::vector<TargetOutcome>& outcomes) {
  std::string out;
  char line[512];
  std::size_t width = 6;
  for (const TargetOutcome& t : outcomes) width = std::max(width, t.name.size());
  std::snprintf(line, sizeof line, "  %-*s %8s %9s %8s %8s %5s %8s  %s\n", static_cast<int>(width), "target", "cases",
                "cases/s", "rules", "diverge", "new", "time", "verdict");
  out += line;
  for (const TargetOutcome& t : outcomes) {
    if (!t.report) {
      std::snprintf(line, sizeof line, "  %-*s %8s %9s %8s %8s %5s %6.1f s  FAIL (%s)\n", static_cast<int>(width),
                    t.name.c_str(), "-", "-", "-", "-", "-", t.seconds, t.failure.substr(0, t.failure.find('\n')).c_str());
      out += line;
      continue;
    }
    const explore::ExploreReport& r = *t.report;
    std::size_t diverged = 0;
    for (const explore::FindingReport& f : r.findings) diverged += f.cases;
    const std::string rules = std::to_string(r.decided_rules()) + "/" + std::to_string(r.reachable_rules());
    std::snprintf(line, sizeof line, "  %-*s %8zu %9.1f %8s %8zu %5zu %6.1f s  %s\n", static_cast<int>(width),
                  t.name.c_str(), r.cases, r.cases_per_second(), rules.c_str(), diverged, r.new_findings(), t.seconds,
                  r.passes() ? "PASS" : "FAIL");
    out += line;
  }
  return out;
}

// The plan the options describe (the seed is the current time unless given).
Result<Plan> plan_of(const ExploreOptions& o) {
  Plan plan;
  // Printed, so the run can be repeated.
  plan.seed = o.seed ? static_cast<std::uint64_t>(*o.seed) : static_cast<std::uint64_t>(std::time(nullptr));
  if (o.budget) {
    auto d = parse_duration(*o.budget);
    if (!d) return d.error();
    plan.budget = *d;
  }
  if (o.cases) plan.cases = static_cast<std::size_t>(*o.cases);
  if (!plan.budget && !plan.cases) plan.budget = std::chrono::seconds(60);
  plan.timeout = std::chrono::milliseconds{o.timeout_ms};
  plan.max_shrunk = static_cast<std::size_t>(o.max_shrunk);
  plan.contexts = o.contexts;
  if (auto space = explore::space_of_contexts(plan.contexts, 0); !space) return space.error();
  return plan;
}

Result<std::vector<targets::TargetSpec>> targets_of(const ExploreOptions& o) {
  std::vector<targets::TargetSpec> specs;
  for (const std::string& text : o.targets) {
    auto spec = targets::parse_target(text);
    if (!spec) return spec.error();
    for (const targets::TargetSpec& before : specs)
      if (targets::target_name(before) == targets::target_name(*spec))
        return make_error("target '" + targets::target_name(*spec) + "' given twice");
    specs.push_back(*spec);
  }
  if (o.baseline_file && !specs.empty())
    return make_error("--baseline-file is for a run without --target (what a target is given); use --baseline T=FILE");
  return specs;
}

// The emulators' baselines by target name, as absolute paths (an emulator
// runs in a directory of its own), each read once to check it.
Result<std::map<std::string, std::string>> baselines_of(const ExploreOptions& o,
                                                        const std::vector<targets::TargetSpec>& specs,
                                                        const model::Kernel& kernel) {
  std::map<std::string, std::string> baselines;
  for (const std::string& b : o.baselines) {
    const auto eq = b.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == b.size()) return make_error("--baseline takes TARGET=FILE");
    const std::string name = b.substr(0, eq);
    bool emulator = false;
    for (const targets::TargetSpec& s : specs)
      if (targets::target_name(s) == name) emulator = targets::is_emulator(s.kind);
    if (!emulator) return make_error("--baseline names '" + name + "', which is not a gvisor or qemu-user --target of this run");
    std::error_code ec;
    const auto path = std::filesystem::absolute(b.substr(eq + 1), ec);
    baselines[name] = ec ? b.substr(eq + 1) : path.string();
  }
  for (const auto& [name, file] : baselines)
    if (auto read = known_from_baseline(file, kernel); !read) return read.error();
  return baselines;
}

// The profile to judge against: --kernel K's, or the running kernel's
// (refused below the modelled range, as run refuses it).
Result<model::Kernel> kernel_of(const ExploreOptions& o) {
  if (o.kernel) {
    auto k = model::parse_kernel_spec(*o.kernel);
    if (!k) return make_error("--kernel: " + k.error().message);
    return k;
  }
  auto running = probes::running_kernel();
  if (!running) return running.error();
  return model::modelled_kernel(*running);
}

std::string scope_text(const Plan& plan) {
  const std::string what = plan.cases ? std::to_string(*plan.cases) + " cases" : "";
  const std::string budget =
      plan.budget ? fixed(static_cast<double>(plan.budget->count()) / 1000, 1) + " s" : std::string();
  return budget + (budget.empty() || what.empty() ? "" : " or ") + what;
}

// Explores here only: the report, and its verdict as the exit status.
int explore_host_only(const Plan& plan, const model::Kernel& kernel, const std::set<std::string>& known,
                      std::ostream* json, std::ostream& text, bool show_progress) {
  text << "clonediff explore: seed " << plan.seed << ", " << scope_text(plan) << " on Linux " << kernel.release << "\n"
       << harness::judged_against_text(kernel) << "\n\n"
       << std::flush;
  explore::ExploreReport report = explore_here(plan, kernel, known, show_progress);
  report.target = "host";
  if (json) *json << json::dump(explore::report_to_json(report)) << '\n' << std::flush;
  text << explore::report_text(report) << "\n" << explore::report_verdict_line(report) << "\n";
  return report.passes() ? kExitMatch : kExitMismatch;
}

// Explores on each target in turn: a table, each target's report, one verdict.
int explore_over_targets(const Plan& plan, const model::Kernel& kernel, const std::vector<targets::TargetSpec>& specs,
                         const std::map<std::string, std::string>& baselines,
                         std::optional<std::chrono::seconds> target_timeout, std::ostream* json, std::ostream& text_out,
                         bool show_progress) {
  text_out << "clonediff explore: seed " << plan.seed << ", " << scope_text(plan) << " on " << specs.size()
           << " targets\n\n"
           << std::flush;
  std::vector<TargetOutcome> outcomes;
  for (const targets::TargetSpec& spec : specs) {
    const auto started = std::chrono::steady_clock::now();
    if (spec.kind == targets::TargetKind::host) {
      TargetOutcome t;
      t.name = "host";
      t.report = explore_here(plan, kernel, {}, show_progress);
      t.report->target = "host";
      t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      outcomes.push_back(std::move(t));
    } else {
      const auto b = baselines.find(targets::target_name(spec));
      outcomes.push_back(explore_on(spec, plan, kernel,
                                    b == baselines.end() ? std::nullopt : std::optional<std::string>(b->second),
                                    target_timeout));
    }
    if (json && outcomes.back().report) *json << json::dump(explore::report_to_json(*outcomes.back().report)) << '\n' << std::flush;
  }
  bool pass = true;
  std::string text = table(outcomes);
  for (const TargetOutcome& t : outcomes) {
    text += "\n" + t.name + ": ";
    if (!t.report) {
      text += "FAIL: " + t.failure + "\n";
      pass = false;
      continue;
    }
    const auto b = baselines.find(t.name);
    text += "seed " + std::to_string(t.report->seed) + ", Linux " + t.report->kernel_release + "; " + t.report->judged +
            (b == baselines.end() ? "" : "; baseline " + b->second) + "\n" + explore::report_text(*t.report) +
            explore::report_verdict_line(*t.report) + "\n";
    pass = pass && t.report->passes();
  }
  text_out << text << "\n"
           << (pass ? "PASS: no target diverged beyond what its baseline shows" : "FAIL: a target diverged, or did not finish")
           << "\n";
  return pass ? kExitMatch : kExitMismatch;
}

}  // namespace

int explore_command(const ExploreOptions& o) {
  auto plan = plan_of(o);
  if (!plan) return usage_error("explore", plan.error().message);
  auto specs = targets_of(o);
  if (!specs) return usage_error("explore", specs.error().message);
  auto kernel = kernel_of(o);
  if (!kernel) return usage_error("explore", kernel.error().message);
  auto baselines = baselines_of(o, *specs, *kernel);
  if (!baselines) return usage_error("explore", baselines.error().message);
  std::set<std::string> known;
  if (const auto& file = o.baseline_file) {
    auto read = known_from_baseline(*file, *kernel);
    if (!read) return usage_error("explore", read.error().message);
    known = std::move(read).value();
  }
  if (::geteuid() != 0)
    return usage_error("explore", "needs root: it builds caller contexts and compares tasks with kcmp (uid " +
                                      std::to_string(::geteuid()) + ")");
  // Every output checked (checked_output.hpp); a report on stdout owns it,
  // and the text then goes to stderr.
  std::unique_ptr<CheckedOutput> json_out;
  if (const auto& path = o.json) {
    if (*path == "-") {
      json_out = CheckedOutput::standard_output();
    } else {
      auto opened = CheckedOutput::open(*path);
      if (!opened) return usage_error("explore", opened.error().message);
      json_out = std::move(opened).value();
    }
  }
  std::unique_ptr<CheckedOutput> text_out;
  if (!json_out || !json_out->is_standard_output()) text_out = CheckedOutput::standard_output();
  std::ostream& text = text_out ? text_out->stream() : std::cerr;
  std::ostream* json = json_out ? &json_out->stream() : nullptr;
  // SIGINT, SIGTERM, SIGHUP stop the exploring between cases (as they stop
  // run): what was found so far is reported, and the Runner releases its
  // leases. Leases of runs that are gone are reclaimed first.
  if (auto st = harness::watch_stop_signals(); !st) return usage_error("explore", st.error().message);
  for (const std::string& f : harness::reclaim_dead_leases().failed)
    std::fprintf(stderr, "clonediff explore: cannot reclaim %s, left by a run that is gone\n", f.c_str());
  std::optional<std::chrono::seconds> target_timeout;
  if (o.target_timeout_s) target_timeout = std::chrono::seconds{*o.target_timeout_s};
  const bool show_progress = text_out != nullptr;
  const int verdict = specs->empty()
                          ? explore_host_only(*plan, *kernel, known, json, text, show_progress)
                          : explore_over_targets(*plan, *kernel, *specs, *baselines, target_timeout, json, text,
                                                 show_progress);
  const int closed = close_outputs("explore", {json_out.get(), text_out.get()}, verdict);
  if (const int stop = harness::stop_signal(); stop != 0) {
    std::fprintf(stderr, "clonediff explore: stopped by %s\n", model::signal_name(stop).c_str());
    return harness::stopped_exit_status(stop);
  }
  return closed;
}

}  // namespace clonediff::cli
