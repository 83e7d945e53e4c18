#include "probes/sys/in_forked_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "probes/sys/pidfd.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::sys {
namespace {

constexpr std::size_t kMostErr = 64 * 1024;

// Appends what can be read now (the descriptor does not block); returns
// read(2)'s result.
ssize_t read_some(int fd, std::string& into) {
  char buf[4096];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n > 0 && into.size() < kMostErr) into.append(buf, static_cast<std::size_t>(n));
  return n;
}

}  // namespace

bool ForkedEnd::passed() const { return wait_status >= 0 && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0; }

std::string ForkedEnd::account() const {
  std::string how;
  if (wait_status < 0)
    how = "could not be forked or reaped";
  else if (WIFEXITED(wait_status))
    how = "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  else if (WIFSIGNALED(wait_status))
    how = "was killed by signal " + std::to_string(WTERMSIG(wait_status));
  else
    how = "ended with wait status " + std::to_string(wait_status);
  return "the forked process " + how + (err.empty() ? "" : ": " + err);
}

ForkedEnd in_forked_process(const std::function<void()>& fn) {
  ForkedEnd end;
  auto pipe = pipe_pair();
  if (!pipe) return end;
  const pid_t pid = ::fork();
  if (pid < 0) return end;
  if (pid == 0) {
    ::dup2(pipe->second.get(), 2);
    fn();
    ::_exit(0);
  }
  pipe->second.reset();
  // Its stderr until it is gone: what it started (a caller process, say) may
  // hold the pipe open a while longer, and is not waited for.
  UniqueFd exited(pidfd_open(pid));
  ::fcntl(pipe->first.get(), F_SETFL, O_NONBLOCK);
  for (;;) {
    pollfd fds[2] = {{pipe->first.get(), POLLIN, 0}, {exited.get(), POLLIN, 0}};
    if (::poll(fds, exited ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) {
      const ssize_t n = read_some(pipe->first.get(), end.err);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;  // every writer is gone
    }
    if (fds[1].revents) {  // it exited: take what it wrote, and no more
      while (read_some(pipe->first.get(), end.err) > 0) {
      }
      break;
    }
  }
  while (::waitpid(pid, &end.wait_status, 0) < 0 && errno == EINTR) {
  }
  while (!end.err.empty() && end.err.back() == '\n') end.err.pop_back();
  return end;
}

HeldChild::HeldChild() {
  auto pipe = pipe_pair();
  if (!pipe) return;
  pid_ = ::fork();
  if (pid_ == 0) {
    char c;
    pipe->second.reset();
    (void)::read(pipe->first.get(), &c, 1);  // until the write end is closed
    ::_exit(0);
  }
  if (pid_ > 0) hold_ = std::move(pipe->second);
}

HeldChild::~HeldChild() { reap(); }

void HeldChild::let_go() { hold_.reset(); }

int HeldChild::reap() {
  let_go();
  int status = -1;
  if (pid_ > 0)
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  pid_ = -1;
  return status;
}

}  // namespace clonediff::sys
