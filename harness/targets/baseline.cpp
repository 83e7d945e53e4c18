#include "harness/targets/baseline.hpp"

#include <algorithm>
#include <map>

namespace clonediff::targets {

bool is_divergence(const harness::CaseResult& r) {
  return r.verdict != harness::Verdict::match && r.verdict != harness::Verdict::skip;
}

std::string divergence_text(const harness::CaseResult& r) {
  if (r.verdict != harness::Verdict::mismatch) return std::string(harness::verdict_name(r.verdict));
  std::string s;
  for (const harness::DiffEntry& d : r.diff) s += (s.empty() ? "" : "; ") + d.field + ": " + d.predicted + " -> " + d.observed;
  return s;
}

std::vector<BaselineEntry> divergences_of(const std::vector<harness::CaseResult>& results) {
  std::vector<BaselineEntry> out;
  for (const harness::CaseResult& r : results)
    if (is_divergence(r)) out.push_back({r.spec.id, divergence_text(r)});
  std::sort(out.begin(), out.end());
  return out;
}

Result<Baseline> parse_baseline(std::string_view text, std::string_view name) {
  Baseline b;
  std::vector<BaselineEntry>& out = b.entries;
  std::size_t lineno = 0;
  while (!text.empty()) {
    ++lineno;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    for (auto [key, field] : {std::pair{std::string_view("# kernel: "), &b.kernel},
                              std::pair{std::string_view("# implementation: "), &b.implementation}})
      if (line.substr(0, key.size()) == key) *field = std::string(line.substr(key.size()));
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    const auto where = std::string(name) + ":" + std::to_string(lineno) + ": ";
    if (tab == std::string_view::npos || tab == 0 || tab + 1 == line.size())
      return make_error(where + "a line is ID<TAB>DIVERGENCE");
    BaselineEntry e{std::string(line.substr(0, tab)), std::string(line.substr(tab + 1))};
    if (!out.empty() && !(out.back().id < e.id)) return make_error(where + "ids must be sorted and unique ('" + e.id + "')");
    out.push_back(std::move(e));
  }
  return b;
}

std::string format_baseline(const Baseline& b, std::string_view header) {
  const std::vector<BaselineEntry>& entries = b.entries;
  std::string out;
  while (!header.empty()) {
    const auto nl = header.find('\n');
    out += "# " + std::string(header.substr(0, nl)) + "\n";
    header = nl == std::string_view::npos ? std::string_view() : header.substr(nl + 1);
  }
  out += "# kernel: " + b.kernel + "\n";
  out += "# implementation: " + b.implementation + "\n";
  std::vector<BaselineEntry> sorted = entries;
  std::sort(sorted.begin(), sorted.end());
  for (const BaselineEntry& e : sorted) out += e.id + "\t" + e.divergence + "\n";
  return out;
}

bool baseline_allows(std::string_view baseline_divergence, std::string_view now) {
  constexpr std::string_view kOr = " | ";
  while (true) {
    const auto bar = baseline_divergence.find(kOr);
    if (baseline_divergence.substr(0, bar) == now) return true;
    if (bar == std::string_view::npos) return false;
    baseline_divergence.remove_prefix(bar + kOr.size());
  }
}

std::vector<BaselineEntry> keeping_allowed_ways(const std::vector<BaselineEntry>& before,
                                                const std::vector<BaselineEntry>& now) {
  std::map<std::string_view, std::string_view> way;
  for (const BaselineEntry& e : before) way[e.id] = e.divergence;
  std::vector<BaselineEntry> out = now;
  for (BaselineEntry& e : out)
    if (auto it = way.find(e.id); it != way.end() && baseline_allows(it->second, e.divergence))
      e.divergence = std::string(it->second);
  return out;
}

BaselineComparison compare_with_baseline(const std::vector<BaselineEntry>& baseline,
                                         const std::vector<BaselineEntry>& now) {
  BaselineComparison c;
  std::map<std::string, const BaselineEntry*> before;
  for (const BaselineEntry& e : baseline) before[e.id] = &e;
  std::map<std::string, bool> seen;
  for (const BaselineEntry& e : now) {
    auto it = before.find(e.id);
    if (it == before.end()) {
      c.entered.push_back(e);
      continue;
    }
    seen[e.id] = true;
    if (baseline_allows(it->second->divergence, e.divergence))
      ++c.same;
    else
      c.changed.emplace_back(*it->second, e);
  }
  for (const BaselineEntry& e : baseline)
    if (!seen.count(e.id)) c.left.push_back(e);
  return c;
}

std::string comparison_text(const BaselineComparison& c, std::string_view target, std::string_view file) {
  const std::string where = std::string(target) + " (baseline " + std::string(file) + ")";
  if (c.equal())
    return where + ": the divergences are the baseline's, " + std::to_string(c.same) + (c.same == 1 ? " case\n" : " cases\n");
  std::string out = where + ": " + std::to_string(c.entered.size() + c.left.size() + c.changed.size()) +
                    " cases changed against the baseline (" + std::to_string(c.same) + " as before)\n";
  for (const BaselineEntry& e : c.entered) out += "  new divergence:   " + e.id + "\t" + e.divergence + "\n";
  for (const BaselineEntry& e : c.left) out += "  no longer:        " + e.id + "\t" + e.divergence + "\n";
  for (const auto& [was, now] : c.changed)
    out += "  diverges another way: " + now.id + "\n    was " + was.divergence + "\n    now " + now.divergence + "\n";
  return out;
}

}  // namespace clonediff::targets
