#include "model/flags.hpp"

#include <array>
#include <charconv>

namespace clonediff::model {
namespace {

constexpr unsigned kAll = kLegacyClone | kClone3;

constexpr std::array kFlags = {
    FlagInfo{"CLONE_NEWTIME", flag::NEWTIME, kClone3 | kUnshare,
             "new time namespace (shares a bit with CSIGNAL, so not in legacy clone)", {5, 6, 0},
             "769071ac9f20 \"ns: Introduce Time Namespace\" (v5.6)"},
    FlagInfo{"CLONE_VM", flag::VM, kAll, "share the address space"},
    FlagInfo{"CLONE_FS", flag::FS, kAll | kUnshare, "share root, cwd and umask"},
    FlagInfo{"CLONE_FILES", flag::FILES, kAll | kUnshare, "share the file descriptor table"},
    FlagInfo{"CLONE_SIGHAND", flag::SIGHAND, kAll, "share signal handlers"},
    FlagInfo{"CLONE_PIDFD", flag::PIDFD, kAll, "return a pidfd for the child", {5, 2, 0},
             "b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2)"},
    FlagInfo{"CLONE_PTRACE", flag::PTRACE, kAll, "trace the child too if the caller is traced"},
    FlagInfo{"CLONE_VFORK", flag::VFORK, kAll, "suspend the caller until the child releases its mm"},
    FlagInfo{"CLONE_PARENT", flag::PARENT, kAll, "child gets the caller's parent"},
    FlagInfo{"CLONE_THREAD", flag::THREAD, kAll, "same thread group"},
    FlagInfo{"CLONE_NEWNS", flag::NEWNS, kAll | kUnshare, "new mount namespace"},
    FlagInfo{"CLONE_SYSVSEM", flag::SYSVSEM, kAll | kUnshare, "share the SysV semaphore undo list"},
    FlagInfo{"CLONE_SETTLS", flag::SETTLS, kAll, "set the child's TLS (FS base on x86-64)"},
    FlagInfo{"CLONE_PARENT_SETTID", flag::PARENT_SETTID, kAll, "write the child's tid in the parent"},
    FlagInfo{"CLONE_CHILD_CLEARTID", flag::CHILD_CLEARTID, kAll, "clear the tid and wake a futex at mm release"},
    FlagInfo{"CLONE_DETACHED", flag::DETACHED, kLegacyClone, "ignored by legacy clone; refused by clone3"},
    FlagInfo{"CLONE_UNTRACED", flag::UNTRACED, kAll, "a tracer cannot force CLONE_PTRACE"},
    FlagInfo{"CLONE_CHILD_SETTID", flag::CHILD_SETTID, kAll, "write the child's tid in the child"},
    FlagInfo{"CLONE_NEWCGROUP", flag::NEWCGROUP, kAll | kUnshare, "new cgroup namespace"},
    FlagInfo{"CLONE_NEWUTS", flag::NEWUTS, kAll | kUnshare, "new UTS namespace"},
    FlagInfo{"CLONE_NEWIPC", flag::NEWIPC, kAll | kUnshare, "new IPC namespace"},
    FlagInfo{"CLONE_NEWUSER", flag::NEWUSER, kAll | kUnshare, "new user namespace"},
    FlagInfo{"CLONE_NEWPID", flag::NEWPID, kAll | kUnshare, "new PID namespace"},
    FlagInfo{"CLONE_NEWNET", flag::NEWNET, kAll | kUnshare, "new network namespace"},
    FlagInfo{"CLONE_IO", flag::IO, kAll, "share the I/O context"},
    FlagInfo{"CLONE_CLEAR_SIGHAND", flag::CLEAR_SIGHAND, kClone3, "reset caught signals to SIG_DFL", {5, 5, 0},
             "b612e5df4587 \"clone3: add CLONE_CLEAR_SIGHAND\" (v5.5)"},
    FlagInfo{"CLONE_INTO_CGROUP", flag::INTO_CGROUP, kClone3, "start the child in the cgroup given by fd", {5, 7, 0},
             "ef2c41cf38a7 \"clone3: allow spawning processes into cgroups\" (v5.7)"},
};

}  // namespace

std::uint64_t known_flags(const KernelVersion& v) {
  std::uint64_t known = 0;
  for (const FlagInfo& f : kFlags)
    if (v >= f.since) known |= f.value;
  return known;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<std::uint64_t> parse_one(std::string_view part) {
  if (part.empty()) return make_error("empty flag name (two '|' in a row?)");
  if (part.size() > 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    std::uint64_t v = 0;
    const char* first = part.data() + 2;
    const char* last = part.data() + part.size();
    auto [ptr, ec] = std::from_chars(first, last, v, 16);
    if (ec != std::errc{} || ptr != last) return make_error("bad hex flag value '" + std::string(part) + "'");
    return v;
  }
  if (part == "0") return std::uint64_t{0};
  for (const FlagInfo& f : kFlags) {
    if (part == f.name || (part.size() + 6 == f.name.size() && f.name.substr(6) == part)) return f.value;
  }
  return make_error("unknown flag '" + std::string(part) + "'");
}

}  // namespace

std::span<const FlagInfo> flag_table() { return kFlags; }

const FlagInfo* find_flag(std::uint64_t value) {
  for (const FlagInfo& f : kFlags)
    if (f.value == value) return &f;
  return nullptr;
}

Result<std::uint64_t> parse_flags(std::string_view text) {
  text = trim(text);
  if (text.empty()) return make_error("empty flags (write 0 for none)");
  std::uint64_t flags = 0;
  while (true) {
    const auto bar = text.find('|');
    auto one = parse_one(trim(text.substr(0, bar)));
    if (!one) return one.error();
    flags |= *one;
    if (bar == std::string_view::npos) break;
    text.remove_prefix(bar + 1);
  }
  return flags;
}

std::string format_flags(std::uint64_t flags) {
  if (flags == 0) return "0";
  std::string out;
  for (unsigned bit = 0; bit < 64; ++bit) {
    const std::uint64_t v = std::uint64_t{1} << bit;
    if (!(flags & v)) continue;
    if (!out.empty()) out += '|';
    if (const FlagInfo* f = find_flag(v)) {
      out += f->name;
    } else {
      char buf[24];
      auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, 16);
      (void)ec;
      out += "0x";
      out.append(buf, ptr);
    }
  }
  return out;
}

}  // namespace clonediff::model
