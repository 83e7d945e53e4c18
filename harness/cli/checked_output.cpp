#include "harness/cli/checked_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "harness/cli/command_line.hpp"

namespace clonediff::cli {

namespace {
constexpr std::size_t kBufferBytes = 64 * 1024;
}

CheckedOutput::Buffer::Buffer(int fd) : fd_(fd), by_line_(::isatty(fd) == 1), space_(kBufferBytes) {
  setp(space_.data(), space_.data() + space_.size());
}

// Writes out what the buffer holds; after the first failure nothing more is
// written (the output is lost either way) and the failure is kept.
bool CheckedOutput::Buffer::flush_all() {
  const char* from = pbase();
  const char* const to = pptr();
  while (error_ == 0 && from < to) {
    const ssize_t n = ::write(fd_, from, static_cast<std::size_t>(to - from));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error_ = errno;
    else if (n == 0) error_ = EIO;  // a write of nothing on a regular descriptor: not expected to repeat
    else from += n;
  }
  setp(space_.data(), space_.data() + space_.size());
  return error_ == 0;
}

void CheckedOutput::Buffer::shut() {
  shut_ = true;
  setp(nullptr, nullptr);
}

CheckedOutput::Buffer::int_type CheckedOutput::Buffer::overflow(int_type c) {
  if (shut_ || !flush_all()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
    if (by_line_ && traits_type::to_char_type(c) == '\n' && !flush_all()) return traits_type::eof();
  }
  return traits_type::not_eof(c);
}

std::streamsize CheckedOutput::Buffer::xsputn(const char* s, std::streamsize n) {
  const std::streamsize put = std::streambuf::xsputn(s, n);
  if (by_line_ && !shut_ && std::memchr(s, '\n', static_cast<std::size_t>(put)) != nullptr) (void)flush_all();
  return put;
}

int CheckedOutput::Buffer::sync() { return !shut_ && flush_all() ? 0 : -1; }

CheckedOutput::CheckedOutput(std::string name, int fd, bool owned)
    : name_(std::move(name)), owned_(owned), buffer_(fd), stream_(&buffer_) {}

CheckedOutput::~CheckedOutput() {
  if (!closed_) (void)close();
}

Result<std::unique_ptr<CheckedOutput>> CheckedOutput::open(const std::string& path) {
  if (path == "-") return standard_output();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return make_error("cannot write '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<CheckedOutput>(new CheckedOutput("'" + path + "'", fd, true));
}

std::unique_ptr<CheckedOutput> CheckedOutput::standard_output() {
  return std::unique_ptr<CheckedOutput>(new CheckedOutput("standard output", STDOUT_FILENO, false));
}

void CheckedOutput::print(const char* format, ...) {
  std::va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  if (n > 0) {
    std::string text(static_cast<std::size_t>(n) + 1, '\0');
    std::vsnprintf(text.data(), text.size(), format, again);
    text.pop_back();
    stream_ << text;
  }
  va_end(again);
}

Status CheckedOutput::close() {
  if (!closed_) {
    closed_ = true;
    stream_.flush();
    (void)buffer_.flush_all();
    buffer_.shut();
    // close(2) of a file can report a write that failed late (NFS, quotas);
    // its descriptor is gone either way, so there is no retry on EINTR.
    if (owned_ && ::close(buffer_.fd()) != 0) close_error_ = errno;
  }
  const int err = buffer_.error() ? buffer_.error() : close_error_;
  if (err) return make_error("cannot write " + name_ + ": " + std::strerror(err));
  return ok_status();
}

int close_outputs(const std::string& command, std::initializer_list<CheckedOutput*> outputs, int status) {
  bool failed = false;
  for (CheckedOutput* out : outputs) {
    if (!out) continue;
    if (auto st = out->close(); !st) {
      if (command.empty()) std::fprintf(stderr, "clonediff: %s\n", st.error().message.c_str());
      else (void)usage_error(command, st.error().message);
      failed = true;
    }
  }
  return failed ? kExitUsage : status;
}

}  // namespace clonediff::cli
