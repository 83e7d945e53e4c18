#include <algorithm>
#include <cstdio>

#include "harness/case/catalogue.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/kernel_option.hpp"
#include "harness/cli/options.hpp"
#include "harness/records/json.hpp"
#include "harness/records/record.hpp"
#include "model/explain.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::cli {

namespace {
// Request options that explain shares with catalogue lines: --set-tid is set_tid=.
constexpr const char* kRequestOptions[] = {"--size", "--stack", "--tls", "--set-tid", "--set-tid-size",
                                           "--cgroup", "--tail", "--pidfd"};
}  // namespace

int explain_command(const std::vector<std::string>& args) {
  std::vector<OptionSpec> specs = {{"--entry"}, {"--context"}, {"--exit-signal"}, {"--kernel"}, {"--kernel-history", false}};
  for (const char* o : kRequestOptions) specs.push_back({o});
  auto opts = parse_options(args, specs);
  if (!opts) return usage_error("explain", opts.error().message);
  if (opts->has("--kernel-history")) {
    if (args.size() != 1) return usage_error("explain", "--kernel-history takes no other argument");
    return kernels_command({});
  }
  if (opts->positional.size() > 1) return usage_error("explain", "one FLAGS argument, e.g. 'CLONE_VM|CLONE_FS'");

  harness::CatalogueCase spec;
  model::Request& request = spec.request;
  if (auto e = opts->value("--entry")) {
    auto entry = model::parse_entry(*e);
    if (!entry) return usage_error("explain", entry.error().message);
    request.entry = *entry;
  }
  if (opts->positional.empty()) {
    if (request.entry == model::Entry::clone || request.entry == model::Entry::clone3)
      return usage_error("explain", "missing FLAGS (write 0 for none)");
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
  for (const char* o : kRequestOptions)
    if (auto v = opts->value(o)) {
      std::string key = std::string(o).substr(2);
      std::replace(key.begin(), key.end(), '-', '_');
      if (auto st = harness::apply_case_option(spec, key, *v); !st) return usage_error("explain", st.error().message);
    }
  if (auto valid = model::validate(request); !valid) return usage_error("explain", valid.error().message);

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
  auto kernel = kernel_option(*opts);
  if (!kernel) return usage_error("explain", kernel.error().message);

  auto prediction = model::predict(request, *caller, *kernel);
  if (!prediction) return usage_error("explain", prediction.error().message);
  std::fputs(model::explain(request, *caller, *kernel, *prediction).c_str(), stdout);
  return kExitMatch;
}

}  // namespace clonediff::cli
