#include "harness/summary.hpp"

#include <algorithm>
#include <cstdio>

#include "harness/report_group.hpp"
#include "model/request.hpp"
#include "harness/verdict_text.hpp"

namespace clonediff::harness {
namespace {
constexpr std::array kOrder = {Verdict::match, Verdict::mismatch, Verdict::skip,
                               Verdict::timeout, Verdict::crash, Verdict::error};

std::string row(const std::string& name, int width, const std::array<std::size_t, 6>& c) {
  std::size_t total = 0;
  for (auto n : c) total += n;
  char buf[400];
  std::snprintf(buf, sizeof buf, "  %-*s %7zu %7zu %9zu %6zu %8zu %6zu %6zu\n", width, name.c_str(), total, c[0], c[1],
                c[2], c[3], c[4], c[5]);
  return buf;
}
}  // namespace

void RunSummary::add(const CaseResult& r, const model::Kernel& kernel, bool listed) {
  const auto v = static_cast<std::size_t>(r.verdict);
  const std::string group = group_name(report_group(r.spec));
  if (!by_group_.count(group)) group_order_.push_back(group);
  ++by_group_[group][v];
  ++total_[v];
  auto& entry = by_entry_[static_cast<std::size_t>(r.spec.request.entry)];
  ++entry.first;
  entry.second += r.verdict == Verdict::match;
  ++by_context_[r.spec.context][v];
  if (r.verdict != Verdict::skip && r.verdict != Verdict::match) ++failed_;
  if (!listed) return;
  if (r.verdict == Verdict::skip)
    skips_.push_back(r.spec.id + ": " + r.reason);
  else if (r.verdict != Verdict::match)
    failures_.push_back(verdict_text(r, kernel));
}

int RunSummary::exit_status() const {
  for (Verdict v : {Verdict::mismatch, Verdict::timeout, Verdict::crash, Verdict::error})
    if (total_[static_cast<std::size_t>(v)] != 0) return 1;
  return 0;
}

std::string RunSummary::text(const model::Kernel& kernel, std::chrono::duration<double> elapsed,
                             const std::string& scope) const {
  static_assert(kOrder.size() == kVerdicts);
  std::string out;
  char head[200];
  std::snprintf(head, sizeof head, "clonediff run: %zu cases%s%s%s on Linux %s in %.2f s\n\n", cases(),
                scope.empty() ? "" : " (", scope.c_str(), scope.empty() ? "" : ")", kernel.release.c_str(),
                elapsed.count());
  out += head;
  return out + details() + "\n" + verdict_line(elapsed);
}

std::string RunSummary::details() const {
  std::string out;
  int width = 12;
  for (const std::string& g : group_order_) width = std::max(width, static_cast<int>(g.size()));
  char head[300];
  std::snprintf(head, sizeof head, "  %-*s   cases   match  mismatch   skip  timeout  crash  error\n", width, "suite");
  out += head;
  for (const std::string& group : group_order_) out += row(group, width, by_group_.at(group));
  out += row("total", width, total_);
  // Which calls were made, and how many of each matched.
  std::string entries;
  for (std::size_t i = 0; i < by_entry_.size(); ++i) {
    const auto [cases_of, matched] = by_entry_[i];
    if (cases_of == 0) continue;
    entries += (entries.empty() ? "" : ", ") + std::string(model::entry_name(static_cast<model::Entry>(i))) + " " +
               std::to_string(matched) + "/" + std::to_string(cases_of);
  }
  out += "\n  by entry (matched/cases): " + entries + "\n";
  // A line per context: where a context could not be built, its cases are
  // skips, and the list below says why.
  out += "  by context (matched/cases):\n";
  for (const auto& [name, counts] : by_context_) {
    std::size_t cases_of = 0;
    for (std::size_t n : counts) cases_of += n;
    const std::size_t matched = counts[static_cast<std::size_t>(Verdict::match)];
    const std::size_t skipped = counts[static_cast<std::size_t>(Verdict::skip)];
    const std::size_t failed = cases_of - matched - skipped;
    char line[200];
    std::snprintf(line, sizeof line, "    %-30s %6zu/%zu", name.c_str(), matched, cases_of);
    out += line;
    if (failed != 0) out += ", " + std::to_string(failed) + " failed";
    if (skipped != 0) out += ", " + std::to_string(skipped) + " skipped";
    out += "\n";
  }

  if (!failures_.empty()) {
    out += "\nnot matching (" + std::to_string(failures_.size()) + "):\n";
    for (const std::string& f : failures_) out += f;
  }
  if (!skips_.empty()) {
    out += "\nskipped (" + std::to_string(skips_.size()) + "):\n";
    for (const std::string& s : skips_) out += "  " + s + "\n";
  }
  return out;
}

std::string RunSummary::verdict_line(std::chrono::duration<double> elapsed) const {
  char line[200];
  if (exit_status() == 0)
    std::snprintf(line, sizeof line, "PASS: %zu of %zu cases match the model%s (%.2f s)\n", count(Verdict::match),
                  cases(), count(Verdict::skip) == 0 ? "" : "; the rest skipped", elapsed.count());
  else
    std::snprintf(line, sizeof line, "FAIL: %zu of %zu cases do not match the model (%.2f s)\n", failed_, cases(),
                  elapsed.count());
  return line;
}

}  // namespace clonediff::harness
