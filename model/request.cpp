#include "model/request.hpp"

#include <array>
#include <charconv>
#include <utility>

#include <algorithm>

#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::model {
namespace {
struct EntryRow {
  Entry entry;
  std::string_view name;
  bool library;  // the C library's: reaches the kernel by a route glibc chooses
};
constexpr std::array<EntryRow, 8> kEntries = {{
    {Entry::fork, "fork", true},
    {Entry::vfork, "vfork", true},
    {Entry::clone, "clone", false},
    {Entry::clone3, "clone3", false},
    {Entry::pthread_create, "pthread_create", true},
    {Entry::posix_spawn, "posix_spawn", true},
    {Entry::system, "system", true},
    {Entry::glibc_clone, "glibc_clone", true},
}};
// The value of a u64 field at `offset` of a struct the kernel copied `size`
// bytes of: whole, none, or its low bytes.
std::uint64_t low_bytes_within(std::uint64_t value, std::uint64_t size, std::uint64_t offset) {
  if (size >= offset + 8) return value;
  if (size <= offset) return 0;
  return value & ((std::uint64_t{1} << (8 * (size - offset))) - 1);
}

}  // namespace

bool is_library_entry(Entry e) {
  for (const EntryRow& row : kEntries)
    if (row.entry == e) return row.library;
  return false;
}

std::string_view entry_name(Entry e) {
  for (const EntryRow& row : kEntries)
    if (row.entry == e) return row.name;
  return "?";
}

Result<Entry> parse_entry(std::string_view name) {
  for (const EntryRow& row : kEntries)
    if (row.name == name) return row.entry;
  return make_error("unknown entry '" + std::string(name) +
                    "' (expected fork, vfork, clone, clone3, pthread_create, posix_spawn, system or glibc_clone)");
}

namespace {

template <typename E, std::size_t N>
std::string_view name_in(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [value, name] : table)
    if (value == e) return name;
  return "?";
}

template <typename E, std::size_t N>
Result<E> parse_in(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s,
                   std::string_view what) {
  std::string known;
  for (const auto& [value, name] : table) {
    if (name == s) return value;
    known += known.empty() ? "" : ", ";
    known += name;
  }
  return make_error("unknown " + std::string(what) + " '" + std::string(s) + "' (" + known + ")");
}

constexpr std::array<std::pair<StackArg, std::string_view>, 5> kStackArgs = {{
    {StackArg::harness, "harness"},
    {StackArg::none, "none"},
    {StackArg::size_without_address, "size_without_address"},
    {StackArg::address_without_size, "address_without_size"},
    {StackArg::kernel_address, "kernel_address"},
}};
constexpr std::array<std::pair<TlsArg, std::string_view>, 3> kTlsArgs = {{
    {TlsArg::none, "none"}, {TlsArg::harness, "harness"}, {TlsArg::non_canonical, "non_canonical"}}};
constexpr std::array<std::pair<CgroupArg, std::string_view>, 5> kCgroupArgs = {{
    {CgroupArg::none, "none"},
    {CgroupArg::harness, "harness"},
    {CgroupArg::bad_fd, "bad_fd"},
    {CgroupArg::not_cgroup, "not_cgroup"},
    {CgroupArg::above_int_max, "above_int_max"},
}};
constexpr std::array<std::pair<TailArg, std::string_view>, 2> kTailArgs = {{
    {TailArg::zero, "zero"}, {TailArg::nonzero, "nonzero"}}};
constexpr std::array<std::pair<ArgsArg, std::string_view>, 3> kArgsArgs = {{
    {ArgsArg::harness, "harness"}, {ArgsArg::unmapped, "unmapped"}, {ArgsArg::at_guard, "at_guard"}}};
constexpr std::array<std::pair<PointerArg, std::string_view>, 2> kPointerArgs = {{
    {PointerArg::harness, "harness"}, {PointerArg::unmapped, "unmapped"}}};
constexpr std::array<std::pair<AfterArg, std::string_view>, 10> kAfterArgs = {{
    {AfterArg::none, "none"},
    {AfterArg::poll, "poll"},
    {AfterArg::waitid, "waitid"},
    {AfterArg::stop, "stop"},
    {AfterArg::info, "info"},
    {AfterArg::thread, "thread"},
    {AfterArg::setns, "setns"},
    {AfterArg::reuse, "reuse"},
    {AfterArg::sigqueue, "sigqueue"},
    {AfterArg::leader_exit, "leader_exit"},
}};

