#include "harness/reports/progress.hpp"

#include <unistd.h>

#include <algorithm>

namespace clonediff::harness {

std::string progress_line(std::size_t done, std::size_t total, std::size_t failed,
                          std::chrono::duration<double> elapsed) {
  const std::size_t percent = total == 0 ? 100 : done * 100 / total;
  char buf[160];
  std::snprintf(buf, sizeof buf, "clonediff run: %zu/%zu cases (%zu%%), %zu not matching, %.1f s", done, total,
                percent, failed, elapsed.count());
  return buf;
}

bool progress_wanted(bool report_on_stdout, bool quiet) {
  return !quiet && ::isatty(STDERR_FILENO) == 1 && !(report_on_stdout && ::isatty(STDOUT_FILENO) == 1);
}

Progress::Progress(std::FILE* out, std::size_t total, Clock::time_point started, bool escapes)
    : out_(out), total_(total), started_(started), escapes_(escapes) {}

void Progress::update(std::size_t done, std::size_t failed, Clock::time_point now) {
  if (!out_) return;
  if (drawn_ && done != total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  const std::string line = progress_line(done, total_, failed, now - started_);
  if (escapes_) {
    // "\033[K" erases what a longer earlier line left to the right.
    std::fprintf(out_, "\r%s\033[K", line.c_str());
  } else {
    const std::size_t pad = drawn_width_ > line.size() ? drawn_width_ - line.size() : 0;
    std::fprintf(out_, "\r%s%s", line.c_str(), std::string(pad, ' ').c_str());
  }
  std::fflush(out_);
  drawn_width_ = std::max(drawn_width_, line.size());
  last_draw_ = now;
  drawn_ = true;
}

void Progress::clear() {
  if (!out_ || !drawn_) return;
  if (escapes_)
    std::fputs("\r\033[K", out_);
  else
    std::fprintf(out_, "\r%s\r", std::string(drawn_width_, ' ').c_str());
  std::fflush(out_);
  drawn_ = false;
  drawn_width_ = 0;
}

}  // namespace clonediff::harness
