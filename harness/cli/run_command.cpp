#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "probes/sys/printable.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/cli/target_plan.hpp"
#include "harness/reports/junit_report.hpp"
#include "harness/reports/ktap_report.hpp"
#include "harness/reports/progress.hpp"
#include "harness/records/record.hpp"
#include "harness/engine/runner.hpp"
#include "probes/running_kernel.hpp"
#include "harness/case/selection.hpp"
#include "harness/reports/summary.hpp"
#include "harness/targets/target_report.hpp"
#include "harness/targets/target_results.hpp"

namespace clonediff::cli {
namespace {

// The cases a run takes: the catalogue(s), filtered, grouped and sharded.
// `scope` says which shard of how many selected cases, if sharded.
struct Selection {
  std::vector<harness::CatalogueCase> cases;
  std::string scope;
};

Result<Selection> select_cases(const Options& opts) {
  harness::Shard shard;
  if (auto s = opts.value("--shard")) {
    auto parsed = harness::parse_shard(*s);
    if (!parsed) return parsed.error();
    shard = *parsed;
  }
  std::size_t max_cases = harness::kDefaultMaxCases;
  if (auto m = opts.value("--max-cases")) {
    unsigned long long n = 0;
    const auto [end, ec] = std::from_chars(m->data(), m->data() + m->size(), n);
    if (m->empty() || ec != std::errc() || end != m->data() + m->size() || n == 0 || n > 100'000'000)
      return make_error("--max-cases takes a number of cases from 1 to 100000000, not '" + sys::escaped(*m) + "'");
    max_cases = static_cast<std::size_t>(n);
  }
  std::vector<harness::CatalogueCase> cases;
  if (!opts.has("--no-builtin")) {
    auto builtin = harness::builtin_catalogue();
    if (!builtin) return make_error("built-in catalogue: " + builtin.error().message);
    cases = std::move(builtin).value();
  }
  if (opts.has("--cases"))
    for (const std::string& file : opts.values.at("--cases")) {
      if (cases.size() >= max_cases)
        return make_error("the catalogue holds more than " + std::to_string(max_cases) + " cases; see --max-cases");
      auto more = harness::load_catalogue_file(file, max_cases - cases.size());
      if (!more) return more.error();
      if (auto st = harness::merge_catalogue(cases, std::move(more).value()); !st) return st.error();
    }
  if (auto context = opts.value("--context")) {
    if (auto st = harness::take_context(cases, *context); !st) return st.error();
    if (cases.empty()) return make_error("no case runs in context '" + *context + "'");
  }
  if (cases.size() > max_cases)
    return make_error("the catalogue holds " + std::to_string(cases.size()) + " cases, more than " +
                      std::to_string(max_cases) + "; see --max-cases");
  if (auto pattern = opts.value("--filter")) {
    harness::keep_matching(cases, *pattern);
    if (cases.empty()) return make_error("no case id matches '" + *pattern + "'");
  }
  if (cases.empty()) return make_error("no cases to run");
  harness::order_by_group(cases);
  Selection out;
  if (shard.count > 1) {
    const std::size_t selected = cases.size();
    out.scope = "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + " of " +
                std::to_string(selected);
    cases = harness::take_shard(std::move(cases), shard);
    if (cases.empty())
      return make_error("shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                        " holds none of the " + std::to_string(selected) + " selected cases");
  }
  out.cases = std::move(cases);
  return out;
}

// The largest timeouts taken: a day per case, a day per target.
constexpr long long kMostTimeoutMs = 24LL * 3600 * 1000;
constexpr long long kMostTargetTimeoutS = 24LL * 3600;

// --allow-skip TARGET (repeatable): the targets of the plan, by the name
// reports use or as --target gave it, whose skipping every case (or not
// starting) the user expects. The implicit host of a run without --target is
// "host", kept as "".
Result<std::set<std::string>> allowed_skips(const Options& opts, const std::vector<PlannedTarget>& plan) {
  std::set<std::string> out;
  if (!opts.has("--allow-skip")) return out;
  std::string names;
  for (const PlannedTarget& t : plan) names += (names.empty() ? "" : ", ") + (t.name.empty() ? "host" : t.name);
  for (const std::string& wanted : opts.values.at("--allow-skip")) {
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

// An output named on the command line: "-" is stdout, else a file opened now,
// so that an unwritable path is a usage error before anything runs.
class Output {
 public:
  Status open(const std::optional<std::string>& path) {
    if (!path) return ok_status();
    if (*path == "-") {
      stream_ = &std::cout;
      return ok_status();
    }
    file_.open(*path, std::ios::trunc);
    if (!file_) return make_error("cannot write '" + *path + "'");
    stream_ = &file_;
    return ok_status();
  }
  std::ostream* stream() const { return stream_; }
  bool on_stdout() const { return stream_ == &std::cout; }

 private:
  std::ofstream file_;
  std::ostream* stream_ = nullptr;
};

}  // namespace

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "clonediff %s: %s\n", command.c_str(), message.c_str());
  return kExitUsage;
}

int run_command(const std::vector<std::string>& args) {
  auto opts = parse_options(args, {{"--json"}, {"--cases", true, true}, {"--no-builtin", false}, {"--filter"},
                                   {"--timeout"}, {"--ktap", false}, {"--junit"}, {"--shard"}, {"--list", false},
                                   {"--context"}, {"--target", true, true}, {"--baseline", true, true},
                                   {"--update-baselines", false}, {"--target-timeout"}, {"--max-cases"}, {"--allow-skip", true, true},
                                   {"--kernel"}});
  if (!opts) return usage_error("run", opts.error().message);
  if (!opts->positional.empty()) return usage_error("run", "unexpected argument '" + opts->positional[0] + "'");
  const bool ktap = opts->has("--ktap");
  if (opts->has("--list") && (ktap || opts->has("--json") || opts->has("--junit")))
    return usage_error("run", "--list runs nothing: it takes no --json, --junit or --ktap");
  const int on_stdout = (ktap ? 1 : 0) + (opts->value("--json") == "-" ? 1 : 0) + (opts->value("--junit") == "-" ? 1 : 0);
  if (on_stdout > 1) return usage_error("run", "only one of --ktap, --json - and --junit - can have standard output");

  // Bounded so that a deadline of now + timeout is always representable.
  std::chrono::milliseconds timeout{5000};
  if (auto t = opts->value("--timeout")) {
    auto ms = parse_bounded("--timeout", *t, 1, kMostTimeoutMs, "milliseconds");
    if (!ms) return usage_error("run", ms.error().message);
    timeout = std::chrono::milliseconds{*ms};
  }
  std::optional<std::chrono::seconds> target_timeout;
  if (auto t = opts->value("--target-timeout")) {
    auto s = parse_bounded("--target-timeout", *t, 1, kMostTargetTimeoutS, "seconds");
    if (!s) return usage_error("run", s.error().message);
    target_timeout = std::chrono::seconds{*s};
  }

  auto selection = select_cases(*opts);
  if (!selection) return usage_error("run", selection.error().message);
  const std::vector<harness::CatalogueCase>& cases = selection->cases;
  auto plan = plan_targets(*opts, cases);
  if (!plan) return usage_error("run", plan.error().message);
  const bool over_targets = opts->has("--target");
  auto allowed = allowed_skips(*opts, *plan);
  if (!allowed) return usage_error("run", allowed.error().message);
  auto baselines = baseline_files(*opts, *plan);
  if (!baselines) return usage_error("run", baselines.error().message);
  if (opts->has("--update-baselines") && baselines->empty())
    return usage_error("run", "--update-baselines rewrites the files given with --baseline TARGET=FILE");
  // Baselines are read before anything runs: a bad file is a usage error.
  std::map<std::string, targets::Baseline> known;
  if (!opts->has("--update-baselines")) {
    auto read = read_baselines(*baselines);
    if (!read) return usage_error("run", read.error().message);
    known = std::move(read).value();
  }
  if (opts->has("--list")) {
    for (const harness::CatalogueCase& c : cases) std::cout << c.id << '\n';
    std::cout.flush();
    return kExitMatch;
  }

  if (::geteuid() != 0)
    return usage_error("run", "needs root: it builds caller contexts and compares tasks with kcmp (uid " +
                                  std::to_string(::geteuid()) + ")");
  // The profile to judge against: the running kernel's, or --kernel K's (a
  // guest under gVisor or qemu-user is given the host's). Records name the
  // running release in "kernel" either way.
  auto running = probes::running_kernel();
  if (!running) return usage_error("run", running.error().message);
  auto kernel = opts->value("--kernel") ? model::parse_kernel_spec(*opts->value("--kernel"))
                                        : model::modelled_kernel(*running);
  if (!kernel) return usage_error("run", (opts->value("--kernel") ? "--kernel: " : "") + kernel.error().message);
  const auto host_record = [&](const harness::CaseResult& r) {
    json::Value j = harness::record_to_json(r, *kernel);
    j.set("kernel", running->release);
    return j;
  };

  Output json, junit;
  if (auto st = json.open(opts->value("--json")); !st) return usage_error("run", st.error().message);
  if (auto st = junit.open(opts->value("--junit")); !st) return usage_error("run", st.error().message);
  // Reports on stdout own it; the summary then goes to stderr.
  const bool report_on_stdout = ktap || json.on_stdout() || junit.on_stdout();

  std::vector<harness::CatalogueCase> planned;
  for (const PlannedTarget& t : *plan) planned.insert(planned.end(), t.cases.begin(), t.cases.end());
  const std::string where = over_targets ? std::to_string(plan->size()) + " targets" : "Linux " + running->release;

  const auto started = std::chrono::steady_clock::now();
  std::optional<harness::KtapReport> ktap_report;
  if (ktap) {
    ktap_report.emplace(std::cout, planned);
    ktap_report->diagnostics("clonediff run: " + std::to_string(cases.size()) + " cases" +
                             (selection->scope.empty() ? "" : " (" + selection->scope + ")") + " on " + where);
    // Over targets, each target's profile is known once it ran: at the end.
    if (!over_targets) ktap_report->diagnostics(harness::judged_against_text(*kernel));
  }
  harness::JunitReport junit_report;
  harness::Progress progress(harness::progress_wanted(report_on_stdout) ? stderr : nullptr, planned.size(), started);
  harness::RunSummary summary;
  targets::TargetReport report;
  std::size_t done = 0;
  // Every result goes to every report. The summary lists failures one by one,
  // except what the target report lists its own way: an emulator's
  // divergences, a failed target's cases without a record, every skip.
  const auto take = [&](const harness::CaseResult& r, const model::Kernel& judged, const json::Value& record,
                        bool listed_by_target) {
    summary.add(r, judged, !over_targets || (!listed_by_target && r.verdict != harness::Verdict::skip));
    if (over_targets) report.add(r);
    if (json.stream()) *json.stream() << json::dump(record) << '\n';
    if (ktap_report) ktap_report->add(r, judged);
    if (junit.stream()) junit_report.add(r, judged);
    progress.update(++done, summary.failed());
  };

  // Each target's profile, for the KTAP trailer of a run over targets.
  std::vector<std::string> judged_lines;
  for (const PlannedTarget& t : *plan) {
    const auto target_started = std::chrono::steady_clock::now();
    const bool skip_allowed = allowed->count(t.name) != 0;
    if (over_targets) {
      report.begin(t.spec, t.name, skip_allowed);
      if (auto b = known.find(t.name); b != known.end()) report.set_baseline(t.name, baselines->at(t.name), b->second);
    }
    if (t.spec.kind == targets::TargetKind::host) {
      harness::Runner runner(*kernel, timeout);
      for (const harness::CatalogueCase& c : t.cases) {
        const harness::CaseResult r = runner.run(c);
        take(r, *kernel, host_record(r), false);
      }
      if (over_targets) {
        report.end(t.name, std::chrono::steady_clock::now() - target_started, *kernel, running->release, "",
                   targets::TargetRun::Status::ran, "", {});
        judged_lines.push_back(t.name + ": " + harness::judged_against_text(*kernel));
      }
      continue;
    }
    const targets::TargetRun ran = run_planned_target(t, *opts, timeout, target_timeout, *kernel);
    const bool emulator = targets::is_emulator(t.spec.kind);
    // gVisor and qemu-user stand in for this kernel: judged against its profile.
    const targets::JudgedTarget judged = targets::judge_target(
        t.cases, ran, emulator ? std::optional<model::Kernel>(*kernel) : std::nullopt, skip_allowed);
    // A target that failed or did not start says why once (below), not once
    // per case it left without a record.
    const bool no_run = ran.status != targets::TargetRun::Status::ran;
    for (const harness::CaseResult& r : judged.results)
      take(r, judged.profile, targets::target_record(r, judged), emulator || (no_run && !r.run && !r.predicted));
    report.end(t.name, ran.elapsed, judged.profile, judged.reported_kernel, ran.implementation, ran.status, ran.reason,
               judged.notes);
    judged_lines.push_back(t.name + ": " + (ran.status == targets::TargetRun::Status::not_started
                                                ? "did not start: " + ran.reason.substr(0, ran.reason.find('\n'))
                                                : harness::judged_against_text(judged.profile)));
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  progress.clear();
  if (json.stream()) json.stream()->flush();

  if (opts->has("--update-baselines"))
    for (const auto& [name, file] : *baselines) {
      // A target that did not run to the end has no divergences to record.
      if (report.status(name) != targets::TargetRun::Status::ran) {
        report.baseline_not_written(name, "the target did not run to the end");
        std::fprintf(stderr, "clonediff run: %s: %s not rewritten: the target did not run to the end\n", name.c_str(),
                     file.c_str());
        continue;
      }
      const targets::Baseline now = report.as_baseline(name);
      if (auto st = write_baseline(file, now, name); !st) {
        report.baseline_not_written(name, st.error().message);
        std::fprintf(stderr, "clonediff run: %s\n", st.error().message.c_str());
        continue;
      }
      std::fprintf(stderr, "clonediff run: %s: wrote %zu divergences to %s\n", name.c_str(), now.entries.size(),
                   file.c_str());
      report.set_baseline(name, file, now);
    }

  // One verdict for every report: the text summary, the KTAP trailer, the
  // target table, and the exit status.
  const harness::RunVerdict verdict = over_targets ? report.verdict() : summary.verdict();
  const bool skips_allowed = over_targets ? report.skips_allowed() : allowed->count("") != 0;
  const std::string verdict_line = over_targets ? report.verdict_line(elapsed, summary.counts_text())
                                                : summary.verdict_line(elapsed, skips_allowed);
  if (ktap_report) {
    ktap_report->finish();
    for (const std::string& l : judged_lines) ktap_report->diagnostics(l);
    ktap_report->diagnostics(harness::ktap_totals(summary) + "\nclonediff run: " + verdict_line);
    std::cout.flush();
  }
  if (junit.stream()) {
    harness::JunitReport::Properties properties = {{"kernel", running->release}};
    if (!selection->scope.empty()) properties.emplace_back("scope", selection->scope);
    if (over_targets) {
      std::string names;
      for (const PlannedTarget& t : *plan) names += (names.empty() ? "" : ",") + t.name;
      properties.emplace_back("targets", names);
    }
    junit_report.write(*junit.stream(), elapsed, properties);
  }
  std::string text;
  if (!over_targets) {
    text = summary.text(*kernel, elapsed, selection->scope, skips_allowed);
  } else {
    char head[300];
    std::snprintf(head, sizeof head, "clonediff run: %zu cases%s%s%s on %s in %.2f s\n\n", cases.size(),
                  selection->scope.empty() ? "" : " (", selection->scope.c_str(), selection->scope.empty() ? "" : ")",
                  where.c_str(), elapsed.count());
    text = std::string(head) + report.table() + "\n" + summary.details() + report.failures_text() +
           report.divergences_text() +
           report.skips_text() + (report.baselines_text().empty() ? "" : "\n" + report.baselines_text()) + "\n" +
           verdict_line;
  }
  std::fputs(text.c_str(), report_on_stdout ? stderr : stdout);
  return harness::run_exit_status(verdict, skips_allowed, ktap);
}

}  // namespace clonediff::cli
