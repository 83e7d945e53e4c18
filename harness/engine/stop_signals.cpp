#include "harness/engine/stop_signals.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

#include "probes/sys/errors.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {
namespace {

sys::UniqueFd& stop_fd() {
  static sys::UniqueFd fd;
  return fd;
}

int& seen() {
  static int signal = 0;
  return signal;
}

}  // namespace

Status watch_stop_signals() {
  if (stop_fd()) return ok_status();
  sigset_t stops;
  sigemptyset(&stops);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stops, sig);
  if (::sigprocmask(SIG_BLOCK, &stops, nullptr) != 0) return sys::errno_error("sigprocmask(SIG_BLOCK)");
  sys::UniqueFd fd(::signalfd(-1, &stops, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) return sys::errno_error("signalfd");
  stop_fd() = std::move(fd);
  return ok_status();
}

// Asked from the threads that start outer targets too: one at a time.
int stop_signal() {
  static std::mutex asking;
  const std::lock_guard<std::mutex> one_at_a_time(asking);
  if (seen() != 0 || !stop_fd()) return seen();
  signalfd_siginfo info{};
  ssize_t n;
  do n = ::read(stop_fd().get(), &info, sizeof info);
  while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof info)) seen() = static_cast<int>(info.ssi_signo);
  return seen();
}

}  // namespace clonediff::harness
