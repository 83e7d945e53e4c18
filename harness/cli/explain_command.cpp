#include <cstdio>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/json.hpp"
#include "harness/record.hpp"
#include "harness/running_kernel.hpp"
#include "model/explain.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::cli {

int explain_command(const std::vector<std::string>& args) {
  auto opts = parse_options(args, {{"--entry"}, {"--context"}, {"--exit-signal"}});
  if (!opts) return usage_error("explain", opts.error().message);
  if (opts->positional.size() > 1) return usage_error("explain", "one FLAGS argument, e.g. 'CLONE_VM|CLONE_FS'");

  model::Request request;
  if (auto e = opts->value("--entry")) {
    auto entry = model::parse_entry(*e);
    if (!entry) return usage_error("explain", entry.error().message);
    request.entry = *entry;
  }
  if (opts->positional.empty()) {
    if (request.entry == model::Entry::clone) return usage_error("explain", "missing FLAGS (write 0 for none)");
  } else {
    auto flags = model::parse_flags(opts->positional[0]);
    if (!flags) return usage_error("explain", flags.error().message);
    request.flags = *flags;
  }
  if (auto s = opts->value("--exit-signal")) {
    auto sig = model::parse_signal(*s);
    if (!sig || *sig < 0) return usage_error("explain", "bad --exit-signal '" + *s + "'");
    request.exit_signal = static_cast<std::uint64_t>(*sig);
  }

  json::Value context = "root";
  if (auto c = opts->value("--context")) {
    if (!c->empty() && c->front() == '{') {
      auto parsed = json::parse(*c);
      if (!parsed) return usage_error("explain", "--context: " + parsed.error().message);
      context = std::move(parsed).value();
    } else {
      context = *c;
    }
  }
  auto caller = harness::caller_from_json(context);
  if (!caller) return usage_error("explain", caller.error().message);
  auto kernel = harness::running_kernel();
  if (!kernel) return usage_error("explain", kernel.error().message);

  auto prediction = model::predict(request, *caller, *kernel);
  if (!prediction) return usage_error("explain", prediction.error().message);
  std::fputs(model::explain(request, *caller, *kernel, *prediction).c_str(), stdout);
  return kExitMatch;
}

}  // namespace clonediff::cli
