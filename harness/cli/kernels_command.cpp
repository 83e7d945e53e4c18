// clonediff kernels [--markdown]: the model's kernel history, every versioned
// fact by the release that changed it (model/history.hpp).
#include <cstdio>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "model/history.hpp"

namespace clonediff::cli {

int kernels_command(const std::vector<std::string>& args) {
  auto opts = parse_options(args, {{"--markdown", false}});
  if (!opts) return usage_error("kernels", opts.error().message);
  if (!opts->positional.empty()) return usage_error("kernels", "takes no arguments");
  const std::string text = opts->has("--markdown") ? model::history_markdown() : model::history_text();
  std::fputs(text.c_str(), stdout);
  return kExitMatch;
}

}  // namespace clonediff::cli
