// Every output clonediff writes (a report file, standard output) goes through
// a CheckedOutput: a std::ostream onto a descriptor whose every write(2) is
// checked. The first failure (a write, or the close of a file) is kept, and
// close() returns it as "cannot write 'PATH': <errno text>" ("standard
// output" for -), so that a lost report is an error (exit 2), never silence.
// Owns the descriptor of a file it opened (closed by close() or, if a path
// out of an error never called it, the destructor); standard output is only
// flushed, never closed. Onto a terminal, each line is written when it ends.
#pragma once

#include <initializer_list>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "model/result.hpp"

namespace clonediff::cli {

class CheckedOutput {
 public:
  // "-": standard output; else the file, created or truncated now (a path
  // that cannot be opened is an error now, before anything runs).
  static Result<std::unique_ptr<CheckedOutput>> open(const std::string& path);
  static std::unique_ptr<CheckedOutput> standard_output();

  CheckedOutput(const CheckedOutput&) = delete;
  CheckedOutput& operator=(const CheckedOutput&) = delete;
  ~CheckedOutput();

  std::ostream& stream() { return stream_; }
  // printf(3) into the stream.
  void print(const char* format, ...) __attribute__((format(printf, 2, 3)));
  bool is_standard_output() const { return !owned_; }
  // Flushes, closes a file, and says the first failure of any write so far.
  // Once closed, nothing more is written.
  Status close();

 private:
  // The buffer between the stream and write(2); keeps the first errno.
  class Buffer : public std::streambuf {
   public:
    explicit Buffer(int fd);
    int fd() const { return fd_; }
    int error() const { return error_; }
    bool flush_all();
    void shut();  // after close(): every later write fails, nothing reaches the descriptor

   protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

   private:
    int fd_;
    int error_ = 0;
    bool shut_ = false;
    bool by_line_;  // a terminal sees each line as it is written
    std::vector<char> space_;
  };

  CheckedOutput(std::string name, int fd, bool owned);

  std::string name_;  // "'PATH'" or "standard output", as messages say it
  bool owned_;
  bool closed_ = false;
  int close_error_ = 0;
  Buffer buffer_;
  std::ostream stream_;
};

// close() of each output, in order: every failure on stderr, one line each
// ("clonediff COMMAND: cannot write ...", "clonediff: ..." for no command),
// and then kExitUsage; else `status`.
int close_outputs(const std::string& command, std::initializer_list<CheckedOutput*> outputs, int status);

}  // namespace clonediff::cli