// Why an after= scenario cannot be made with this request, or "" when it can.
// Those through the returned pidfd want one that names a process the caller
// can wait for while it runs: CLONE_PIDFD, the pidfd word the caller's own,
// and no CLONE_THREAD (a thread cannot be stopped or waited for alone),
// CLONE_VFORK (the caller sleeps while the child runs) or CLONE_PARENT (the
// child is not the caller's to wait for).
std::string after_unmakeable(const Request& r) {
  if (r.after == AfterArg::none) return "";
  const std::string what = "after=" + std::string(name_in(kAfterArgs, r.after));
  if (r.entry != Entry::clone && r.entry != Entry::clone3) return what + " is for clone and clone3";
  if (r.flags & flag::VFORK) return what + " needs a caller that runs while the child does: not with CLONE_VFORK";
  if (r.after == AfterArg::reuse) return "";  // the caller's own forks: any child it can run beside
  if (r.after == AfterArg::thread)
    return (r.flags & flag::THREAD) ? "" : what + " opens a thread's pidfd: it needs CLONE_THREAD";
  if (!(r.flags & flag::PIDFD)) return what + " looks through the child's pidfd: it needs CLONE_PIDFD";
  if (r.flags & (flag::THREAD | flag::PARENT))
    return what + " waits for the child: not with CLONE_THREAD or CLONE_PARENT (not the caller's child to wait for)";
  if (r.clone3.pidfd_at != PointerArg::harness || r.clone3.pidfd_is_parent_tid)
    return what + " needs the pidfd in an int of its own (not pidfd=unmapped or pidfd=parent_tid)";
  // The caller watches a CLONE_CHILD_CLEARTID word until the child has gone,
  // before it lets the thread that outlives the leader go.
  if (r.after == AfterArg::leader_exit && (r.flags & flag::CHILD_CLEARTID))
    return what + " is not with CLONE_CHILD_CLEARTID: the caller would watch the tid word until the child has gone, "
                  "and the child goes only when the caller lets its last thread go";
  return "";
}
constexpr std::array<std::pair<FnArg, std::string_view>, 2> kFnArgs = {{
    {FnArg::harness, "harness"}, {FnArg::null, "null"}}};

}  // namespace

std::string_view stack_arg_name(StackArg a) { return name_in(kStackArgs, a); }
std::string_view tls_arg_name(TlsArg a) { return name_in(kTlsArgs, a); }
std::string_view cgroup_arg_name(CgroupArg a) { return name_in(kCgroupArgs, a); }
std::string_view tail_arg_name(TailArg a) { return name_in(kTailArgs, a); }
Result<StackArg> parse_stack_arg(std::string_view s) { return parse_in(kStackArgs, s, "stack"); }
Result<TlsArg> parse_tls_arg(std::string_view s) { return parse_in(kTlsArgs, s, "tls"); }
Result<CgroupArg> parse_cgroup_arg(std::string_view s) { return parse_in(kCgroupArgs, s, "cgroup"); }
Result<TailArg> parse_tail_arg(std::string_view s) { return parse_in(kTailArgs, s, "tail"); }
std::string_view args_arg_name(ArgsArg a) { return name_in(kArgsArgs, a); }
std::string_view pointer_arg_name(PointerArg a) { return name_in(kPointerArgs, a); }
Result<ArgsArg> parse_args_arg(std::string_view s) { return parse_in(kArgsArgs, s, "args"); }
Result<PointerArg> parse_pointer_arg(std::string_view s) { return parse_in(kPointerArgs, s, "pointer"); }
std::string_view after_arg_name(AfterArg a) { return name_in(kAfterArgs, a); }
Result<AfterArg> parse_after_arg(std::string_view s) { return parse_in(kAfterArgs, s, "after"); }
std::string_view fn_arg_name(FnArg a) { return name_in(kFnArgs, a); }
Result<FnArg> parse_fn_arg(std::string_view s) { return parse_in(kFnArgs, s, "fn"); }

