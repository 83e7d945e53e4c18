// clonediff kernels [--markdown]: the model's kernel history, every versioned
// fact by the release that changed it (model/history.hpp).
#include <cstdio>

#include "harness/cli/commands.hpp"
#include "model/history.hpp"

namespace clonediff::cli {

int kernels_command(const KernelsOptions& options) {
  const std::string text = options.markdown ? model::history_markdown() : model::history_text();
  std::fputs(text.c_str(), stdout);
  return kExitMatch;
}

}  // namespace clonediff::cli
