#include "probes/sys/errors.hpp"

#include <cerrno>
#include <cstring>

namespace clonediff::sys {

Error errno_error(const std::string& what) { return errno_error(what, errno); }

Error errno_error(const std::string& what, int err) { return make_error(what + ": " + std::strerror(err), err); }

}  // namespace clonediff::sys