Result<std::uint64_t> parse_exit_signal_value(std::string_view s) {
  const auto bad = [&] {
    return make_error("bad exit_signal '" + std::string(s) +
                      "' (a signal name, or a 64-bit number: decimal, 0x hex, or negative)");
  };
  if (s.empty()) return bad();
  const char* end = s.data() + s.size();
  if (s[0] == '-') {
    long long n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), end, n);
    if (ec != std::errc{} || ptr != end) return bad();
    return static_cast<std::uint64_t>(n);  // two's complement, as a C caller's -1 is
  }
  if (s.starts_with("0x") || s.starts_with("0X")) {
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data() + 2, end, n, 16);
    if (s.size() == 2 || ec != std::errc{} || ptr != end) return bad();
    return n;
  }
  if (s[0] >= '0' && s[0] <= '9') {
    std::uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), end, n);
    if (ec != std::errc{} || ptr != end) return bad();
    return n;
  }
  auto named = parse_signal(s);
  if (!named || *named < 0) return bad();
  return static_cast<std::uint64_t>(*named);
}

std::string tid_spec_text(const TidSpec& t) {
  switch (t.kind) {
    case TidSpec::Kind::free: return "free";
    case TidSpec::Kind::in_use: return "in_use";
    case TidSpec::Kind::reaped: return "reaped";
    case TidSpec::Kind::number: break;
  }
  return std::to_string(t.number);
}

Result<TidSpec> parse_tid_spec(std::string_view s) {
  if (s == "free") return TidSpec{TidSpec::Kind::free, 0};
  if (s == "in_use") return TidSpec{TidSpec::Kind::in_use, 0};
  if (s == "reaped") return TidSpec{TidSpec::Kind::reaped, 0};
  long long n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size())
    return make_error("a set_tid entry is a number, free, in_use or reaped, not '" + std::string(s) + "'");
  return TidSpec{TidSpec::Kind::number, n};
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

bool shares_callers_stack(const Request& r) {
  const bool no_address =
      r.stack == StackArg::none || (r.entry == Entry::clone3 && r.stack == StackArg::size_without_address);
  return no_address && (r.flags & flag::VM) && !(r.flags & flag::VFORK);
}

Status validate(const Request& r) {
  if (const std::string why = after_unmakeable(r); !why.empty()) return make_error(why);
  if (r.after == AfterArg::reuse && (r.rounds < 2 || r.rounds > kMaxReuseRounds))
    return make_error("after=reuse needs rounds=N, 2 to " + std::to_string(kMaxReuseRounds));
  if (r.after != AfterArg::reuse && r.rounds != 0) return make_error("rounds= is for after=reuse");
  // parent_tid and child_tid are legacy clone's arguments too.
  Clone3Args only_clone3 = r.clone3;
  if (r.entry == Entry::clone) only_clone3.parent_tid_at = only_clone3.child_tid_at = PointerArg::harness;
  if (r.entry != Entry::clone3 && only_clone3 != Clone3Args{})
    return make_error("size, set_tid, set_tid_size, cgroup, tail, pidfd, stack_size and args are clone3 fields");
  if (r.entry != Entry::clone3 && r.entry != Entry::clone && r.clone3 != Clone3Args{})
    return make_error("parent_tid and child_tid are arguments of clone and clone3");
  const bool legacy = r.entry == Entry::clone || r.entry == Entry::glibc_clone;
  if (!legacy && r.entry != Entry::clone3 && (r.stack != StackArg::harness || r.tls != TlsArg::none))
    return make_error("stack and tls are arguments of clone, clone3 and glibc_clone");
  if (legacy && r.stack != StackArg::harness && r.stack != StackArg::none)
    return make_error(std::string(entry_name(r.entry)) + " takes a stack or none; '" +
                      std::string(stack_arg_name(r.stack)) + "' is a clone3 case");
  if (r.entry != Entry::glibc_clone && r.fn != FnArg::harness) return make_error("fn is an argument of glibc_clone");
  switch (r.entry) {
    case Entry::fork:
    case Entry::vfork:
      if (r.flags != 0) return make_error(std::string(entry_name(r.entry)) + "() takes no flags");
      if (r.exit_signal != kSigchld)
        return make_error(std::string(entry_name(r.entry)) + "() always uses SIGCHLD as the exit signal");
      return ok_status();
    case Entry::glibc_clone:
      // __clone(int (*fn)(void*), void* stack, int flags, void* arg, ...): an int.
      if (r.flags > 0xffffffffULL)
        return make_error("glibc's clone() takes its flags as an int: bits above 31 cannot be passed (use clone)");
      [[fallthrough]];
    case Entry::clone:
      if (r.flags & kCsignal)
        return make_error("for legacy clone the low byte of the flags word is the exit signal: give it as exit_signal, not as flags");
      if (r.exit_signal > kCsignal)
        return make_error("legacy clone carries its exit signal in one byte: " + std::to_string(r.exit_signal) + " does not fit");
      return ok_status();
    case Entry::clone3: {
      const Clone3Args& c = r.clone3;
      if (c.set_tid && c.set_tid->size() > kMaxSetTidEntries)
        return make_error("at most " + std::to_string(kMaxSetTidEntries) + " set_tid entries");
      if (c.set_tid && c.set_tid_at == PointerArg::unmapped)
        return make_error("set_tid is a list of pids or unmapped, not both");
      if (c.pidfd_is_parent_tid && c.pidfd_at == PointerArg::unmapped)
        return make_error("pidfd is parent_tid or unmapped, not both");
      if (c.args != ArgsArg::harness && c.tail == TailArg::nonzero)
        return make_error("tail=nonzero needs the struct in the harness's buffer: with args=" +
                          std::string(args_arg_name(c.args)) + " the bytes beyond 88 are not mapped");
      if (c.stack_size && r.stack == StackArg::address_without_size)
        return make_error("stack=address_without_size has stack_size 0; for another size give stack=harness stack_size=N");
      if (c.stack_size && r.stack == StackArg::harness && *c.stack_size > kMaxHarnessStackSize)
        return make_error("with stack=harness, stack_size is at most " + std::to_string(kMaxHarnessStackSize) +
                          " (the stack field is the harness stack's top minus it)");
      return ok_status();
    }
    case Entry::pthread_create:
    case Entry::posix_spawn:
    case Entry::system:
      if (r.flags != 0) return make_error(std::string(entry_name(r.entry)) + "() takes no flags");
      return ok_status();
  }
  return make_error("bad entry");
}

