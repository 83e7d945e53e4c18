// Errors as values at every boundary: a Result<T> holds either a T or an Error
// whose message is one line a user can act on, and, where a system call
// failed, its errno (probes/sys/errors.hpp makes those). [[nodiscard]] so that
// a failure cannot be dropped silently. Where a caller must tell kinds of
// failure apart, E is another type with a `message`.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace clonediff {

struct Error {
  std::string message;
  int errnum = 0;  // the errno of the system call that failed; 0 where none did
};

template <typename T, typename E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Result(E error) : v_(std::move(error)) {}            // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const { return std::get<E>(v_); }

 private:
  std::variant<T, E> v_;
};

// For operations that produce nothing but can fail.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

inline Error make_error(std::string message, int errnum = 0) { return Error{std::move(message), errnum}; }

}  // namespace clonediff
