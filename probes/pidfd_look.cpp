#include "probes/pidfd_look.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "probes/sys/pidfd.hpp"
#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::probes {
void look_at_pidfd(int fd, long child, std::size_t caller_depth, TraitBits& t) {
  if (fd < 0) {
    t.set(model::Trait::pidfd, false);
    return;
  }
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  char buf[1024];
  sys::UniqueFd info(::open(path, O_RDONLY | O_CLOEXEC));
  ssize_t n = info ? ::read(info.get(), buf, sizeof buf - 1) : -1;
  if (n <= 0) return;
  const std::string_view text(buf, static_cast<std::size_t>(n));
  const auto nspid = sys::status_numbers(text, "NSpid");
  // -1: the task has been released already (a thread that left before the
  // caller looked, as under CLONE_VFORK; fs/pidfs.c pidfd_show_fdinfo()), so
  // which task the pidfd names cannot be told: pidfd stays unknown.
  const bool released = nspid.size() == 1 && nspid[0] == -1;
  if (!released) t.set(model::Trait::pidfd, caller_depth < nspid.size() && nspid[caller_depth] == child);
  if (!released && !nspid.empty() && nspid[0] > 0) {
    char status_buf[4096];
    if (auto status = sys::read_proc_file(static_cast<pid_t>(nspid[0]), "status", status_buf, sizeof status_buf))
      t.set(model::Trait::pidfd_nspid, sys::status_numbers(*status, "NSpid") == nspid);
  }
  const auto at = text.find("flags:");
  if (at != std::string_view::npos) {
    buf[n] = '\0';
    const long flags = std::strtol(buf + at + 6, nullptr, 8);  // octal, as fdinfo prints it
    t.set(model::Trait::pidfd_thread, (flags & sys::kPidfdThread) != 0);
  }
  t.set(model::Trait::pidfd_cloexec, (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
}

void look_at_reaped_pidfd(int fd, TraitBits& t) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  char buf[1024];
  sys::UniqueFd info(::open(path, O_RDONLY | O_CLOEXEC));
  const ssize_t n = info ? ::read(info.get(), buf, sizeof buf - 1) : -1;
  if (n <= 0) return;
  if (const auto pid = sys::status_field(std::string_view(buf, static_cast<std::size_t>(n)), "Pid"))
    t.set(model::Trait::pidfd_pid_cleared, *pid == -1);
}

bool pidfd_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

}  // namespace clonediff::probes
