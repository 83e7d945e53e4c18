#include "model/names.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace clonediff::model {
namespace {

struct ErrnoEntry {
  int value;
  std::string_view name;
  std::string_view text;
};

// x86-64 Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h,
// include/linux/errno.h for the kernel-internal restart codes).
constexpr std::array kErrnos = {
    ErrnoEntry{1, "EPERM", "Operation not permitted"},
    ErrnoEntry{2, "ENOENT", "No such file or directory"},
    ErrnoEntry{3, "ESRCH", "No such process"},
    ErrnoEntry{4, "EINTR", "Interrupted system call"},
    ErrnoEntry{7, "E2BIG", "Argument list too long"},
    ErrnoEntry{9, "EBADF", "Bad file descriptor"},
    ErrnoEntry{10, "ECHILD", "No child processes"},
    ErrnoEntry{11, "EAGAIN", "Resource temporarily unavailable"},
    ErrnoEntry{12, "ENOMEM", "Cannot allocate memory"},
    ErrnoEntry{13, "EACCES", "Permission denied"},
    ErrnoEntry{14, "EFAULT", "Bad address"},
    ErrnoEntry{16, "EBUSY", "Device or resource busy"},
    ErrnoEntry{17, "EEXIST", "File exists"},
    ErrnoEntry{20, "ENOTDIR", "Not a directory"},
    ErrnoEntry{22, "EINVAL", "Invalid argument"},
    ErrnoEntry{24, "EMFILE", "Too many open files"},
    ErrnoEntry{28, "ENOSPC", "No space left on device"},
    ErrnoEntry{38, "ENOSYS", "Function not implemented"},
    ErrnoEntry{87, "EUSERS", "Too many users"},
    ErrnoEntry{95, "EOPNOTSUPP", "Operation not supported"},
    ErrnoEntry{512, "ERESTARTSYS", "kernel-internal: restart the call"},
    ErrnoEntry{513, "ERESTARTNOINTR", "kernel-internal: restart the call, not interruptible"},
};

constexpr std::array<std::string_view, 32> kSignals = {
    "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

constexpr int kSigRtMin = 32;  // the kernel's SIGRTMIN (glibc reserves a few above it)
constexpr int kSigRtMax = 64;

Result<long long> parse_number(std::string_view text) {
  long long v = 0;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
    base = 16;
  }
  if (text.empty()) return make_error("empty number");
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return make_error("not a number");
  return v;
}

}  // namespace

std::string errno_name(int err) {
  for (const auto& e : kErrnos)
    if (e.value == err) return std::string(e.name);
  return "E" + std::to_string(err);
}

std::string_view errno_description(int err) {
  for (const auto& e : kErrnos)
    if (e.value == err) return e.text;
  return "unnamed errno";
}

Result<int> parse_result_name(std::string_view name) {
  if (name == "ok") return 0;
  for (const auto& e : kErrnos)
    if (e.name == name) return e.value;
  if (name.size() > 1 && name[0] == 'E') {
    auto n = parse_number(name.substr(1));
    if (n && *n > 0 && *n < 4096) return static_cast<int>(*n);
  }
  return make_error("unknown result '" + std::string(name) + "' (expected ok or an errno name such as EINVAL)");
}

std::string signal_name(long long sig) {
  if (sig == 0) return "none";
  if (sig > 0 && sig < static_cast<long long>(kSignals.size())) return std::string(kSignals[static_cast<std::size_t>(sig)]);
  if (sig == kSigRtMin) return "SIGRTMIN";
  if (sig > kSigRtMin && sig <= kSigRtMax) return "SIGRTMIN+" + std::to_string(sig - kSigRtMin);
  return std::to_string(sig);
}

Result<long long> parse_signal(std::string_view text) {
  if (text.empty()) return make_error("empty signal");
  if (auto n = parse_number(text)) return *n;
  // The SIG prefix is optional: "CHLD" and "SIGCHLD" name the same signal.
  const std::string_view name = text.substr(0, 3) == "SIG" ? text.substr(3) : text;
  for (std::size_t i = 1; i < kSignals.size(); ++i)
    if (kSignals[i].substr(3) == name) return static_cast<long long>(i);
  if (name == "RTMIN") return kSigRtMin;
  if (name == "RTMAX") return kSigRtMax;
  if (name.substr(0, 6) == "RTMIN+") {
    auto n = parse_number(name.substr(6));
    if (n && *n >= 0 && kSigRtMin + *n <= kSigRtMax) return kSigRtMin + *n;
  }
  return make_error("unknown signal '" + std::string(text) + "'");
}

}  // namespace clonediff::model
