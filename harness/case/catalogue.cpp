#include "harness/case/catalogue.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <utility>
#include <unordered_set>

#include "probes/sys/printable.hpp"
#include "probes/sys/text_file.hpp"
#include "harness/case/context_option.hpp"
#include "model/caller.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::harness {
namespace {

std::vector<std::string_view> split_columns(std::string_view line) {
  std::vector<std::string_view> cols;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    if (pos >= line.size()) break;
    std::size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    cols.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return cols;
}

// The suite of a canonical id: the part after the context.
std::string suite_of(std::string_view id, std::string_view context) {
  if (context != "root") id.remove_prefix(std::min(id.size(), context.size() + 1));
  return std::string(id.substr(0, id.find('/')));
}

bool is_context_name(std::string_view name) {
  for (std::string_view p : model::caller_preset_names())
    if (p == name) return true;
  return false;
}

Result<std::vector<std::uint64_t>> sweep_flags(std::string_view list) {
  std::vector<std::uint64_t> bits;
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto one = model::parse_flags(list.substr(0, comma));
    if (!one) return one.error();
    if (*one == 0 || (*one & (*one - 1)) != 0) return make_error("a sweep combines single flags; '" + std::string(list.substr(0, comma)) + "' is not one");
    bits.push_back(*one);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (bits.empty()) return make_error("a sweep needs at least one flag");
  if (bits.size() > 16) return make_error("a sweep of more than 16 flags (65536 cases) is too large");
  return bits;
}

Result<std::uint64_t> parse_count(std::string_view value, std::string_view key) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (value.empty() || ec != std::errc{} || p != value.data() + value.size())
    return make_error("'" + std::string(key) + "' takes a number, not '" + std::string(value) + "'");
  return n;
}

// "0..255": an inclusive range of exit signals, each a number or a name.
Result<std::pair<long long, long long>> parse_signal_range(std::string_view value) {
  const auto dots = value.find("..");
  auto first = model::parse_signal(value.substr(0, dots));
  auto last = model::parse_signal(value.substr(dots + 2));
  if (!first || !last || *first < 0 || *last < *first || *last > 255)
    return make_error("bad exit_signal range '" + std::string(value) + "' (FIRST..LAST, 0 <= FIRST <= LAST <= 255)");
  return std::pair{*first, *last};
}

}  // namespace

