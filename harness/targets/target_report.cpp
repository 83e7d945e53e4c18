#include "harness/targets/target_report.hpp"

#include <cstdio>

#include "harness/verdict_text.hpp"

namespace clonediff::targets {
namespace {

std::string seconds(std::chrono::duration<double> d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", d.count());
  return buf;
}

// The first line of a reason: skips group by it, and a table cell holds it.
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

void TargetReport::begin(const TargetSpec& spec, const std::string& name) {
  Row r;
  r.spec = spec;
  r.name = name;
  rows_.push_back(std::move(r));
}

TargetReport::Row* TargetReport::row(const std::string& name) {
  for (Row& r : rows_)
    if (r.name == name) return &r;
  return nullptr;
}
const TargetReport::Row* TargetReport::row(const std::string& name) const {
  for (const Row& r : rows_)
    if (r.name == name) return &r;
  return nullptr;
}

void TargetReport::add(const harness::CaseResult& r) {
  Row* row_of = row(r.spec.target);
  if (!row_of) return;
  ++row_of->cases;
  row_of->ids.insert(r.spec.id);
  if (r.verdict == harness::Verdict::match) {
    ++row_of->match;
  } else if (r.verdict == harness::Verdict::skip) {
    ++row_of->skip;
    row_of->skips[first_line(r.reason)].push_back(r.spec.id);
  } else {
    ++row_of->diverge;
    if (is_emulator(row_of->spec.kind)) row_of->divergent.push_back(r);
  }
}

void TargetReport::end(const std::string& name, std::chrono::duration<double> elapsed, const model::Kernel& judged_against,
                       const std::string& reported_kernel, const std::string& implementation,
                       const std::string& status_note, std::vector<std::string> notes) {
  Row* r = row(name);
  if (!r) return;
  r->elapsed = elapsed;
  r->judged_against = judged_against;
  r->reported_kernel = reported_kernel;
  r->implementation = implementation;
  r->status_note = status_note;
  r->notes = std::move(notes);
}

void TargetReport::set_baseline(const std::string& name, std::string file, Baseline baseline) {
  Row* r = row(name);
  if (!r) return;
  r->baseline_file = std::move(file);
  r->baseline = std::move(baseline);
}

std::string TargetReport::table() const {
  std::size_t width = 6;
  for (const Row& r : rows_) width = std::max(width, r.name.size());
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "  %-*s %7s %7s %8s %6s %8s  %s\n", static_cast<int>(width), "target", "cases", "match",
                "diverge", "skip", "time", "judged against");
  out += line;
  for (const Row& r : rows_) {
    std::string against = r.status_note.empty() ? "Linux " + model::kernel_spec(r.judged_against) : r.status_note;
    if (r.status_note.empty() && is_emulator(r.spec.kind)) against += " (the running kernel)";
    std::snprintf(line, sizeof line, "  %-*s %7zu %7zu %8zu %6zu %8s  %s\n", static_cast<int>(width), r.name.c_str(),
                  r.cases, r.match, r.diverge, r.skip, seconds(r.elapsed).c_str(), first_line(against).c_str());
    out += line;
  }
  for (const Row& r : rows_)
    for (const std::string& n : r.notes) out += "  note: " + r.name + ": " + n + "\n";
  return out;
}

std::string TargetReport::failures_text() const {
  std::string out;
  for (const Row& r : rows_)
    if (r.status_note.rfind("failed: ", 0) == 0)
      out += "\n" + r.name + " " + r.status_note + "\n  (its cases without a record are errors)\n";
  return out;
}

std::string TargetReport::divergences_text() const {
  std::string out;
  for (const Row& r : rows_) {
    if (r.divergent.empty()) continue;
    // By the rule the model says decides the case (the rule the target
    // breaks), then by the way it diverges.
    std::map<std::string, std::map<std::string, std::vector<const harness::CaseResult*>>> by_rule;
    for (const harness::CaseResult& c : r.divergent)
      by_rule[c.predicted ? c.predicted->rule : std::string("(no prediction)")][divergence_text(c)].push_back(&c);
    out += "\n" + r.name + ": " + std::to_string(r.divergent.size()) + " divergences from Linux " +
           r.judged_against.version.str() + ", by the rule they break and how (up to " +
           std::to_string(kExamples) + " repros of each; every case is in --json and the baseline):\n";
    const std::string kernel = " --kernel " + harness::shell_quote(model::kernel_spec(r.judged_against));
    for (const auto& [rule, ways] : by_rule) {
      std::size_t n = 0;
      for (const auto& [way, cases] : ways) n += cases.size();
      std::string where;
      if (const model::Rule* found = model::find_rule(rule)) where = " (" + std::string(found->where) + ")";
      out += "  " + rule + where + ": " + std::to_string(n) + (n == 1 ? " case\n" : " cases\n");
      for (const auto& [way, cases] : ways) {
        out += "    " + way + ": " + std::to_string(cases.size()) + (cases.size() == 1 ? " case\n" : " cases\n");
        for (std::size_t i = 0; i < cases.size() && i < kExamples; ++i)
          out += "      " + cases[i]->spec.id + "  clonediff explain " + harness::explain_arguments(cases[i]->spec) +
                 kernel + "\n";
      }
    }
  }
  return out;
}

std::optional<BaselineComparison> TargetReport::comparison(const Row& r) const {
  if (!r.baseline_file) return std::nullopt;
  // A run of some cases (--filter, --shard) holds the baseline's lines for those.
  std::vector<BaselineEntry> expected;
  for (const BaselineEntry& e : r.baseline.entries)
    if (r.ids.count(e.id)) expected.push_back(e);
  return compare_with_baseline(expected, divergences_of(r.divergent));
}

std::string TargetReport::baselines_text() const {
  std::string out;
  for (const Row& r : rows_) {
    auto c = comparison(r);
    if (!c) continue;
    out += comparison_text(*c, r.name, *r.baseline_file);
    // A baseline holds for the kernel and emulator it was made with.
    if (!r.baseline.kernel.empty() && r.baseline.kernel != r.judged_against.release)
      out += "  note: the baseline was made on Linux " + r.baseline.kernel + ", this run is on Linux " +
             r.judged_against.release + "\n";
    if (!r.baseline.implementation.empty() && !r.implementation.empty() && r.baseline.implementation != r.implementation)
      out += "  note: the baseline was made with " + r.baseline.implementation + ", this run with " + r.implementation +
             "\n";
  }
  return out;
}

std::string TargetReport::skips_text() const {
  std::string out;
  for (const Row& r : rows_)
    for (const auto& [reason, ids] : r.skips) {
      out += "  " + r.name + ": " + std::to_string(ids.size()) + (ids.size() == 1 ? " case" : " cases");
      if (ids.size() <= 3) {
        out += " (";
        for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + ids[i];
        out += ")";
      }
      out += ": " + reason + "\n";
    }
  return out.empty() ? out : "\nskipped, by reason:\n" + out;
}

bool TargetReport::passed() const {
  for (const Row& r : rows_) {
    if (!is_emulator(r.spec.kind)) {
      if (r.diverge) return false;
    } else if (auto c = comparison(r)) {
      if (!c->equal()) return false;
    } else if (r.diverge) {
      return false;
    }
  }
  return true;
}

std::string TargetReport::verdict_line(std::chrono::duration<double> elapsed) const {
  std::string linux_targets, baselined, clean, failing;
  const auto append = [](std::string& list, const std::string& name) { list += (list.empty() ? "" : ", ") + name; };
  for (const Row& r : rows_) {
    const bool emu = is_emulator(r.spec.kind);
    const auto c = comparison(r);
    const bool ok = emu && c ? c->equal() : r.diverge == 0;
    if (!ok) append(failing, r.name);
    else if (emu && c) append(baselined, r.name);
    else if (emu) append(clean, r.name);
    else append(linux_targets, r.name);
  }
  const std::string time = " (" + seconds(elapsed) + ")\n";
  if (!failing.empty()) return "FAIL: " + failing + (failing.find(',') == std::string::npos ? " does" : " do") +
                               " not match the model or its baseline" + time;
  std::string s;
  // One target or several: "gvisor diverges as its baseline says".
  const auto part = [&](const std::string& list, const char* one, const char* many) {
    if (!list.empty())
      s += std::string(s.empty() ? " " : "; ") + list + (list.find(',') == std::string::npos ? one : many);
  };
  part(linux_targets, " matches the model on every case run", " match the model on every case run");
  part(baselined, " diverges as its baseline says", " diverge as their baselines say");
  part(clean, " does not diverge", " do not diverge");
  return "PASS:" + s + time;
}

Baseline TargetReport::as_baseline(const std::string& name) const {
  Baseline b;
  if (const Row* r = row(name)) {
    b.entries = divergences_of(r->divergent);
    b.kernel = r->judged_against.release;
    b.implementation = r->implementation;
  }
  return b;
}

std::vector<std::string> TargetReport::names() const {
  std::vector<std::string> out;
  for (const Row& r : rows_) out.push_back(r.name);
  return out;
}

bool TargetReport::emulator(const std::string& name) const {
  const Row* r = row(name);
  return r && is_emulator(r->spec.kind);
}

}  // namespace clonediff::targets
