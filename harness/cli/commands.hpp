// The clonediff commands. Each takes its parsed options (command_line.hpp)
// and returns the process exit status: 0 all matched, 1 something did not
// match, 2 bad usage or input.
#pragma once

#include "harness/cli/command_line.hpp"

namespace clonediff::cli {

int run_command(const RunOptions& options);
int explore_command(const ExploreOptions& options);
int explain_command(const ExplainOptions& options);
// What explain prints for a request (not --kernel-history), or why it cannot.
Result<std::string> explain_text(const ExplainOptions& options);
int check_command(const CheckOptions& options);
int diff_command(const DiffOptions& options);
int contexts_command(const ContextsOptions& options);
int kernels_command(const KernelsOptions& options);

}  // namespace clonediff::cli
