#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "harness/catalogue.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/junit_report.hpp"
#include "harness/ktap_report.hpp"
#include "harness/progress.hpp"
#include "harness/record.hpp"
#include "harness/runner.hpp"
#include "harness/running_kernel.hpp"
#include "harness/selection.hpp"
#include "harness/summary.hpp"

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
  std::vector<harness::CatalogueCase> cases;
  if (!opts.has("--no-builtin")) {
    auto builtin = harness::builtin_catalogue();
    if (!builtin) return make_error("built-in catalogue: " + builtin.error().message);
    cases = std::move(builtin).value();
  }
  if (opts.has("--cases"))
    for (const std::string& file : opts.values.at("--cases")) {
      auto more = harness::load_catalogue_file(file);
      if (!more) return more.error();
      if (auto st = harness::merge_catalogue(cases, std::move(more).value()); !st) return st.error();
    }
  if (auto context = opts.value("--context")) {
    if (auto st = harness::take_context(cases, *context); !st) return st.error();
    if (cases.empty()) return make_error("no case runs in context '" + *context + "'");
  }
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
                                   {"--timeout"}, {"--ktap", false}, {"--junit"}, {"--shard"}, {"--list", false}, {"--context"}});
  if (!opts) return usage_error("run", opts.error().message);
  if (!opts->positional.empty()) return usage_error("run", "unexpected argument '" + opts->positional[0] + "'");
  const bool ktap = opts->has("--ktap");
  if (opts->has("--list") && (ktap || opts->has("--json") || opts->has("--junit")))
    return usage_error("run", "--list runs nothing: it takes no --json, --junit or --ktap");
  const int on_stdout = (ktap ? 1 : 0) + (opts->value("--json") == "-" ? 1 : 0) + (opts->value("--junit") == "-" ? 1 : 0);
  if (on_stdout > 1) return usage_error("run", "only one of --ktap, --json - and --junit - can have standard output");

  std::chrono::milliseconds timeout{5000};
  if (auto t = opts->value("--timeout")) {
    char* end = nullptr;
    const long ms = std::strtol(t->c_str(), &end, 10);
    if (t->empty() || *end != '\0' || ms <= 0) return usage_error("run", "--timeout takes milliseconds, not '" + *t + "'");
    timeout = std::chrono::milliseconds{ms};
  }

  auto selection = select_cases(*opts);
  if (!selection) return usage_error("run", selection.error().message);
  const std::vector<harness::CatalogueCase>& cases = selection->cases;
  if (opts->has("--list")) {
    for (const harness::CatalogueCase& c : cases) std::cout << c.id << '\n';
    std::cout.flush();
    return kExitMatch;
  }

  if (::geteuid() != 0)
    return usage_error("run", "needs root: it builds caller contexts and compares tasks with kcmp (uid " +
                                  std::to_string(::geteuid()) + ")");
  auto kernel = harness::running_kernel();
  if (!kernel) return usage_error("run", kernel.error().message);

  Output json, junit;
  if (auto st = json.open(opts->value("--json")); !st) return usage_error("run", st.error().message);
  if (auto st = junit.open(opts->value("--junit")); !st) return usage_error("run", st.error().message);
  // Reports on stdout own it; the summary then goes to stderr.
  const bool report_on_stdout = ktap || json.on_stdout() || junit.on_stdout();

  const auto started = std::chrono::steady_clock::now();
  std::optional<harness::KtapReport> ktap_report;
  if (ktap) {
    ktap_report.emplace(std::cout, cases);
    ktap_report->diagnostics("clonediff run: " + std::to_string(cases.size()) + " cases" +
                             (selection->scope.empty() ? "" : " (" + selection->scope + ")") + " on Linux " +
                             kernel->release);
  }
  harness::JunitReport junit_report;
  harness::Progress progress(harness::progress_wanted(report_on_stdout) ? stderr : nullptr, cases.size(), started);
  harness::Runner runner(*kernel, timeout);
  harness::RunSummary summary;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const harness::CaseResult r = runner.run(cases[i]);
    summary.add(r, *kernel);
    if (json.stream()) *json.stream() << json::dump(harness::record_to_json(r, *kernel)) << '\n';
    if (ktap_report) ktap_report->add(r, *kernel);
    if (junit.stream()) junit_report.add(r, *kernel);
    progress.update(i + 1, summary.failed());
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  progress.clear();
  if (json.stream()) json.stream()->flush();
  if (ktap_report) {
    ktap_report->finish();
    ktap_report->diagnostics(harness::ktap_totals(summary) + "\nclonediff run: " + summary.verdict_line(elapsed));
    std::cout.flush();
  }
  if (junit.stream()) {
    harness::JunitReport::Properties properties = {{"kernel", kernel->release}};
    if (!selection->scope.empty()) properties.emplace_back("scope", selection->scope);
    junit_report.write(*junit.stream(), elapsed, properties);
  }
  std::fputs(summary.text(*kernel, elapsed, selection->scope).c_str(), report_on_stdout ? stderr : stdout);
  return ktap ? harness::kselftest_exit_status(summary) : summary.exit_status();
}

}  // namespace clonediff::cli
