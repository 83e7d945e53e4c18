// clonediff contexts: the caller contexts, what each is, and whether this
// machine can build it. "Can" is found by trying, as `run` does: a fork-like
// clone (flags 0) runs in a caller of each context, and the caller either
// reports its facts (yes), says which step of its recipe this machine
// refuses (no, with that reason), or fails (the harness's failure, exit 1).
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "harness/cli/checked_output.hpp"
#include "harness/case/context_option.hpp"
#include "harness/cli/commands.hpp"
#include "harness/engine/lease_owner.hpp"
#include "harness/engine/runner.hpp"
#include "harness/engine/stop_signals.hpp"
#include "model/caller.hpp"
#include "model/context_changes.hpp"
#include "model/names.hpp"
#include "probes/running_kernel.hpp"

namespace clonediff::cli {
namespace {

// A case whose only purpose is that its context's caller be built.
harness::CatalogueCase trial_case(std::string_view context) {
  harness::CatalogueCase c;
  c.context = std::string(context);
  c.suite = "contexts";
  c.id = c.context + "/contexts/can-be-built";
  c.request = model::Request{model::Entry::clone, 0, model::kSigchld};
  return c;
}

struct Answer {
  std::string word;  // "yes", "no", "error"
  std::string why;
};

Answer try_context(harness::Runner& runner, std::string_view name) {
  const harness::CaseResult r = runner.run(trial_case(name));
  const std::string prefix = "context '" + std::string(name) + "' cannot be built here: ";
  switch (r.verdict) {
    case harness::Verdict::skip:
      return {"no", r.reason.starts_with(prefix) ? r.reason.substr(prefix.size()) : r.reason};
    case harness::Verdict::error: return {"error", r.reason};
    default: return {"yes", ""};  // the caller was built; what the call did is run's business
  }
}

std::string what_of(std::string_view name) {
  for (const model::CallerContext& c : model::caller_contexts())
    if (c.name == name) return std::string(c.builds);
  // A changed context: its preset's caller, then the changes its name lists.
  if (const auto spec = model::parse_context_name(name); spec && spec->preset != name)
    return what_of(spec->preset) + "; then " + std::string(name.substr(spec->preset.size() + 1));
  return "(not in the model's table)";
}

// The contexts to list: the presets, or those asked for (canonical names).
Result<std::vector<std::string>> contexts_to_list(const ContextsOptions& options) {
  std::vector<std::string> names;
  if (options.contexts.empty()) {
    for (std::string_view n : model::caller_preset_names()) names.emplace_back(n);
    return names;
  }
  for (const std::string& asked : options.contexts) {
    auto name = harness::parse_context_option(asked);
    if (!name) return name.error();
    names.push_back(*name);
  }
  return names;
}

}  // namespace

int contexts_command(const ContextsOptions& options) {
  const auto listed = contexts_to_list(options);
  if (!listed) return usage_error("contexts", listed.error().message);
  const std::vector<std::string>& names = *listed;
  auto out = CheckedOutput::standard_output();
  if (options.names) {
    for (const std::string& n : names) out->stream() << n << '\n';
    return close_outputs("contexts", {out.get()}, kExitMatch);
  }
  const bool can_try = ::geteuid() == 0;
  // Stopped by SIGINT, SIGTERM or SIGHUP between two contexts, as run is.
  if (auto st = harness::watch_stop_signals(); !st) return usage_error("contexts", st.error().message);
  auto kernel = probes::running_kernel();
  if (!kernel) return usage_error("contexts", kernel.error().message);
  if (can_try)
    for (const std::string& f : harness::reclaim_dead_leases().failed)
      std::fprintf(stderr, "clonediff contexts: cannot reclaim %s, left by a run that is gone\n", f.c_str());
  if (can_try)
    out->print("clonediff contexts: %zu caller contexts, each tried on Linux %s (a caller started as run starts "
               "one)\n\n",
               names.size(), kernel->release.c_str());
  else
    out->print("clonediff contexts: %zu caller contexts; none tried: trying builds each one, which needs root (uid "
               "%u)\n\n",
               names.size(), ::geteuid());
  auto runner = std::make_unique<harness::Runner>(*kernel, std::chrono::milliseconds(options.timeout_ms));
  std::size_t no = 0, failed = 0;
  for (const std::string& name : names) {
    if (const int sig = harness::stop_signal()) {
      runner.reset();  // its callers killed and reaped, their leases released
      out->print("\nstopped by %s\n", model::signal_name(sig).c_str());
      (void)close_outputs("contexts", {out.get()}, kExitMatch);
      return harness::stopped_exit_status(sig);
    }
    const Answer a = can_try ? try_context(*runner, name) : Answer{"not tried", ""};
    no += a.word == "no";
    failed += a.word == "error";
    out->print("  %-30.*s %s%s%s\n      %s\n", static_cast<int>(name.size()), name.data(), a.word.c_str(),
               a.why.empty() ? "" : ": ", a.why.c_str(), what_of(name).c_str());
  }
  if (can_try)
    out->print("\n%zu can be built here, %zu cannot%s\n", names.size() - no - failed, no,
               failed ? (", " + std::to_string(failed) + " could not be tried (the harness failed)").c_str() : "");
  if (options.contexts.empty())
    out->print("any of them takes changes: capabilities dropped, a user namespace with no map, a full descriptor "
               "table,\nas JSON ('{\"preset\":\"unpriv\",\"userns\":\"unmapped\"}') or by canonical name "
               "(unpriv+userns_unmapped);\n`clonediff contexts CONTEXT...` tries those (cases/README.cases.md)\n");
  return close_outputs("contexts", {out.get()}, failed ? kExitMismatch : kExitMatch);
}

}  // namespace clonediff::cli
