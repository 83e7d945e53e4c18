// clonediff: differential tests of Linux process creation against a
// reference model of the kernel's copy_process().
#include <cstdio>
#include <string>
#include <vector>

#include "harness/cli/checked_output.hpp"
#include "harness/cli/command_line.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/guest_init.hpp"

int main(int argc, char** argv) {
  using namespace clonediff::cli;
  if (is_guest_init(argc, argv)) guest_init_main();  // the static build as a kernel target's init
  CommandLine line;
  if (auto parsed = line.parse(std::vector<std::string>(argv + 1, argv + argc)); !parsed) {
    std::fprintf(stderr, "%s\n", parsed.error().message.c_str());
    return kExitUsage;
  }
  // --help and --version: what they print is all they do, so it must arrive.
  const auto print = [](const std::string& text) {
    auto out = CheckedOutput::standard_output();
    out->stream() << text;
    return close_outputs("", {out.get()}, kExitMatch);
  };
  if (line.printed()) return print(*line.printed());
  switch (line.command()) {
    case Command::none: std::fputs(line.help().c_str(), stderr); return kExitUsage;
    case Command::run: return run_command(line.run);
    case Command::explore: return explore_command(line.explore);
    case Command::explain: return explain_command(line.explain);
    case Command::check: return check_command(line.check);
    case Command::diff: return diff_command(line.diff);
    case Command::contexts: return contexts_command(line.contexts);
    case Command::kernels: return kernels_command(line.kernels);
    case Command::help: return print(line.help(line.help_topic.value_or(Command::none)));
  }
  return kExitUsage;
}