Status apply_case_option(CatalogueCase& c, std::string_view key, std::string_view value) {
  model::Request& r = c.request;
  if (key == "exit_signal") {
    auto sig = model::parse_exit_signal_value(value);
    if (!sig) return sig.error();
    r.exit_signal = *sig;
  } else if (key == "context") {
    // An unknown name or change is bad input now, not a skip at run time.
    auto name = parse_context_option(value);
    if (!name) return name.error();
    c.context = std::move(name).value();
  } else if (key == "stack") {
    auto a = model::parse_stack_arg(value);
    if (!a) return a.error();
    r.stack = *a;
  } else if (key == "tls") {
    auto a = model::parse_tls_arg(value);
    if (!a) return a.error();
    r.tls = *a;
  } else if (key == "size") {
    auto n = parse_count(value, key);
    if (!n) return n.error();
    r.clone3.size = *n;
  } else if (key == "stack_size") {
    auto n = parse_count(value, key);
    if (!n) return n.error();
    r.clone3.stack_size = *n;
  } else if (key == "args") {
    auto a = model::parse_args_arg(value);
    if (!a) return a.error();
    r.clone3.args = *a;
  } else if (key == "parent_tid" || key == "child_tid") {
    auto a = model::parse_pointer_arg(value);
    if (!a) return make_error(std::string(key) + " is harness or unmapped, not '" + std::string(value) + "'");
    (key == "parent_tid" ? r.clone3.parent_tid_at : r.clone3.child_tid_at) = *a;
  } else if (key == "set_tid" && value == "unmapped") {
    r.clone3.set_tid.reset();
    r.clone3.set_tid_at = model::PointerArg::unmapped;
  } else if (key == "set_tid") {
    r.clone3.set_tid_at = model::PointerArg::harness;
    std::vector<model::TidSpec> tids;
    while (!value.empty()) {
      const auto comma = value.find(',');
      auto t = model::parse_tid_spec(value.substr(0, comma));
      if (!t) return t.error();
      tids.push_back(*t);
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
    r.clone3.set_tid = std::move(tids);
  } else if (key == "set_tid_size") {
    auto n = parse_count(value, key);
    if (!n) return n.error();
    r.clone3.set_tid_size = *n;
  } else if (key == "cgroup") {
    auto a = model::parse_cgroup_arg(value);
    if (!a) return a.error();
    r.clone3.cgroup = *a;
  } else if (key == "tail") {
    auto a = model::parse_tail_arg(value);
    if (!a) return a.error();
    r.clone3.tail = *a;
  } else if (key == "after") {
    auto a = model::parse_after_arg(value);
    if (!a) return a.error();
    r.after = *a;
  } else if (key == "rounds") {
    auto n = parse_count(value, key);
    if (!n) return n.error();
    if (*n < 2 || *n > model::kMaxReuseRounds)
      return make_error("rounds is 2 to " + std::to_string(model::kMaxReuseRounds) + ", not " + std::string(value));
    r.rounds = static_cast<std::uint32_t>(*n);
  } else if (key == "fn") {
    auto a = model::parse_fn_arg(value);
    if (!a) return a.error();
    r.fn = *a;
  } else if (key == "clone3") {
    if (value != "enosys") return make_error("clone3=enosys is the one choice");
    if (r.entry == model::Entry::glibc_clone)
      return make_error("clone3=enosys does not apply to glibc_clone: glibc's clone() always makes the clone system call");
    if (!model::is_library_entry(r.entry))
      return make_error("clone3=enosys is for the C library's entries (fork, vfork, pthread_create, posix_spawn, system)");
    c.clone3_enosys = true;
  } else if (key == "pidfd") {
    if (value != "parent_tid" && value != "unmapped")
      return make_error("pidfd is parent_tid or unmapped (the default: an int of its own)");
    r.clone3.pidfd_is_parent_tid = value == "parent_tid";
    r.clone3.pidfd_at = value == "unmapped" ? model::PointerArg::unmapped : model::PointerArg::harness;
  } else {
    return make_error("unknown option '" + std::string(key) +
                      "' (options: exit_signal, context, stack, stack_size, tls, size, args, set_tid, set_tid_size, "
                      "cgroup, tail, pidfd, parent_tid, child_tid, fn, clone3, after, rounds)");
  }
  return ok_status();
}

std::string canonical_id(std::string_view id, std::string_view context) {
  if (context == "root") return std::string(id);
  const std::string prefix = std::string(context) + "/";
  if (id.starts_with(prefix)) return std::string(id);
  // SUITE/CONTEXT[/NAME], as earlier versions wrote it.
  if (const auto slash = id.find('/'); slash != std::string_view::npos) {
    const std::string_view suite = id.substr(0, slash), rest = id.substr(slash + 1);
    if (rest == context) return prefix + std::string(suite);
    if (rest.starts_with(prefix)) return prefix + std::string(suite) + "/" + std::string(rest.substr(prefix.size()));
  }
  return prefix + std::string(id);
}


namespace {

using SignalRange = std::optional<std::pair<long long, long long>>;

// The cases of a sweep row: every combination of its flags, at every exit
// signal of its range (or at its one exit signal).
// A catalogue past max_cases (`used` made before this row) is an error,
// counted before anything is made: a file of large sweeps must not take the
// machine's memory to find out that it is too large.
Result<std::vector<CatalogueCase>> expand_sweep(const CatalogueCase& base, std::string_view flags,
                                                const SignalRange& signal_range, std::size_t used,
                                                std::size_t max_cases) {
  // No flags to combine ("-") is one combination: none.
  const bool flags_swept = flags != "-";
  if (!flags_swept && !signal_range) return make_error("a sweep needs flags to combine or a range of exit signals");
  std::vector<std::uint64_t> bits;
  if (flags_swept) {
    auto swept = sweep_flags(flags);
    if (!swept) return swept.error();
    bits = std::move(swept).value();
  }
  const auto [first_signal, last_signal] = signal_range.value_or(
      std::pair{static_cast<long long>(base.request.exit_signal), static_cast<long long>(base.request.exit_signal)});
  const std::size_t n = bits.size();
  const std::size_t expands_to = (std::size_t{1} << n) * static_cast<std::size_t>(last_signal - first_signal + 1);
  if (used + expands_to > max_cases)
    return make_error("the catalogue expands to more than " + std::to_string(max_cases) +
                      " cases here (this sweep makes " + std::to_string(expands_to) + "); see --max-cases");
  std::vector<CatalogueCase> made;
  made.reserve(expands_to);
  for (std::uint64_t combo = 0; combo < (std::uint64_t{1} << n); ++combo) {
    for (long long sig = first_signal; sig <= last_signal; ++sig) {
      CatalogueCase c = base;
      c.request.flags = 0;
      for (std::size_t b = 0; b < n; ++b)
        if (combo & (std::uint64_t{1} << b)) c.request.flags |= bits[b];
      c.request.exit_signal = static_cast<std::uint64_t>(sig);
      c.id = base.id;
      if (flags_swept) c.id += "/" + model::format_flags(c.request.flags);
      if (signal_range) c.id += "/" + (sig == 0 ? std::string("0") : model::signal_name(sig));
      made.push_back(std::move(c));
    }
  }
  return made;
}

// The cases of one row: `case` or `sweep`, its id, entry, flags and options.
// The error is the row's fault, without its place.
Result<std::vector<CatalogueCase>> parse_row(const std::vector<std::string_view>& cols, std::string origin,
                                             std::size_t used, std::size_t max_cases) {
  if (cols[0] != "case" && cols[0] != "sweep") return make_error("expected 'case' or 'sweep', found '" + std::string(cols[0]) + "'");
  if (cols.size() < 4) return make_error("expected: " + std::string(cols[0]) + " <id> <entry> <flags> [exit_signal=N] [context=NAME]");
  CatalogueCase base;
  base.id = std::string(cols[1]);
  base.context = "root";
  base.origin = std::move(origin);
  auto entry = model::parse_entry(cols[2]);
  if (!entry) return entry.error();
  base.request.entry = *entry;
  base.request.exit_signal = model::kSigchld;
  // A sweep may range over exit signals too: exit_signal=FIRST..LAST.
  SignalRange signal_range;
  for (std::size_t i = 4; i < cols.size(); ++i) {
    const auto eq = cols[i].find('=');
    if (eq == std::string_view::npos) return make_error("option '" + std::string(cols[i]) + "' is not key=value");
    const std::string_view key = cols[i].substr(0, eq), value = cols[i].substr(eq + 1);
    if (key == "exit_signal" && value.find("..") != std::string_view::npos) {
      if (cols[0] != "sweep") return make_error("a range of exit signals is for sweeps; a case has one");
      auto range = parse_signal_range(value);
      if (!range) return range.error();
      signal_range = *range;
      continue;
    }
    if (auto st = apply_case_option(base, key, value); !st) return st.error();
  }
  base.id = canonical_id(base.id, base.context);
  base.suite = suite_of(base.id, base.context);
  if (is_context_name(base.suite))
    return make_error("the suite of '" + base.id + "' is named like a caller context: ids are [CONTEXT/]SUITE/NAME, " +
                      "with context=CONTEXT for a case of that context");
  if (cols[0] == "sweep") return expand_sweep(base, cols[3], signal_range, used, max_cases);
  if (cols[3] != "-") {
    auto flags = model::parse_flags(cols[3]);
    if (!flags) return flags.error();
    base.request.flags = *flags;
  }
  return std::vector<CatalogueCase>{base};
}

// A file's cases row by row, each row's as its parser made them: joined
// only once, at the size they come to (parse_catalogue(), and the built-in
// catalogue's files all at once), not moved again each time a vector of
// them grows. A sweep row is thousands of cases, each a few hundred bytes.
using Rows = std::vector<std::vector<CatalogueCase>>;
Result<Rows> parse_rows(std::string_view text, std::string_view name, std::size_t max_cases) {
  Rows out;
  std::size_t made_so_far = 0;
  std::unordered_set<std::string> ids;
  int lineno = 0;
  std::size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // a UTF-8 byte order mark
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineno;
    const std::string place = std::string(name) + ":" + std::to_string(lineno);
    // Whatever it quotes of the file comes out escaped: one readable line.
    const auto fail = [&](const std::string& what) { return Error{sys::escaped(place + ": " + what)}; };
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF
    auto cols = split_columns(line);
    // A comment starts with a column that starts with '#'. A '#' inside a
    // column is an error: an id holding one would break KTAP's "# SKIP".
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (cols[i][0] == '#') {
        cols.resize(i);
        break;
      }
      if (cols[i].find('#') != std::string_view::npos)
        return fail("'#' inside '" + std::string(cols[i]) + "': a comment starts at the beginning of a column");
      if (!sys::printable_utf8(cols[i]))
        return fail("'" + std::string(cols[i]) + "' is not printable UTF-8");
    }
    if (cols.empty()) {
      if (end == text.size()) break;
      continue;
    }
    auto made = parse_row(cols, place, made_so_far, max_cases);
    if (!made) return fail(made.error().message);
    if (made_so_far + made->size() > max_cases)
      return fail("the catalogue expands to more than " + std::to_string(max_cases) + " cases; see --max-cases");
    for (const CatalogueCase& c : *made) {
      if (auto valid = model::validate(c.request); !valid) return fail(c.id + ": " + valid.error().message);
      if (!ids.insert(c.id).second) return fail("duplicate id '" + c.id + "'");
    }
    made_so_far += made->size();
    out.push_back(std::move(made).value());
    if (end == text.size()) break;
  }
  return out;
}

