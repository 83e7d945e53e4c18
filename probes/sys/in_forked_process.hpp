// For tests, in the manner of gVisor's InForkedProcess: runs a function in a
// forked child process, so that what it changes (seccomp filters, signal
// dispositions, umask, a whole Runner) stays out of the test process.
//
// The function runs after fork in a copy of a possibly multi-threaded
// process: it must not use GoogleTest's macros (they are not fork-safe and
// report to the parent's framework); it checks with CLONEDIFF_CHECK
// (probes/sys/check.hpp), which ends the child with the failed expression on
// stderr. A function that returns ends the child with status 0.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "probes/sys/unique_fd.hpp"

namespace clonediff::sys {

struct ForkedEnd {
  int wait_status = -1;  // as waitpid(2) gives it; -1 if the child could not be forked or reaped
  std::string err;       // what the child wrote on stderr (its failed check), at most 64 KiB
  bool passed() const;   // exited with status 0
  // "exited with status 70: clonediff: failed check at ...", for a test's failure message.
  std::string account() const;
};

ForkedEnd in_forked_process(const std::function<void()>& fn);

// For tests that look at a live child: a forked child that does nothing but
// wait until it is let go (or this object goes), then exits with status 0.
// The test reaps it with reap().
class HeldChild {
 public:
  // pid() is -1 if the fork failed.
  HeldChild();
  ~HeldChild();
  HeldChild(const HeldChild&) = delete;
  HeldChild& operator=(const HeldChild&) = delete;

  pid_t pid() const { return pid_; }
  void let_go();  // the child exits
  int reap();     // lets it go and waits for it: its wait status (-1 if none)

 private:
  pid_t pid_ = -1;
  UniqueFd hold_;  // the write end of the pipe the child reads
};

}  // namespace clonediff::sys