// One case per entry, each the route that entry takes to kernel_clone() with
// its reason: read as a table, longer than 80 lines because there are seven.
Result<KernelCall> kernel_call(const Request& r) {
  if (auto st = validate(r); !st) return st.error();
  KernelCall k;
  k.after = r.after;
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
      k.stack = r.stack;
      k.tls = r.tls;
      // The same faults as clone3's, with one pointer for pidfd and parent_tid.
      k.parent_tid_fault = r.clone3.parent_tid_at == PointerArg::unmapped;
      k.pidfd_fault = k.parent_tid_fault;
      k.child_tid_fault = r.clone3.child_tid_at == PointerArg::unmapped;
      k.route = "clone(2), raw: kernel_clone(lower_32_bits(flags) & ~CSIGNAL, flags & CSIGNAL)";
      return k;
    }
    case Entry::glibc_clone: {
      // glibc sysdeps/unix/sysv/linux/x86_64/clone.S, __clone(): EINVAL for a
      // NULL fn, then for a NULL stack, before any system call; else the
      // clone system call with the flags int as its word, and in the child
      // SYS_exit of fn's return value.
      Request raw = r;
      raw.entry = Entry::clone;
      raw.fn = FnArg::harness;
      auto made = kernel_call(raw);
      if (!made) return made.error();
      made->library_null_fn = r.fn == FnArg::null;
      made->library_null_stack = r.stack == StackArg::none;
      made->exit_status_from_fn = true;
      made->route = made->library_null_fn || made->library_null_stack
                        ? "glibc clone(" + std::string(made->library_null_fn ? "NULL fn" : "fn") + ", " +
                              (made->library_null_stack ? "NULL stack" : "stack") + ", ...) -> no system call"
                        : "glibc clone(fn, stack, flags, ...) -> clone(flags, stack); the child exits with fn's value";
      return made;
    }
    case Entry::clone3: {
      // copy_clone_args_from_user(): what lies beyond `size` reads as zero.
      const Clone3Args& c = r.clone3;
      k.syscall = Syscall::clone3;
      k.flags = r.flags;
      k.exit_signal = r.exit_signal;
      k.pidfd_aliases_parent_tid = c.pidfd_is_parent_tid;
      k.stack = r.stack;
      k.tls = r.tls;
      k.size = c.size;
      k.tail_nonzero = c.size > kCloneArgsSizeVer2 && c.tail == TailArg::nonzero;
      // copy_struct_from_user() copies `size` bytes, byte by byte: a field
      // that lies partly within it reads as its low bytes (x86-64 is
      // little-endian). The harness's set_tid array has an address whose low
      // byte is not zero, so any part of the pointer within `size` makes it
      // non-NULL. (cgroup counts only with CLONE_INTO_CGROUP, which wants the
      // whole struct: the clone3.into_cgroup_args rule.)
      if (c.size > kSetTidOffset) {
        k.set_tid_pointer = c.set_tid.has_value();
        k.set_tid_size = low_bytes_within(c.set_tid_size.value_or(c.set_tid ? c.set_tid->size() : 0), c.size,
                                          kSetTidSizeOffset);
        if (c.set_tid) {
          // The harness's array is zero beyond the entries given.
          const std::size_t n = std::min<std::uint64_t>(k.set_tid_size, kMaxSetTidEntries);
          for (std::size_t i = 0; i < n; ++i) k.set_tid.push_back(i < c.set_tid->size() ? (*c.set_tid)[i] : TidSpec{});
        }
      }
      if (c.size > kSetTidOffset && c.set_tid_at == PointerArg::unmapped) {
        // The PROT_NONE page's address has a non-zero low byte too.
        k.set_tid_pointer = true;
        k.set_tid_size = low_bytes_within(c.set_tid_size.value_or(1), c.size, kSetTidSizeOffset);
        k.set_tid_fault = k.set_tid_size > 0;
      }
      if (c.size >= kCloneArgsSizeVer2) k.cgroup = c.cgroup;
      // clone3_stack_valid()'s view of stack and stack_size.
      switch (r.stack) {
        case StackArg::harness: k.stack_size = c.stack_size.value_or(kHarnessStackSize); break;
        case StackArg::none: k.stack_address_zero = true; k.stack_size = c.stack_size.value_or(0); break;
        case StackArg::size_without_address:
          k.stack_address_zero = true;
          k.stack_size = c.stack_size.value_or(kPageSize);
          break;
        case StackArg::address_without_size: k.stack_size = 0; break;
        case StackArg::kernel_address:
          k.stack_size = c.stack_size.value_or(kPageSize);
          k.stack_in_user_space = false;
          break;
      }
      k.args_fault = c.args == ArgsArg::unmapped || (c.args == ArgsArg::at_guard && c.size > kCloneArgsSizeVer2);
      k.parent_tid_fault = c.parent_tid_at == PointerArg::unmapped;
      k.pidfd_fault = c.pidfd_at == PointerArg::unmapped || (c.pidfd_is_parent_tid && k.parent_tid_fault);
      k.child_tid_fault = c.child_tid_at == PointerArg::unmapped;
      k.route = "clone3(2), raw: copy_clone_args_from_user(size " + std::to_string(c.size) +
                "), clone3_args_valid(), kernel_clone()";
      return k;
    }
    case Entry::pthread_create:
    case Entry::posix_spawn:
    case Entry::system: {
      // glibc 2.36 on x86-64, as its supervised runs record it: __clone_internal()
      // makes a clone3 with its own stack (and TLS for a thread). A live run
      // predicts from the route it recorded instead.
      Request as_made{Entry::clone3, 0, 0};
      if (r.entry == Entry::pthread_create) {
        as_made.flags = flag::VM | flag::FS | flag::FILES | flag::SIGHAND | flag::THREAD | flag::SYSVSEM |
                        flag::SETTLS | flag::PARENT_SETTID | flag::CHILD_CLEARTID;
        as_made.tls = TlsArg::harness;
      } else {
        as_made.flags = flag::VM | flag::VFORK;
        as_made.exit_signal = kSigchld;
      }
      auto made = kernel_call(as_made);
      if (!made) return made.error();
      made->route = "glibc " + std::string(entry_name(r.entry)) + "() -> clone3(" + format_flags(as_made.flags) +
                 ", exit " + std::to_string(as_made.exit_signal) + ", own stack)" +
                 (r.entry == Entry::system ? " of /bin/sh -c" : "") + " [glibc 2.36; not recorded]";
      return made;
    }
  }
  return make_error("entry " + std::string(entry_name(r.entry)) + " is not modelled yet");
}

}  // namespace clonediff::model
