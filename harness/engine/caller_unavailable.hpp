// Why no caller process could be had for a context, in the two kinds a run
// must tell apart (fail closed):
//   unsatisfiable  this machine cannot satisfy the context's recipe, and the
//                  caller or the host said why (a capability outside the
//                  bounding set, no pids controller, no setns() into a pid
//                  namespace): the context's cases are skips, with the reason;
//   failed         the harness failed: the caller did not report in time,
//                  died, or broke the protocol: its cases are errors.
#pragma once

#include <string>

#include "model/result.hpp"

namespace clonediff::harness {

struct CallerUnavailable {
  enum class Kind { unsatisfiable, failed };
  Kind kind = Kind::failed;
  std::string message;
  int errnum = 0;  // the errno of the system call that failed, where one did
};

inline CallerUnavailable unsatisfiable(std::string message) {
  return CallerUnavailable{CallerUnavailable::Kind::unsatisfiable, std::move(message)};
}
inline CallerUnavailable unsatisfiable(const Error& e) {
  return CallerUnavailable{CallerUnavailable::Kind::unsatisfiable, e.message, e.errnum};
}
inline CallerUnavailable harness_failed(std::string message) {
  return CallerUnavailable{CallerUnavailable::Kind::failed, std::move(message)};
}
inline CallerUnavailable harness_failed(const Error& e) {
  return CallerUnavailable{CallerUnavailable::Kind::failed, e.message, e.errnum};
}

template <typename T>
using CallerResult = Result<T, CallerUnavailable>;

}  // namespace clonediff::harness
