// The host's side of seccomp user notification around the C library's
// entries: the Supervisor receives what the caller's filter
// (caller/supervision_filter.hpp) sends, records what glibc really issued and
// lets it continue.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "harness/caller/raw_clone.hpp"
#include "harness/caller/supervision_filter.hpp"
#include "harness/case/case_result.hpp"
#include "model/request.hpp"
#include "model/result.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {

// One call the supervisor saw, as the task made it.
struct RecordedCall {
  long nr = -1;  // system call number
  pid_t pid = 0; // the task, in the supervisor's pid namespace
  std::uint64_t args[6] = {};
  std::optional<CloneArgs> clone_args;  // clone3: the struct, read from the task
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
