// The table of every CLONE_* bit the kernel defines (include/uapi/linux/sched.h),
// with the entries that accept it, and conversion between names and values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "model/kernel.hpp"
#include "model/result.hpp"

namespace clonediff::model {

inline constexpr std::uint64_t kCsignal = 0xff;  // low byte: exit signal (legacy clone)

// Which system calls give the bit a meaning.
enum AcceptedBy : unsigned {
  kLegacyClone = 1u << 0,  // clone(2): bits 8..31 only
  kClone3 = 1u << 1,       // clone3(2)
  kUnshare = 1u << 2,      // unshare(2)
};

struct FlagInfo {
  std::string_view name;   // "CLONE_VM"
  std::uint64_t value;
  unsigned accepted_by;    // AcceptedBy bits
  std::string_view meaning;
  // The release that defined the bit, with the change that did (empty for a
  // bit older than the modelled range). Before it, legacy clone ignores the
  // bit and clone3 refuses it as unknown.
  KernelVersion since{};
  std::string_view introduced{};
};

namespace flag {
inline constexpr std::uint64_t NEWTIME = 0x00000080;
inline constexpr std::uint64_t VM = 0x00000100;
inline constexpr std::uint64_t FS = 0x00000200;
inline constexpr std::uint64_t FILES = 0x00000400;
inline constexpr std::uint64_t SIGHAND = 0x00000800;
inline constexpr std::uint64_t PIDFD = 0x00001000;
inline constexpr std::uint64_t PTRACE = 0x00002000;
inline constexpr std::uint64_t VFORK = 0x00004000;
inline constexpr std::uint64_t PARENT = 0x00008000;
inline constexpr std::uint64_t THREAD = 0x00010000;
inline constexpr std::uint64_t NEWNS = 0x00020000;
inline constexpr std::uint64_t SYSVSEM = 0x00040000;
inline constexpr std::uint64_t SETTLS = 0x00080000;
inline constexpr std::uint64_t PARENT_SETTID = 0x00100000;
inline constexpr std::uint64_t CHILD_CLEARTID = 0x00200000;
inline constexpr std::uint64_t DETACHED = 0x00400000;
inline constexpr std::uint64_t UNTRACED = 0x00800000;
inline constexpr std::uint64_t CHILD_SETTID = 0x01000000;
inline constexpr std::uint64_t NEWCGROUP = 0x02000000;
inline constexpr std::uint64_t NEWUTS = 0x04000000;
inline constexpr std::uint64_t NEWIPC = 0x08000000;
inline constexpr std::uint64_t NEWUSER = 0x10000000;
inline constexpr std::uint64_t NEWPID = 0x20000000;
inline constexpr std::uint64_t NEWNET = 0x40000000;
inline constexpr std::uint64_t IO = 0x80000000;
inline constexpr std::uint64_t CLEAR_SIGHAND = 0x100000000ULL;
inline constexpr std::uint64_t INTO_CGROUP = 0x200000000ULL;
}  // namespace flag

// Every namespace flag clone() can create (copy_namespaces + user).
inline constexpr std::uint64_t kNamespaceFlags =
    flag::NEWNS | flag::NEWUTS | flag::NEWIPC | flag::NEWPID | flag::NEWNET |
    flag::NEWCGROUP | flag::NEWTIME | flag::NEWUSER;

std::span<const FlagInfo> flag_table();
// Every CLONE_* bit the kernel of that version defines.
std::uint64_t known_flags(const KernelVersion& v);
const FlagInfo* find_flag(std::uint64_t value);

// "CLONE_VM|CLONE_FS", "VM|FS", "0x300", "CLONE_VM|0x10000000000", "0".
// Names are case-sensitive; the CLONE_ prefix is optional.
Result<std::uint64_t> parse_flags(std::string_view text);

// Ascending bit order; bits without a name are written in hex; 0 is "0".
// The low byte is formatted as CLONE_NEWTIME when bit 7 is set and as hex
// otherwise, so callers format legacy-clone flags without their exit signal.
std::string format_flags(std::uint64_t flags);

}  // namespace clonediff::model
