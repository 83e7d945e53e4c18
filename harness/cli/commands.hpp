// The clonediff subcommands. Each takes its arguments (after the subcommand
// name) and returns the process exit status: 0 all matched, 1 something did
// not match, 2 bad usage or input.
#pragma once

#include <string>
#include <vector>

namespace clonediff::cli {

inline constexpr int kExitMatch = 0;
inline constexpr int kExitMismatch = 1;
inline constexpr int kExitUsage = 2;

int run_command(const std::vector<std::string>& args);
int explain_command(const std::vector<std::string>& args);
int check_command(const std::vector<std::string>& args);
int diff_command(const std::vector<std::string>& args);
int kernels_command(const std::vector<std::string>& args);

// "clonediff <cmd>: <message>" on stderr; returns kExitUsage.
int usage_error(const std::string& command, const std::string& message);

}  // namespace clonediff::cli
