#include "harness/reports/summary.hpp"

#include <algorithm>
#include <cstdio>

#include "harness/case/report_group.hpp"
#include "model/request.hpp"
#include "harness/reports/verdict_text.hpp"
#include "harness/version.hpp"

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

std::string_view run_verdict_word(RunVerdict v) {
  switch (v) {
    case RunVerdict::pass: return "PASS";
    case RunVerdict::skip: return "SKIP";
    case RunVerdict::fail: return "FAIL";
  }
  return "FAIL";
}

int run_exit_status(RunVerdict v, bool skip_allowed, bool ktap) {
  switch (v) {
    case RunVerdict::pass: return 0;
    case RunVerdict::fail: return 1;
    case RunVerdict::skip: return ktap ? 4 : skip_allowed ? 0 : 1;
  }
  return 1;
}

std::string judged_against_text(const model::Kernel& kernel) {
  return "judged against the model of Linux " + model::kernel_spec(kernel) + " (" +
         model::modelled_range_note(kernel.version) + ")";
}

RunVerdict RunSummary::verdict() const {
  if (failed_ != 0) return RunVerdict::fail;
  if (count(Verdict::skip) == cases()) return RunVerdict::skip;  // no case at all is no pass either
  return RunVerdict::pass;
}

std::string RunSummary::counts_text() const {
  std::string out = std::to_string(count(Verdict::match)) + " matched";
  const std::pair<Verdict, const char*> others[] = {{Verdict::mismatch, " mismatched"}, {Verdict::skip, " skipped"},
                                                    {Verdict::timeout, " timed out"},   {Verdict::crash, " crashed"},
                                                    {Verdict::error, " errors"}};
  for (const auto& [v, word] : others) {
    const std::size_t n = count(v);
    if (n == 0) continue;
    out += ", " + std::to_string(n) + (v == Verdict::error && n == 1 ? std::string(" error") : word);
  }
  return out + " of " + std::to_string(cases()) + (cases() == 1 ? " case" : " cases");
}

std::string RunSummary::text(const model::Kernel& kernel, std::chrono::duration<double> elapsed,
                             const std::string& scope, bool skip_allowed) const {
  static_assert(kOrder.size() == kVerdicts);
  std::string out;
  char head[200];
  std::snprintf(head, sizeof head, "clonediff run: %zu cases%s%s%s on Linux %s in %.2f s\n", cases(),
                scope.empty() ? "" : " (", scope.c_str(), scope.empty() ? "" : ")", kernel.release.c_str(),
                elapsed.count());
  out += head;
  out += version_text() + "\n";
  out += judged_against_text(kernel) + "\n\n";
  return out + details() + "\n" + verdict_line(elapsed, skip_allowed);
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
  return out + listed_text();
}

std::string RunSummary::listed_text() const {
  std::string out;
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

std::string RunSummary::verdict_line(std::chrono::duration<double> elapsed, bool skip_allowed) const {
  std::string line = std::string(run_verdict_word(verdict())) + ": " + counts_text();
  if (verdict() == RunVerdict::skip)
    line += skip_allowed ? "; every case was skipped, as --allow-skip host allows"
                         : "; every case was skipped (--allow-skip host if that is expected)";
  char time[40];
  std::snprintf(time, sizeof time, " (%.2f s)\n", elapsed.count());
  return line + time;
}

}  // namespace clonediff::harness
