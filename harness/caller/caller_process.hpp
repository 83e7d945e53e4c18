// The caller: a disposable process, forked by the host, that builds a context
// and then makes one call per Order it receives. It runs in its own process
// group so that the host can kill it together with everything it created.
#pragma once

#include <sys/types.h>

#include <string>

#include "harness/caller/context_recipe.hpp"
#include "harness/caller/supervision_filter.hpp"

namespace clonediff::harness {

struct CallerSetup {
  pid_t host_pid = 0;
  int ctl_fd = -1;      // caller's end of the host<->caller socket
  int child_socket_fd = -1;  // caller's (and so the child's) end of the host<->child socket
  std::string context;  // a buildable context name
  ContextResources resources;  // what the host made for the context
  Supervision supervision = Supervision::none;  // the C library's entries: notify the host
  bool own_group = true;       // false: the host made the process group (nested spawns)
  bool host_is_parent = true;  // false: a chain of processes lies between them
  bool setup_fault = false;    // tests only: fail as if the caller's own setup had
};

// Never returns. Runs in the forked caller process only. Until the context is
// built it may allocate freely; the call loop allocates little per case (the
// pidfd look's parse of fdinfo).
[[noreturn]] void caller_main(const CallerSetup& setup);

}  // namespace clonediff::harness
