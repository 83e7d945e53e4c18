// clonediff kernels [--markdown]: the model's kernel history, every versioned
// fact by the release that changed it (model/history.hpp).
#include "harness/cli/checked_output.hpp"
#include "harness/cli/commands.hpp"
#include "model/history.hpp"

namespace clonediff::cli {

int kernels_command(const KernelsOptions& options) {
  const std::string text = options.markdown ? model::history_markdown() : model::history_text();
  auto out = CheckedOutput::standard_output();
  out->stream() << text;
  return close_outputs("kernels", {out.get()}, kExitMatch);
}

}  // namespace clonediff::cli
