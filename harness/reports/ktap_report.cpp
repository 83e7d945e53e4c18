#include "harness/reports/ktap_report.hpp"

#include <set>

#include "harness/reports/verdict_text.hpp"

namespace clonediff::harness {
namespace {

// One line: control characters become spaces.
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

// One line without '#', for names and directive text: '#' becomes '?'.
std::string one_line(std::string_view s) {
  std::string out = printable(s);
  for (char& c : out)
    if (c == '#') c = '?';
  return out;
}

bool failed(Verdict v) { return v != Verdict::match && v != Verdict::skip; }

// " # KEYWORD reason" after a result line's name.
std::string directive(std::string_view keyword, std::string_view reason) {
  std::string out = " # " + std::string(keyword);
  if (!reason.empty()) out += " " + one_line(reason);
  return out;
}

}  // namespace

int kselftest_exit_status(const RunSummary& s) { return run_exit_status(s.verdict(), false, true); }

std::string ktap_totals(const RunSummary& s) {
  return "Totals: pass:" + std::to_string(s.count(Verdict::match)) +
         " fail:" + std::to_string(s.count(Verdict::mismatch) + s.count(Verdict::crash) + s.count(Verdict::timeout)) +
         " xfail:0 xpass:0 skip:" + std::to_string(s.count(Verdict::skip)) +
         " error:" + std::to_string(s.count(Verdict::error));
}

KtapReport::KtapReport(std::ostream& out, const std::vector<CatalogueCase>& planned, GroupFn group)
    : out_(out), group_(group) {
  // A group's plan counts its child groups and its own cases.
  std::set<std::vector<std::string>> seen;
  plan_[{}] = 0;
  for (const CatalogueCase& c : planned) {
    const auto path = group_(c);
    std::vector<std::string> prefix;  // grows from the run ({}) to the case's group
    for (const std::string& level : path) {
      const std::vector<std::string> parent = prefix;
      prefix.push_back(level);
      if (seen.insert(prefix).second) ++plan_[parent];
    }
    ++plan_[path];
  }
  open_.push_back(Level{});
  out_ << "KTAP version 1\n1.." << plan_[{}] << '\n';
}

std::string KtapReport::indent() const { return std::string(2 * (open_.size() - 1), ' '); }

void KtapReport::diagnostics(std::string_view text) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string line = printable(text.substr(0, nl));
    // A diagnostic must not read as a "# Subtest: NAME" header.
    if (line.rfind("Subtest:", 0) == 0) line = " " + line;
    out_ << indent() << (line.empty() ? "#" : "# " + line) << '\n';
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

void KtapReport::open_group(const std::vector<std::string>& path) {
  Level level;
  level.name = one_line(path.back());
  level.number = open_.back().next++;
  open_.push_back(level);
  const std::string in = indent();
  out_ << in << "KTAP version 1\n" << in << "# Subtest: " << level.name << '\n' << in << "1.." << plan_[path] << '\n';
}

void KtapReport::close_group() {
  const Level level = open_.back();
  open_.pop_back();
  Level& parent = open_.back();
  parent.failed = parent.failed || level.failed;
  parent.all_skipped = parent.all_skipped && level.all_skipped;
  out_ << indent() << (level.failed ? "not ok " : "ok ") << level.number << ' ' << level.name
       << (!level.failed && level.all_skipped ? " # SKIP every case skipped" : "") << '\n';
}

void KtapReport::add(const CaseResult& r, const model::Kernel& kernel) {
  const auto path = group_(r.spec);
  std::size_t common = 0;
  while (common + 1 < open_.size() && common < path.size() && open_[common + 1].name == one_line(path[common]))
    ++common;
  while (open_.size() > common + 1) close_group();
  for (std::size_t depth = common + 1; depth <= path.size(); ++depth)
    open_group(std::vector<std::string>(path.begin(), path.begin() + static_cast<long>(depth)));

  Level& group = open_.back();
  const bool fail = failed(r.verdict);
  group.failed = group.failed || fail;
  group.all_skipped = group.all_skipped && r.verdict == Verdict::skip;
  if (fail) diagnostics(verdict_text(r, kernel));
  out_ << indent() << (fail ? "not ok " : "ok ") << group.next++ << ' ' << one_line(report_case_name(r.spec));
  switch (r.verdict) {
    case Verdict::skip: out_ << directive("SKIP", r.reason); break;
    case Verdict::timeout: out_ << directive("TIMEOUT", r.reason); break;
    case Verdict::error: out_ << directive("ERROR", r.reason); break;
    case Verdict::match:
    case Verdict::mismatch:
    case Verdict::crash: break;
  }
  out_ << '\n';
  out_.flush();
}

void KtapReport::finish() {
  while (open_.size() > 1) close_group();
  out_.flush();
}

}  // namespace clonediff::harness