// The rows' cases in one vector, made at its full size.
std::vector<CatalogueCase> joined(std::vector<Rows>& files) {
  std::size_t total = 0;
  for (const Rows& rows : files)
    for (const auto& row : rows) total += row.size();
  std::vector<CatalogueCase> out;
  out.reserve(total);
  for (Rows& rows : files)
    for (auto& row : rows) {
      out.insert(out.end(), std::make_move_iterator(row.begin()), std::make_move_iterator(row.end()));
      row = {};
    }
  return out;
}

}  // namespace

Result<std::vector<CatalogueCase>> parse_catalogue(std::string_view text, std::string_view name, std::size_t max_cases) {
  auto rows = parse_rows(text, name, max_cases);
  if (!rows) return rows.error();
  std::vector<Rows> files;
  files.push_back(std::move(rows).value());
  return joined(files);
}

Result<std::vector<CatalogueCase>> load_catalogue_file(const std::string& path, std::size_t max_cases) {
  auto text = sys::read_text_file(path, "catalogue file");
  if (!text) return text.error();
  auto cases = parse_catalogue(*text, path, max_cases);
  if (cases)
    for (CatalogueCase& c : *cases) c.file = path;
  return cases;
}

namespace {

// The first case whose id an earlier case has: "ORIGIN: id 'ID' is already in
// the catalogue". The set holds views into `cases`, which does not change
// while it lives.
Status ids_unique(const std::vector<CatalogueCase>& cases) {
  std::unordered_set<std::string_view> ids;
  ids.reserve(cases.size());
  for (const CatalogueCase& c : cases)
    if (!ids.insert(c.id).second) return make_error(c.origin + ": id '" + c.id + "' is already in the catalogue");
  return ok_status();
}

}  // namespace

Status merge_catalogue(std::vector<CatalogueCase>& into, std::vector<CatalogueCase> more) {
  into.reserve(into.size() + more.size());
  into.insert(into.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  return ids_unique(into);
}

Result<std::vector<CatalogueCase>> builtin_catalogue() {
  // Every file's rows first, then one vector made at its full size and one
  // check of the ids over it, so each case is moved once and no id is copied
  // again.
  std::vector<Rows> files;
  for (const EmbeddedCatalogueFile& f : embedded_catalogue_files()) {
    auto rows = parse_rows(f.text, f.name, kDefaultMaxCases);
    if (!rows) return rows.error();
    files.push_back(std::move(rows).value());
  }
  std::vector<CatalogueCase> all = joined(files);
  if (auto st = ids_unique(all); !st) return st.error();
  return all;
}

}  // namespace clonediff::harness
