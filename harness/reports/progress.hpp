// Where a long run is, for a person at a terminal: one line on stderr,
// rewritten in place ("\r") as cases finish, erased before the summary.
// Nothing at all when stderr is not a terminal (CI logs, pipes, files) or
// with --quiet. On a terminal without escapes (TERM=dumb, terminal.hpp) the
// line is rewritten with "\r" and spaces alone.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace clonediff::harness {

// "clonediff run: 1234/4141 cases (29%), 2 not matching, 0.4 s"
std::string progress_line(std::size_t done, std::size_t total, std::size_t failed,
                          std::chrono::duration<double> elapsed);

// Whether a run shows progress: not --quiet, stderr is a terminal, and no
// report streams to stdout on that terminal too (KTAP or JSON lines there
// show progress themselves, and would tear the line).
bool progress_wanted(bool report_on_stdout, bool quiet = false);

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // `out` null: a progress that shows nothing. `escapes` false: no terminal
  // escapes, the line erased with spaces.
  Progress(std::FILE* out, std::size_t total, Clock::time_point started = Clock::now(), bool escapes = true);
  // Redraws the line if 100 ms have passed since the last draw, and always
  // for the first and the last case.
  void update(std::size_t done, std::size_t failed, Clock::time_point now = Clock::now());
  // Erases the line (if one was drawn), so that what follows starts clean.
  void clear();

 private:
  std::FILE* out_;
  std::size_t total_;
  Clock::time_point started_;
  Clock::time_point last_draw_{};
  bool drawn_ = false;
  bool escapes_ = true;
  std::size_t drawn_width_ = 0;  // of the line on screen, for erasing without escapes
};

}  // namespace clonediff::harness
