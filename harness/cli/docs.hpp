// The man page clonediff(1) and the bash completion, written from the
// command line's own definitions (command_line.hpp) at build time, so that
// they list exactly the commands and options the parser takes, with the
// descriptions --help shows.
#pragma once

#include <string>

#include "harness/cli/command_line.hpp"

namespace clonediff::cli {

// troff (man macros) for section 1.
std::string man_page(const CommandLine& line);

// A bash completion script: commands, each command's options, and values
// where they are a closed set (entries, contexts, targets) or files.
std::string bash_completion(const CommandLine& line);

}  // namespace clonediff::cli
