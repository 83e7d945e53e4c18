// What a stream that may be a terminal can take: the decision behind the
// progress line and the verdict line's colour, made once from the
// environment so that it can be tested without a terminal.
//   escapes  cursor and erase sequences ("\033[K"): a terminal whose TERM
//            is set and not "dumb";
//   colour   SGR colours: escapes, and NO_COLOR unset or empty
//            (https://no-color.org).
#pragma once

#include <string>
#include <string_view>

#include "harness/reports/summary.hpp"

namespace clonediff::harness {

struct TerminalStyle {
  bool terminal = false;  // isatty
  bool escapes = false;
  bool colour = false;
};

// From the environment's values (null: unset).
TerminalStyle terminal_style(bool is_terminal, const char* term, const char* no_color);
// For a descriptor of this process, from its environment.
TerminalStyle terminal_style_of(int fd);

// The verdict line with its verdict word coloured (PASS green, SKIP yellow,
// FAIL red) when the style has colour; else unchanged.
std::string coloured_verdict_line(std::string line, RunVerdict verdict, const TerminalStyle& style);

}  // namespace clonediff::harness
