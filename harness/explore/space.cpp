#include "harness/explore/space.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>

#include "harness/case/context_option.hpp"
#include "model/caller.hpp"
#include "model/context_changes.hpp"
#include "model/flags.hpp"

namespace clonediff::explore {
namespace {

using harness::CatalogueCase;
using model::Entry;
using model::TidSpec;

constexpr std::uint64_t kSigchld = model::kSigchld;
// Legacy clone: bits 8..31 (every one named) reach copy_process(); bits
// 32..63 are dropped by sys_clone. clone3: the whole word; bits 7..33 named.
constexpr std::uint64_t kLegacyNamed = 0xffffff00ULL;
constexpr std::uint64_t kClone3Named = 0x3ffffff80ULL;
constexpr std::uint64_t kLegacyHigh[] = {1ULL << 32, 1ULL << 33, 1ULL << 34, 1ULL << 40, 1ULL << 63};
constexpr std::uint64_t kClone3Odd[] = {1ULL << 0, 1ULL << 3, 1ULL << 6, 1ULL << 34, 1ULL << 35, 1ULL << 48, 1ULL << 63};

// Exit signals at the boundaries the kernel draws: 0, the signals the caller
// cannot block (9, 19), the first real-time ones (32, 33), _NSIG (64) and
// just above, the byte's top bit and its end (legacy), the low byte's end and
// bits above it (clone3).
constexpr std::uint64_t kLegacySignals[] = {0, 1, 9, 17, 19, 31, 32, 33, 34, 63, 64, 65, 127, 128, 145, 255};
constexpr std::uint64_t kClone3Signals[] = {0,  1,   9,   17,    19,          32,          33,
                                            64, 65,  128, 255,   256,         0x111,       0x100000011ULL,
                                            1ULL << 32,          1ULL << 62,  1ULL << 63,  0xbadc0ded00000000ULL,
                                            ~0ULL};
// clone3 sizes at the kernel's boundaries: below VER0 (64), VER0, VER1 (80),
// VER2 (88), beyond (a tail), a page and beyond.
constexpr std::uint64_t kSizes[] = {0, 8, 32, 63, 64, 72, 79, 80, 81, 87, 88, 89, 96, 128, 512, 4095, 4096, 4097, 8192};
constexpr std::uint64_t kSetTidSizes[] = {0, 1, 2, 3, 31, 32, 33, 64, 65, 1ULL << 32};
constexpr Entry kLibraryEntries[] = {Entry::fork, Entry::vfork, Entry::pthread_create, Entry::posix_spawn, Entry::system};
constexpr model::StackArg kStacks[] = {model::StackArg::harness, model::StackArg::none,
                                       model::StackArg::size_without_address, model::StackArg::address_without_size,
                                       model::StackArg::kernel_address};
// clone3 stack sizes: none, a few bytes, a page, the most the harness's stack
// takes (its top minus the size), and the largest (for a stack of no address
// or the kernel's).
constexpr std::uint64_t kStackSizes[] = {0, 4, 4096, model::kMaxHarnessStackSize, ~0ULL};
constexpr model::ArgsArg kArgsArgs[] = {model::ArgsArg::harness, model::ArgsArg::unmapped, model::ArgsArg::at_guard};
constexpr model::TlsArg kTls[] = {model::TlsArg::none, model::TlsArg::harness, model::TlsArg::non_canonical};
constexpr model::CgroupArg kCgroups[] = {model::CgroupArg::none, model::CgroupArg::harness, model::CgroupArg::bad_fd,
                                         model::CgroupArg::not_cgroup, model::CgroupArg::above_int_max};

bool is_raw(Entry e) { return e == Entry::clone || e == Entry::clone3; }
bool is_library(Entry e) { return !is_raw(e); }

std::vector<std::uint64_t> bits_of(std::uint64_t mask) {
  std::vector<std::uint64_t> out;
  for (unsigned b = 0; b < 64; ++b)
    if (mask & (1ULL << b)) out.push_back(1ULL << b);
  return out;
}

// set_tid's numbers, each one whose fate the model knows: pid 1 (init's,
// outside a namespace the child starts), the range check's edges (0, -1,
// kernel.pid_max, PID_MAX_LIMIT and one below it, which a namespace below the
// initial one allows since 6.14 and nobody there has reached), the int32 the
// harness's array holds at most. A number in range is free or not as the
// machine has it (pid 2 is kthreadd's in the initial namespace): "free" and
// "in_use" stand for those, as the harness resolves them.
std::vector<long long> tid_numbers(long long pid_max) {
  return {1, 0, -1, pid_max, 4194303, 4194304, 2147483647};
}

TidSpec random_tid(Rng& rng, long long pid_max) {
  const std::uint64_t roll = rng.below(100);
  if (roll < 40) return {TidSpec::Kind::free, 0};
  if (roll < 55) return {TidSpec::Kind::in_use, 0};
  if (roll < 70) return {TidSpec::Kind::number, 1};
  const auto numbers = tid_numbers(pid_max);
  return {TidSpec::Kind::number, numbers[rng.index(numbers.size())]};
}

std::uint64_t random_flags(Rng& rng, Entry e) {
  using namespace model::flag;
  const std::vector<std::uint64_t> named = bits_of(e == Entry::clone ? kLegacyNamed : kClone3Named);
  // Few flags mostly, sometimes many: the rules read combinations of two to four.
  static constexpr std::uint64_t kCounts[] = {0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8, 12};
  const std::uint64_t n = kCounts[rng.index(std::size(kCounts))];
  std::uint64_t flags = 0;
  for (std::uint64_t i = 0; i < n; ++i) flags |= named[rng.index(named.size())];
  // The bundles threads and shared handlers need, so their paths are reached.
  const std::uint64_t bundle = rng.below(100);
  if (bundle < 15)
    flags |= VM | SIGHAND | THREAD;
  else if (bundle < 25)
    flags |= VM | SIGHAND;
  else if (bundle < 30)
    flags |= VM | VFORK;
  if (rng.chance(1, 12)) {
    if (e == Entry::clone)
      flags |= kLegacyHigh[rng.index(std::size(kLegacyHigh))];
    else
      flags |= kClone3Odd[rng.index(std::size(kClone3Odd))];
  }
  return flags;
}

std::uint64_t random_exit_signal(Rng& rng, Entry e) {
  const std::uint64_t roll = rng.below(100);
  if (roll < 45) return kSigchld;
  if (roll < 60) return 0;
  if (e == Entry::clone) {
    if (roll < 85) return kLegacySignals[rng.index(std::size(kLegacySignals))];
    return rng.below(256);
  }
  if (roll < 85) return kClone3Signals[rng.index(std::size(kClone3Signals))];
  return rng.below(66);
}

std::size_t context_rank(const std::string& context, const Space& space) {
  const auto it = std::find(space.contexts.begin(), space.contexts.end(), context);
  return static_cast<std::size_t>(it - space.contexts.begin());
}

std::uint64_t capped(std::uint64_t v) { return std::min<std::uint64_t>(v, 1ULL << 40); }

std::uint64_t tid_cost(const TidSpec& t) {
  switch (t.kind) {
    case TidSpec::Kind::free: return 1;
    case TidSpec::Kind::in_use: return 2;
    case TidSpec::Kind::reaped: return 2;
    case TidSpec::Kind::number: break;
  }
  return t.number == 1 ? 0 : 3 + capped(static_cast<std::uint64_t>(std::llabs(t.number)));
}

bool valid(const CatalogueCase& c) { return static_cast<bool>(model::validate(c.request)); }

// The capabilities the rules consult (model/rules.cpp, model/caller.cpp):
// dropping one of them changes what a call may do.
constexpr int kRuleCaps[] = {21 /* CAP_SYS_ADMIN */, 24 /* CAP_SYS_RESOURCE */, 40 /* CAP_CHECKPOINT_RESTORE */,
                             6 /* CAP_SETGID */,     7 /* CAP_SETUID */};
constexpr std::uint8_t kCapSets[] = {model::kEffective | model::kPermitted | model::kBounding,
                                     model::kEffective | model::kPermitted, model::kEffective, model::kBounding};

// The drawn context, changed one time in ten (Space::draw_changes).
std::string random_context(Rng& rng, const Space& space) {
  std::string name = space.contexts.empty() ? "root" : space.contexts[rng.index(space.contexts.size())];
  if (!space.draw_changes || !rng.chance(1, 10)) return name;
  auto spec = model::parse_context_name(name);
  if (!spec) return name;
  const std::uint64_t roll = rng.below(4);
  if (roll < 2)
    model::drop_cap(spec->changes, kRuleCaps[rng.index(std::size(kRuleCaps))], kCapSets[rng.index(std::size(kCapSets))]);
  else if (roll == 2)
    spec->changes.userns_unmapped = true;
  else
    spec->changes.fd_table_full = true;
  std::string changed = model::context_name(*spec);
  if (!model::caller_preset(changed)) return name;  // a change this preset cannot take (userns_depth at its deepest)
  const auto& no = space.unbuildable_changed;
  return std::find(no.begin(), no.end(), changed) == no.end() ? changed : name;
}

void add_if_valid(std::vector<CatalogueCase>& out, CatalogueCase c) {
  if (valid(c)) out.push_back(std::move(c));
}

}  // namespace

Space whole_space(long long pid_max) {
  Space s;
  for (std::string_view name : model::caller_preset_names()) s.contexts.emplace_back(name);
  // root first, then unpriv: the simplest contexts lead (the shrinker's order).
  s.entries = {Entry::clone, Entry::clone3, Entry::fork, Entry::vfork, Entry::pthread_create, Entry::posix_spawn,
               Entry::system};
  s.pid_max = pid_max;
  return s;
}

Result<Space> space_of_contexts(const std::vector<std::string>& contexts, long long pid_max) {
  Space s = whole_space(pid_max);
  if (contexts.empty()) return s;
  std::vector<std::string> kept;
  // In the whole space's order, so that the simplest stays first.
  for (const std::string& name : s.contexts)
    if (std::find(contexts.begin(), contexts.end(), name) != contexts.end()) kept.push_back(name);
  for (const std::string& wanted : contexts) {
    auto name = harness::parse_context_option(wanted);
    if (!name) return name.error();
    if (std::find(kept.begin(), kept.end(), *name) == kept.end()) kept.push_back(*name);  // a changed context: last
  }
  s.contexts = std::move(kept);
  return s;
}

CatalogueCase random_case(Rng& rng, const Space& space) {
  CatalogueCase c;
  c.context = random_context(rng, space);
  // The raw calls carry the space; the C library's entries are a few cases.
  std::vector<Entry> weighted;
  for (Entry e : space.entries)
    for (int w = 0; w < (is_raw(e) ? 20 : 1); ++w) weighted.push_back(e);
  const Entry e = weighted.empty() ? Entry::clone : weighted[rng.index(weighted.size())];
  model::Request& r = c.request;
  r.entry = e;
  r.exit_signal = kSigchld;
  if (is_library(e)) {
    c.clone3_enosys = e != Entry::vfork && rng.chance(3, 10);
    return c;
  }
  r.flags = random_flags(rng, e);
  r.exit_signal = random_exit_signal(rng, e);
  const std::uint64_t stack_roll = rng.below(100);
  if (e == Entry::clone)
    r.stack = stack_roll < 85 ? model::StackArg::harness : model::StackArg::none;
  else
    r.stack = stack_roll < 80 ? model::StackArg::harness : kStacks[1 + rng.index(std::size(kStacks) - 1)];
  const std::uint64_t tls_roll = rng.below(100);
  r.tls = tls_roll < 70 ? model::TlsArg::none : tls_roll < 92 ? model::TlsArg::harness : model::TlsArg::non_canonical;
  if (e == Entry::clone3) {
    model::Clone3Args& a = r.clone3;
    if (rng.chance(1, 4)) a.size = kSizes[rng.index(std::size(kSizes))];
    if (rng.chance(1, 5)) {
      static constexpr std::size_t kLengths[] = {1, 1, 1, 1, 1, 2, 2, 3, 0, 4, 8, 32, 33, 40};
      const std::size_t n = kLengths[rng.index(std::size(kLengths))];
      a.set_tid.emplace();
      for (std::size_t i = 0; i < n; ++i) a.set_tid->push_back(random_tid(rng, space.pid_max));
      if (rng.chance(1, 4)) r.flags |= model::flag::NEWPID;
    }
    if (rng.chance(3, 20)) a.set_tid_size = kSetTidSizes[rng.index(std::size(kSetTidSizes))];
    if (rng.chance(1, 5)) {
      a.cgroup = kCgroups[1 + rng.index(std::size(kCgroups) - 1)];
      if (rng.chance(1, 2)) r.flags |= model::flag::INTO_CGROUP;
    }
    if (a.size > model::kCloneArgsSizeVer2 && rng.chance(1, 2)) a.tail = model::TailArg::nonzero;
    a.pidfd_is_parent_tid = rng.chance(1, 10);
    // Any stack_size the stack can take, and pointers into a PROT_NONE page.
    if (r.stack != model::StackArg::address_without_size && rng.chance(1, 10)) {
      const std::size_t n = std::size(kStackSizes) - (r.stack == model::StackArg::harness ? 1 : 0);
      a.stack_size = kStackSizes[rng.index(n)];
    }
    if (rng.chance(1, 20)) {
      a.args = kArgsArgs[1 + rng.index(std::size(kArgsArgs) - 1)];
      a.tail = model::TailArg::zero;
    }
    if (rng.chance(1, 20)) {
      a.pidfd_at = model::PointerArg::unmapped;
      a.pidfd_is_parent_tid = false;
    }
    if (rng.chance(1, 20)) a.parent_tid_at = model::PointerArg::unmapped;
    if (rng.chance(1, 20)) a.child_tid_at = model::PointerArg::unmapped;
    if (!a.set_tid && rng.chance(1, 20)) a.set_tid_at = model::PointerArg::unmapped;
  }
  if (valid(c)) return c;
  CatalogueCase plain;  // never expected: every draw above is valid
  plain.context = c.context;
  return plain;
}

std::vector<CatalogueCase> neighbours(const CatalogueCase& c, const Space& space) {
  std::vector<CatalogueCase> out;
  out.reserve(160);  // about as many as a clone3 case has: grown once, not eight times
  const model::Request& r = c.request;
  for (const std::string& context : space.contexts) {
    if (context == c.context) continue;
    CatalogueCase n = c;
    n.context = context;
    out.push_back(std::move(n));
  }
  if (is_library(r.entry)) {
    for (Entry e : kLibraryEntries) {
      if (e == r.entry) continue;
      CatalogueCase n = c;
      n.request.entry = e;
      n.clone3_enosys = c.clone3_enosys && e != Entry::vfork;
      out.push_back(std::move(n));
    }
    CatalogueCase n = c;
    n.clone3_enosys = !c.clone3_enosys;
    add_if_valid(out, std::move(n));
    return out;
  }
  const bool legacy = r.entry == Entry::clone;
  std::vector<std::uint64_t> bits = bits_of(legacy ? kLegacyNamed : kClone3Named);
  if (legacy)
    bits.insert(bits.end(), {1ULL << 32, 1ULL << 33});
  else
    bits.insert(bits.end(), {1ULL << 0, 1ULL << 34});
  for (std::uint64_t b : bits) {
    CatalogueCase n = c;
    n.request.flags ^= b;
    add_if_valid(out, std::move(n));
  }
  for (std::uint64_t sig : legacy ? std::vector<std::uint64_t>(std::begin(kLegacySignals), std::end(kLegacySignals))
                                  : std::vector<std::uint64_t>(std::begin(kClone3Signals), std::end(kClone3Signals))) {
    if (sig == r.exit_signal) continue;
    CatalogueCase n = c;
    n.request.exit_signal = sig;
    add_if_valid(out, std::move(n));
  }
  for (model::StackArg s : kStacks) {
    if (s == r.stack) continue;
    CatalogueCase n = c;
    n.request.stack = s;
    add_if_valid(out, std::move(n));
  }
  for (model::TlsArg t : kTls) {
    if (t == r.tls) continue;
    CatalogueCase n = c;
    n.request.tls = t;
    add_if_valid(out, std::move(n));
  }
  // The other raw entry, with what it can carry of this one.
  {
    CatalogueCase n = c;
    n.request.clone3 = {};
    if (legacy) {
      n.request.entry = Entry::clone3;
    } else {
      n.request.entry = Entry::clone;
      n.request.flags &= ~model::kCsignal;
      if (n.request.exit_signal > model::kCsignal) n.request.exit_signal = kSigchld;
      if (n.request.stack != model::StackArg::none) n.request.stack = model::StackArg::harness;
    }
    add_if_valid(out, std::move(n));
  }
  if (legacy) return out;
  const model::Clone3Args& a = r.clone3;
  for (std::uint64_t size : {64ULL, 80ULL, 88ULL, 96ULL, 63ULL, 4096ULL, 4097ULL}) {
    if (size == a.size) continue;
    CatalogueCase n = c;
    n.request.clone3.size = size;
    if (size <= model::kCloneArgsSizeVer2) n.request.clone3.tail = model::TailArg::zero;
    out.push_back(std::move(n));
  }
  {
    CatalogueCase n = c;
    n.request.clone3.tail = a.tail == model::TailArg::zero ? model::TailArg::nonzero : model::TailArg::zero;
    if (n.request.clone3.size <= model::kCloneArgsSizeVer2) n.request.clone3.size = 96;
    out.push_back(std::move(n));
  }
  if (!a.set_tid) {
    for (TidSpec t : {TidSpec{TidSpec::Kind::free, 0}, TidSpec{TidSpec::Kind::number, 1}}) {
      CatalogueCase n = c;
      n.request.clone3.set_tid = std::vector<TidSpec>{t};
      out.push_back(std::move(n));
    }
  } else {
    CatalogueCase none = c;
    none.request.clone3.set_tid.reset();
    out.push_back(std::move(none));
    if (a.set_tid->size() < model::kMaxSetTidEntries) {
      CatalogueCase more = c;
      more.request.clone3.set_tid->push_back({TidSpec::Kind::free, 0});
      out.push_back(std::move(more));
    }
    if (!a.set_tid->empty()) {
      CatalogueCase fewer = c;
      fewer.request.clone3.set_tid->pop_back();
      out.push_back(std::move(fewer));
    }
    for (std::size_t i = 0; i < a.set_tid->size() && i < 4; ++i)
      for (TidSpec t : {TidSpec{TidSpec::Kind::number, 1}, TidSpec{TidSpec::Kind::free, 0},
                        TidSpec{TidSpec::Kind::in_use, 0}, TidSpec{TidSpec::Kind::number, 0}}) {
        if ((*a.set_tid)[i] == t) continue;
        CatalogueCase n = c;
        (*n.request.clone3.set_tid)[i] = t;
        out.push_back(std::move(n));
      }
  }
  for (std::optional<std::uint64_t> size : {std::optional<std::uint64_t>{}, std::optional<std::uint64_t>{0},
                                             std::optional<std::uint64_t>{1}, std::optional<std::uint64_t>{33}}) {
    if (size == a.set_tid_size) continue;
    CatalogueCase n = c;
    n.request.clone3.set_tid_size = size;
    out.push_back(std::move(n));
  }
  for (model::CgroupArg g : kCgroups) {
    if (g == a.cgroup) continue;
    CatalogueCase n = c;
    n.request.clone3.cgroup = g;
    out.push_back(std::move(n));
  }
  CatalogueCase alias = c;
  alias.request.clone3.pidfd_is_parent_tid = !a.pidfd_is_parent_tid;
  out.push_back(std::move(alias));
  for (std::optional<std::uint64_t> size : {std::optional<std::uint64_t>{}, std::optional<std::uint64_t>{0},
                                             std::optional<std::uint64_t>{4}, std::optional<std::uint64_t>{~0ULL}}) {
    if (size == a.stack_size) continue;
    CatalogueCase n = c;
    n.request.clone3.stack_size = size;
    out.push_back(std::move(n));
  }
  for (model::ArgsArg where : kArgsArgs) {
    if (where == a.args) continue;
    CatalogueCase n = c;
    n.request.clone3.args = where;
    if (where != model::ArgsArg::harness) n.request.clone3.tail = model::TailArg::zero;
    out.push_back(std::move(n));
  }
  // Each pointer field into the PROT_NONE page, or back.
  const auto toggled = [](model::PointerArg p) {
    return p == model::PointerArg::harness ? model::PointerArg::unmapped : model::PointerArg::harness;
  };
  for (model::PointerArg model::Clone3Args::*field :
       {&model::Clone3Args::pidfd_at, &model::Clone3Args::parent_tid_at, &model::Clone3Args::child_tid_at,
        &model::Clone3Args::set_tid_at}) {
    CatalogueCase n = c;
    n.request.clone3.*field = toggled(a.*field);
    if (field == &model::Clone3Args::pidfd_at) n.request.clone3.pidfd_is_parent_tid = false;
    if (field == &model::Clone3Args::set_tid_at) n.request.clone3.set_tid.reset();
    out.push_back(std::move(n));
  }
  std::erase_if(out, [](const CatalogueCase& n) { return !valid(n); });
  return out;
}

Complexity complexity(const CatalogueCase& c, const Space& space) {
  const model::Request& r = c.request;
  const model::Clone3Args& a = r.clone3;
  Complexity k{};
  k[0] = static_cast<std::uint64_t>(std::popcount(r.flags));
  std::uint64_t options = 0, values = 0;
  if (r.exit_signal != kSigchld) {
    ++options;
    values += capped(r.exit_signal);
  }
  if (c.context != "root") ++options;
  if (r.stack != model::StackArg::harness) ++options;
  if (r.tls != model::TlsArg::none) ++options;
  if (a.size != model::kCloneArgsSizeVer2) {
    ++options;
    values += capped(a.size > model::kCloneArgsSizeVer2 ? a.size - model::kCloneArgsSizeVer2
                                                        : model::kCloneArgsSizeVer2 - a.size);
  }
  if (a.set_tid) {
    ++options;
    values += a.set_tid->size();
    for (const TidSpec& t : *a.set_tid) values += tid_cost(t);
  }
  if (a.set_tid_size) {
    ++options;
    values += capped(*a.set_tid_size);
  }
  if (a.cgroup != model::CgroupArg::none) ++options;
  if (a.tail != model::TailArg::zero) ++options;
  if (a.pidfd_is_parent_tid) ++options;
  if (a.stack_size) {
    ++options;
    values += capped(*a.stack_size);
  }
  if (a.args != model::ArgsArg::harness) ++options;
  for (model::PointerArg p : {a.pidfd_at, a.parent_tid_at, a.child_tid_at, a.set_tid_at})
    if (p != model::PointerArg::harness) ++options;
  if (c.clone3_enosys) ++options;
  k[1] = options;
  k[2] = context_rank(c.context, space);
  k[3] = values;
  return k;
}

std::vector<CatalogueCase> simpler(const CatalogueCase& c, const Space& space) {
  std::vector<CatalogueCase> out;
  const model::Request& r = c.request;
  const model::Clone3Args& a = r.clone3;
  // One flag fewer, the highest bit first (the odd ones are high).
  for (int b = 63; b >= 0; --b) {
    const std::uint64_t bit = 1ULL << b;
    if (!(r.flags & bit)) continue;
    CatalogueCase n = c;
    n.request.flags &= ~bit;
    out.push_back(std::move(n));
  }
  // An option back to its default.
  const auto with = [&](auto change) {
    CatalogueCase n = c;
    change(n);
    out.push_back(std::move(n));
  };
  if (c.clone3_enosys) with([](CatalogueCase& n) { n.clone3_enosys = false; });
  if (is_raw(r.entry) && r.exit_signal != kSigchld) with([](CatalogueCase& n) { n.request.exit_signal = kSigchld; });
  if (c.context != "root") with([](CatalogueCase& n) { n.context = "root"; });
  if (r.stack != model::StackArg::harness) with([](CatalogueCase& n) { n.request.stack = model::StackArg::harness; });
  if (r.tls != model::TlsArg::none) with([](CatalogueCase& n) { n.request.tls = model::TlsArg::none; });
  if (a.set_tid) with([](CatalogueCase& n) { n.request.clone3.set_tid.reset(); });
  if (a.set_tid_size) with([](CatalogueCase& n) { n.request.clone3.set_tid_size.reset(); });
  if (a.cgroup != model::CgroupArg::none) with([](CatalogueCase& n) { n.request.clone3.cgroup = model::CgroupArg::none; });
  if (a.tail != model::TailArg::zero) with([](CatalogueCase& n) { n.request.clone3.tail = model::TailArg::zero; });
  if (a.pidfd_is_parent_tid) with([](CatalogueCase& n) { n.request.clone3.pidfd_is_parent_tid = false; });
  if (a.stack_size) with([](CatalogueCase& n) { n.request.clone3.stack_size.reset(); });
  if (a.args != model::ArgsArg::harness) with([](CatalogueCase& n) { n.request.clone3.args = model::ArgsArg::harness; });
  if (a.pidfd_at != model::PointerArg::harness)
    with([](CatalogueCase& n) { n.request.clone3.pidfd_at = model::PointerArg::harness; });
  if (a.parent_tid_at != model::PointerArg::harness)
    with([](CatalogueCase& n) { n.request.clone3.parent_tid_at = model::PointerArg::harness; });
  if (a.child_tid_at != model::PointerArg::harness)
    with([](CatalogueCase& n) { n.request.clone3.child_tid_at = model::PointerArg::harness; });
  if (a.set_tid_at != model::PointerArg::harness)
    with([](CatalogueCase& n) { n.request.clone3.set_tid_at = model::PointerArg::harness; });
  if (a.stack_size && *a.stack_size > 0) {
    for (std::uint64_t s : {std::uint64_t{0}, std::uint64_t{4}, *a.stack_size / 2})
      if (s < *a.stack_size) with([s](CatalogueCase& n) { n.request.clone3.stack_size = s; });
  }
  if (a.size != model::kCloneArgsSizeVer2) {
    with([](CatalogueCase& n) {
      n.request.clone3.size = model::kCloneArgsSizeVer2;
      n.request.clone3.tail = model::TailArg::zero;
    });
  }
  // The context nearer root.
  const std::size_t rank = context_rank(c.context, space);
  for (std::size_t i = 1; i < rank && i < space.contexts.size(); ++i)
    with([&](CatalogueCase& n) { n.context = space.contexts[i]; });
  // Values nearer their defaults.
  if (is_raw(r.entry) && r.exit_signal != kSigchld && r.exit_signal != 0) {
    for (std::uint64_t sig : {std::uint64_t{0}, r.exit_signal / 2, r.exit_signal - 1})
      if (sig != kSigchld && sig < r.exit_signal) with([sig](CatalogueCase& n) { n.request.exit_signal = sig; });
  }
  if (a.size != model::kCloneArgsSizeVer2) {
    const auto distance = [](std::uint64_t s) {
      return s > model::kCloneArgsSizeVer2 ? s - model::kCloneArgsSizeVer2 : model::kCloneArgsSizeVer2 - s;
    };
    for (std::uint64_t size : {64ULL, 80ULL, 89ULL, 96ULL, 4096ULL, 4097ULL})
      if (distance(size) < distance(a.size)) with([size](CatalogueCase& n) { n.request.clone3.size = size; });
  }
  if (a.set_tid && !a.set_tid->empty()) {
    with([](CatalogueCase& n) { n.request.clone3.set_tid->pop_back(); });
    for (std::size_t i = 0; i < a.set_tid->size(); ++i)
      for (TidSpec t : {TidSpec{TidSpec::Kind::number, 1}, TidSpec{TidSpec::Kind::free, 0}})
        if (tid_cost(t) < tid_cost((*a.set_tid)[i])) with([i, t](CatalogueCase& n) { (*n.request.clone3.set_tid)[i] = t; });
  }
  if (a.set_tid_size && *a.set_tid_size > 0) {
    for (std::uint64_t s : {std::uint64_t{0}, *a.set_tid_size / 2, *a.set_tid_size - 1})
      if (s < *a.set_tid_size) with([s](CatalogueCase& n) { n.request.clone3.set_tid_size = s; });
  }
  std::erase_if(out, [](const CatalogueCase& n) { return !valid(n); });
  // Only what is simpler by the measure, and each once.
  const Complexity now = complexity(c, space);
  std::erase_if(out, [&](const CatalogueCase& n) { return !(complexity(n, space) < now); });
  std::vector<CatalogueCase> unique;
  for (CatalogueCase& n : out)
    if (std::none_of(unique.begin(), unique.end(), [&](const CatalogueCase& u) {
          return u.request == n.request && u.context == n.context && u.clone3_enosys == n.clone3_enosys;
        }))
      unique.push_back(std::move(n));
  return unique;
}

}  // namespace clonediff::explore
