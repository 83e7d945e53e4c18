#include <fnmatch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "harness/catalogue.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/record.hpp"
#include "harness/runner.hpp"
#include "harness/running_kernel.hpp"
#include "harness/summary.hpp"

namespace clonediff::cli {

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "clonediff %s: %s\n", command.c_str(), message.c_str());
  return kExitUsage;
}

int run_command(const std::vector<std::string>& args) {
  auto opts = parse_options(args, {{"--json"}, {"--cases", true, true}, {"--no-builtin", false},
                                   {"--filter"}, {"--timeout"}});
  if (!opts) return usage_error("run", opts.error().message);
  if (!opts->positional.empty()) return usage_error("run", "unexpected argument '" + opts->positional[0] + "'");

  std::chrono::milliseconds timeout{5000};
  if (auto t = opts->value("--timeout")) {
    char* end = nullptr;
    const long ms = std::strtol(t->c_str(), &end, 10);
    if (t->empty() || *end != '\0' || ms <= 0) return usage_error("run", "--timeout takes milliseconds, not '" + *t + "'");
    timeout = std::chrono::milliseconds{ms};
  }

  std::vector<harness::CatalogueCase> cases;
  if (!opts->has("--no-builtin")) {
    auto builtin = harness::builtin_catalogue();
    if (!builtin) return usage_error("run", "built-in catalogue: " + builtin.error().message);
    cases = std::move(builtin).value();
  }
  if (opts->has("--cases"))
    for (const std::string& file : opts->values.at("--cases")) {
      auto more = harness::load_catalogue_file(file);
      if (!more) return usage_error("run", more.error().message);
      if (auto st = harness::merge_catalogue(cases, std::move(more).value()); !st) return usage_error("run", st.error().message);
    }
  if (auto pattern = opts->value("--filter")) {
    std::erase_if(cases, [&](const harness::CatalogueCase& c) { return ::fnmatch(pattern->c_str(), c.id.c_str(), 0) != 0; });
    if (cases.empty()) return usage_error("run", "no case id matches '" + *pattern + "'");
  }
  if (cases.empty()) return usage_error("run", "no cases to run");
  if (::geteuid() != 0)
    return usage_error("run", "needs root: it builds caller contexts and compares tasks with kcmp (uid " +
                                  std::to_string(::geteuid()) + ")");

  auto kernel = harness::running_kernel();
  if (!kernel) return usage_error("run", kernel.error().message);

  std::ofstream json_file;
  std::ostream* json = nullptr;
  if (auto path = opts->value("--json")) {
    if (*path == "-") {
      json = &std::cout;
    } else {
      json_file.open(*path, std::ios::trunc);
      if (!json_file) return usage_error("run", "cannot write '" + *path + "'");
      json = &json_file;
    }
  }

  const auto started = std::chrono::steady_clock::now();
  harness::Runner runner(*kernel, timeout);
  harness::RunSummary summary;
  for (const harness::CatalogueCase& c : cases) {
    const harness::CaseResult r = runner.run(c);
    summary.add(r, *kernel);
    if (json) *json << json::dump(harness::record_to_json(r, *kernel)) << '\n';
  }
  if (json) json->flush();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  // With --json - the records own stdout; the summary goes to stderr.
  std::FILE* out = json == &std::cout ? stderr : stdout;
  std::fputs(summary.text(*kernel, elapsed).c_str(), out);
  return summary.exit_status();
}

}  // namespace clonediff::cli
