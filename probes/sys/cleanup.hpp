// A move-only guard that runs a function when it goes out of scope, unless
// released first (in the manner of gVisor's test/util Cleanup): for what has
// no owner type of its own, such as a DIR* or a libseccomp filter.
#pragma once

#include <optional>
#include <utility>

namespace clonediff::sys {

template <typename F>
class [[nodiscard]] Cleanup {
 public:
  explicit Cleanup(F f) : f_(std::move(f)) {}
  Cleanup(Cleanup&& o) noexcept : f_(std::exchange(o.f_, std::nullopt)) {}
  Cleanup& operator=(Cleanup&&) = delete;
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
  ~Cleanup() {
    if (f_) (*f_)();
  }
  // The function will not run.
  void release() { f_.reset(); }

 private:
  std::optional<F> f_;
};

}  // namespace clonediff::sys
