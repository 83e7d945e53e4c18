// Checks for code that may not throw, allocate or use GoogleTest's macros: a
// forked test's child, the caller process before it has reported its facts,
// and the child after clone. A failed check writes one line to stderr with a
// single write(2):
//
//   clonediff: failed check at probes/tests/witness_test.cpp:97: base->intact() (errno 0)
//
// Everything here is async-signal-safe: raw system calls, no allocation, no
// stdio, no locale. The line is built on the stack.
#pragma once

#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>

#include "probes/sys/raw_syscall.hpp"

namespace clonediff::sys {

// The status a process (or a child's thread) ends with after a failed check.
inline constexpr int kFailedCheckStatus = 70;  // EX_SOFTWARE

// Writes the failed check's line to stderr. `err`: the errno that explains
// it, 0 for none; a negative raw return (-errno) is taken as its errno.
// `detail`, if given, follows the expression ("...: after_case(name): setns(pid): Invalid argument").
inline void report_failed_check(const char* expr, const char* file, int line, long err,
                                const char* detail = nullptr) noexcept {
  char buf[512];
  std::size_t n = 0;
  const auto put = [&](const char* s) noexcept {
    while (*s && n < sizeof buf - 1) buf[n++] = *s++;
  };
  const auto put_number = [&](long v) noexcept {
    char digits[24];
    int k = 0;
    unsigned long u = v < 0 ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
    do digits[k++] = static_cast<char>('0' + u % 10);
    while ((u /= 10) != 0 && k < 24);
    if (v < 0 && n < sizeof buf - 1) buf[n++] = '-';
    while (k > 0 && n < sizeof buf - 1) buf[n++] = digits[--k];
  };
  put("clonediff: failed check at ");
  put(file);
  put(":");
  put_number(line);
  put(": ");
  put(expr);
  if (detail) {
    put(": ");
    put(detail);
  }
  put(" (errno ");
  put_number(err < 0 ? -err : err);
  put(")\n");
  raw_syscall(SYS_write, 2, reinterpret_cast<long>(buf), static_cast<long>(n));
}

// Ends the whole process (exit_group), for a process of its own.
[[noreturn]] inline void fail_process_check(const char* expr, const char* file, int line, int err,
                                            const char* detail = nullptr) noexcept {
  report_failed_check(expr, file, line, err, detail);
  for (;;) raw_syscall(SYS_exit_group, kFailedCheckStatus);
}

}  // namespace clonediff::sys

// In a process of its own (a forked test's child, the caller before its
// facts): on failure, say which check and end the process with
// kFailedCheckStatus. Reads errno, so it is for code that may use libc.
#define CLONEDIFF_CHECK(cond)                                                                 \
  do {                                                                                        \
    if (!(cond)) ::clonediff::sys::fail_process_check(#cond, __FILE__, __LINE__, errno);      \
  } while (0)

// The same for a Status (model/result.hpp): on failure, its message and errno.
#define CLONEDIFF_CHECK_OK(status_expr)                                                       \
  do {                                                                                        \
    if (const auto clonediff_status_ = (status_expr); !clonediff_status_)                     \
      ::clonediff::sys::fail_process_check(#status_expr, __FILE__, __LINE__,                  \
                                           clonediff_status_.error().errnum,                  \
                                           clonediff_status_.error().message.c_str());        \
  } while (0)

// After clone, in a child that may share the caller's memory and thread
// group, where errno is out of reach: on failure, say which check with `raw`
// (a raw system call's return: -errno, or 0) and return kFailedCheckStatus
// from the child's function, which ends its thread only.
#define CLONEDIFF_CHILD_CHECK(cond, raw)                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      ::clonediff::sys::report_failed_check(#cond, __FILE__, __LINE__, (raw));                \
      return ::clonediff::sys::kFailedCheckStatus;                                            \
    }                                                                                         \
  } while (0)
