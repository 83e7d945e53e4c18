// Seccomp user notification around the C library's entries: the caller's
// filter sends every process-creating call (and execve) to a supervisor in the
// host, which records what glibc really issued and lets it continue.
//
//   caller side: install_supervision_filter() (in the caller process, once)
//   host side:   Supervisor (owns the notification descriptor)
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "harness/raw_clone.hpp"
#include "model/request.hpp"
#include "model/result.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {

enum class Supervision : std::uint8_t {
  none,                  // raw entries: no filter
  notify,                // clone, clone3, fork, vfork, execve, execveat notify the host
  notify_clone3_enosys,  // ... and clone3 fails with ENOSYS, so glibc falls back to clone
};
std::string_view supervision_name(Supervision s);

// Installs the filter on the calling process (all its future children inherit
// it) and returns the notification descriptor. Needs CAP_SYS_ADMIN or
// no_new_privs (libseccomp sets the latter).
Result<int> install_supervision_filter(Supervision s);

// One call the supervisor saw, as the task made it.
struct RecordedCall {
  long nr = -1;  // system call number
  pid_t pid = 0; // the task, in the supervisor's pid namespace
  std::uint64_t args[6] = {};
  std::optional<CloneArgs> clone_args;  // clone3: the struct, read from the task
};

// The request a recorded process-creating call amounts to, for the model; the
// text says how it was made ("clone3(size 88, CLONE_VM|..., exit 0)").
struct Route {
  model::Request request;
  std::string text;
};
std::optional<Route> route_of(const RecordedCall& call);
bool creates_a_task(long nr);  // clone, clone3, fork, vfork
bool is_exec(long nr);         // execve, execveat

class Supervisor {
 public:
  explicit Supervisor(sys::UniqueFd fd) : fd_(std::move(fd)) {}
  int fd() const { return fd_.get(); }

  struct Notification {
    std::uint64_t id = 0;
    RecordedCall call;
  };
  // One pending notification (the descriptor polled readable).
  Result<Notification> receive();
  // Lets the notified call go on as if nothing had stopped it.
  Status let_continue(std::uint64_t id);

 private:
  sys::UniqueFd fd_;
};

}  // namespace clonediff::harness
