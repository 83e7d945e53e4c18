#include "harness/reports/terminal.hpp"

#include <unistd.h>

#include <cstdlib>

namespace clonediff::harness {

TerminalStyle terminal_style(bool is_terminal, const char* term, const char* no_color) {
  TerminalStyle s;
  s.terminal = is_terminal;
  s.escapes = is_terminal && term != nullptr && *term != '\0' && std::string_view(term) != "dumb";
  s.colour = s.escapes && (no_color == nullptr || *no_color == '\0');
  return s;
}

TerminalStyle terminal_style_of(int fd) {
  return terminal_style(::isatty(fd) == 1, std::getenv("TERM"), std::getenv("NO_COLOR"));
}

std::string coloured_verdict_line(std::string line, RunVerdict verdict, const TerminalStyle& style) {
  const std::string_view word = run_verdict_word(verdict);
  if (!style.colour || !line.starts_with(word)) return line;
  const char* sgr = verdict == RunVerdict::pass ? "\033[32m" : verdict == RunVerdict::skip ? "\033[33m" : "\033[31m";
  return sgr + std::string(word) + "\033[0m" + line.substr(word.size());
}

}  // namespace clonediff::harness
