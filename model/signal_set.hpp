// Signal sets as the kernel reports them in /proc/<pid>/status (SigBlk,
// SigIgn, SigCgt): bit n-1 stands for signal n, 1..64.
#pragma once

#include <cstdint>

namespace clonediff::model {

inline constexpr std::uint64_t signal_bit(long long sig) {
  return sig >= 1 && sig <= 64 ? std::uint64_t{1} << (sig - 1) : 0;
}

inline constexpr long long kSigkill = 9;
inline constexpr long long kSigstop = 19;

// SIG_KERNEL_IGNORE_MASK: SIGCONT, SIGCHLD, SIGWINCH and SIGURG are ignored by default.
inline constexpr std::uint64_t kIgnoredByDefault = signal_bit(18) | signal_bit(17) | signal_bit(28) | signal_bit(23);

// The signal state the harness gives every caller (harness caller process):
// every signal blocked but SIGKILL and SIGSTOP (which cannot be) and glibc's
// two internal ones, 32 and 33, which have handlers instead; SIGURG caught and
// SIGTTIN ignored, both blocked too. Context presets have it.
inline constexpr std::uint64_t kCallerBlocked =
    ~(signal_bit(kSigkill) | signal_bit(kSigstop) | signal_bit(32) | signal_bit(33));
inline constexpr std::uint64_t kCallerCaught = signal_bit(23) | signal_bit(32) | signal_bit(33);
inline constexpr std::uint64_t kCallerIgnored = signal_bit(21);

}  // namespace clonediff::model
