#include "harness/reports/progress.hpp"

#include <unistd.h>

namespace clonediff::harness {

std::string progress_line(std::size_t done, std::size_t total, std::size_t failed,
                          std::chrono::duration<double> elapsed) {
  const std::size_t percent = total == 0 ? 100 : done * 100 / total;
  char buf[160];
  std::snprintf(buf, sizeof buf, "clonediff run: %zu/%zu cases (%zu%%), %zu not matching, %.1f s", done, total,
                percent, failed, elapsed.count());
  return buf;
}

bool progress_wanted(bool report_on_stdout) {
  return ::isatty(STDERR_FILENO) == 1 && !(report_on_stdout && ::isatty(STDOUT_FILENO) == 1);
}

Progress::Progress(std::FILE* out, std::size_t total, Clock::time_point started)
    : out_(out), total_(total), started_(started) {}

void Progress::update(std::size_t done, std::size_t failed, Clock::time_point now) {
  if (!out_) return;
  if (drawn_ && done != total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  // "\033[K" erases what a longer earlier line left to the right.
  std::fprintf(out_, "\r%s\033[K", progress_line(done, total_, failed, now - started_).c_str());
  std::fflush(out_);
  last_draw_ = now;
  drawn_ = true;
}

void Progress::clear() {
  if (!out_ || !drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace clonediff::harness
