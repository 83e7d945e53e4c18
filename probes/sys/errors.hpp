// Errors of system calls that failed: the message says what was attempted and
// the system's reason ("open /proc/self/uid_map: Permission denied"), and the
// Error keeps the errno for code that must tell reasons apart.
#pragma once

#include <string>

#include "model/result.hpp"

namespace clonediff::sys {

// "WHAT: strerror(err)", with err kept. The first reads errno now: call it
// right after the failed call, before anything else can change errno.
Error errno_error(const std::string& what);
Error errno_error(const std::string& what, int err);  // err: a positive errno (libseccomp returns -err)

}  // namespace clonediff::sys
