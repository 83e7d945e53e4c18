// Owning file descriptors: UniqueFd owns one and closes it on destruction
// (move-only); socket_pair() and pipe_pair() make two at once. Every
// descriptor the harness opens is held by one of these; a plain `int` names a
// descriptor someone else owns.
#pragma once

#include <unistd.h>

#include <initializer_list>
#include <utility>

#include "model/result.hpp"

namespace clonediff::sys {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Two connected descriptors, both close-on-exec.
struct FdPair {
  UniqueFd first;
  UniqueFd second;
};
// socketpair(AF_UNIX, type | SOCK_CLOEXEC).
Result<FdPair> socket_pair(int type);
// pipe2(O_CLOEXEC): first is the read end, second the write end.
Result<FdPair> pipe_pair();

// Closes every descriptor above stderr but those in `keep`: what a forked
// process does first with what it inherited but does not own.
void close_all_descriptors_but(std::initializer_list<int> keep);

}  // namespace clonediff::sys
