// clonediff explain FLAGS: the model's prediction for one request, rule by
// rule, with the rule that decides it.
#include <cstdio>

#include "harness/case/catalogue.hpp"
#include "harness/cli/checked_output.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/kernel_option.hpp"
#include "harness/records/json.hpp"
#include "harness/records/record.hpp"
#include "model/explain.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::cli {
namespace {

// The request the options describe; clone3's struct takes the catalogue's
// options (--set-tid is set_tid=).
Result<model::Request> request_of(const ExplainOptions& o) {
  harness::CatalogueCase spec;
  model::Request& request = spec.request;
  if (o.entry) {
    auto entry = model::parse_entry(*o.entry);
    if (!entry) return entry.error();
    request.entry = *entry;
  }
  if (o.flags.empty()) {
    if (request.entry == model::Entry::clone || request.entry == model::Entry::clone3 ||
        request.entry == model::Entry::glibc_clone)
      return make_error("missing FLAGS (write 0 for none)");
  } else {
    auto flags = model::parse_flags(o.flags[0]);
    if (!flags) return flags.error();
    request.flags = *flags;
  }
  if (o.exit_signal) {
    auto sig = model::parse_exit_signal_value(*o.exit_signal);
    if (!sig) return make_error("--exit-signal: " + sig.error().message);
    request.exit_signal = *sig;
  }
  for (const auto& [key, value] : o.request_options())
    if (auto st = harness::apply_case_option(spec, key, value); !st) return st.error();
  if (auto valid = model::validate(request); !valid) return valid.error();
  return request;
}

// --context: a preset's name or a JSON object of facts over one.
Result<model::Caller> caller_of(const std::optional<std::string>& context) {
  json::Value value = "root";
  if (context) {
    if (!context->empty() && context->front() == '{') {
      auto parsed = json::parse(*context);
      if (!parsed) return make_error("--context: " + parsed.error().message);
      value = std::move(parsed).value();
    } else {
      value = *context;
    }
  }
  return harness::caller_from_json(value);
}

}  // namespace

Result<std::string> explain_text(const ExplainOptions& options) {
  auto request = request_of(options);
  if (!request) return request.error();
  auto caller = caller_of(options.context);
  if (!caller) return caller.error();
  auto kernel = kernel_option(options.kernel);
  if (!kernel) return kernel.error();
  auto prediction = model::predict(*request, *caller, *kernel);
  if (!prediction) return prediction.error();
  return model::explain(*request, *caller, *kernel, *prediction);
}

int explain_command(const ExplainOptions& options) {
  if (options.kernel_history) {
    if (!options.flags.empty() || options.entry || options.context || options.exit_signal || options.kernel ||
        !options.request_options().empty())
      return usage_error("explain", "--kernel-history takes no other argument");
    return kernels_command(KernelsOptions{});
  }
  auto text = explain_text(options);
  if (!text) return usage_error("explain", text.error().message);
  auto out = CheckedOutput::standard_output();
  out->stream() << *text;
  return close_outputs("explain", {out.get()}, kExitMatch);
}

}  // namespace clonediff::cli
