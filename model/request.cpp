#include "model/request.hpp"

#include <array>
#include <utility>

#include "model/flags.hpp"

namespace clonediff::model {
namespace {
constexpr std::array<std::pair<Entry, std::string_view>, 7> kEntries = {{
    {Entry::fork, "fork"},
    {Entry::vfork, "vfork"},
    {Entry::clone, "clone"},
    {Entry::clone3, "clone3"},
    {Entry::pthread_create, "pthread_create"},
    {Entry::posix_spawn, "posix_spawn"},
    {Entry::system, "system"},
}};
}  // namespace

std::string_view entry_name(Entry e) {
  for (const auto& [entry, name] : kEntries)
    if (entry == e) return name;
  return "?";
}

Result<Entry> parse_entry(std::string_view name) {
  for (const auto& [entry, n] : kEntries)
    if (n == name) return entry;
  return make_error("unknown entry '" + std::string(name) +
                    "' (expected fork, vfork, clone, clone3, pthread_create, posix_spawn or system)");
}

std::string_view syscall_name(Syscall s) {
  switch (s) {
    case Syscall::fork: return "fork";
    case Syscall::vfork: return "vfork";
    case Syscall::clone: return "clone";
    case Syscall::clone3: return "clone3";
  }
  return "?";
}

Status validate(const Request& r) {
  switch (r.entry) {
    case Entry::fork:
    case Entry::vfork:
      if (r.flags != 0) return make_error(std::string(entry_name(r.entry)) + "() takes no flags");
      if (r.exit_signal != kSigchld)
        return make_error(std::string(entry_name(r.entry)) + "() always uses SIGCHLD as the exit signal");
      return ok_status();
    case Entry::clone:
      if (r.flags & kCsignal)
        return make_error("for legacy clone the low byte of the flags word is the exit signal: give it as exit_signal, not as flags");
      if (r.exit_signal > kCsignal)
        return make_error("legacy clone carries its exit signal in one byte: " + std::to_string(r.exit_signal) + " does not fit");
      return ok_status();
    case Entry::clone3:
    case Entry::pthread_create:
    case Entry::posix_spawn:
    case Entry::system:
      return make_error("entry " + std::string(entry_name(r.entry)) + " is not modelled yet");
  }
  return make_error("bad entry");
}

Result<KernelCall> kernel_call(const Request& r) {
  if (auto st = validate(r); !st) return st.error();
  KernelCall k;
  switch (r.entry) {
    case Entry::fork:
      // glibc 2.36 x86-64 _Fork(): clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD,
      // 0, NULL, &self->tid, 0) so the child's struct pthread learns its tid.
      k.syscall = Syscall::clone;
      k.flags = flag::CHILD_SETTID | flag::CHILD_CLEARTID;
      k.exit_signal = kSigchld;
      k.route = "glibc fork() -> clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD)";
      return k;
    case Entry::vfork:
      // glibc's vfork() is the vfork system call; sys_vfork passes CLONE_VFORK|CLONE_VM.
      k.syscall = Syscall::vfork;
      k.flags = flag::VFORK | flag::VM;
      k.exit_signal = kSigchld;
      k.route = "glibc vfork() -> vfork() = kernel_clone(CLONE_VFORK|CLONE_VM, SIGCHLD)";
      return k;
    case Entry::clone: {
      // sys_clone: .flags = lower_32_bits(clone_flags) & ~CSIGNAL,
      //            .exit_signal = lower_32_bits(clone_flags) & CSIGNAL,
      //            .pidfd = .parent_tid = parent_tidptr.
      const std::uint64_t word = r.flags | r.exit_signal;
      k.syscall = Syscall::clone;
      k.flags = word & 0xffffffffULL & ~kCsignal;
      k.exit_signal = word & kCsignal;
      k.dropped = word & ~0xffffffffULL;
      k.pidfd_aliases_parent_tid = true;
      k.route = "clone(2), raw: kernel_clone(lower_32_bits(flags) & ~CSIGNAL, flags & CSIGNAL)";
      return k;
    }
    default:
      break;
  }
  return make_error("entry " + std::string(entry_name(r.entry)) + " is not modelled yet");
}

}  // namespace clonediff::model
