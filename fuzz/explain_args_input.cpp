#include "fuzz/fuzz_inputs.hpp"

#include <string>
#include <vector>

#include "harness/cli/command_line.hpp"
#include "harness/cli/commands.hpp"

namespace clonediff::fuzz {

// More arguments than any explain takes.
constexpr std::size_t kMostArguments = 32;

void explain_args(std::string_view input) {
  std::vector<std::string> args = {"explain"};
  for (std::size_t at = 0; at <= input.size() && args.size() <= kMostArguments;) {
    const std::size_t nl = input.find('\n', at);
    args.emplace_back(input.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  cli::CommandLine line;
  if (!line.parse(args) || line.printed() || line.command() != cli::Command::explain) return;
  if (line.explain.kernel_history) return;  // prints the history: no input reaches it
  (void)cli::explain_text(line.explain);
}

}  // namespace clonediff::fuzz
