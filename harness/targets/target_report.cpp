#include "harness/targets/target_report.hpp"

#include <cstdio>

#include "harness/reports/verdict_text.hpp"

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

void TargetReport::begin(const TargetSpec& spec, const std::string& name, bool skip_allowed) {
  Row r;
  r.spec = spec;
  r.name = name;
  r.skip_allowed = skip_allowed;
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
                       const std::string& reported_kernel, const std::string& implementation, TargetRun::Status status,
                       const std::string& reason, std::vector<std::string> notes) {
  Row* r = row(name);
  if (!r) return;
  r->elapsed = elapsed;
  r->judged_against = judged_against;
  r->reported_kernel = reported_kernel;
  r->implementation = implementation;
  r->status = status;
  r->reason = reason;
  r->notes = std::move(notes);
}

void TargetReport::set_baseline(const std::string& name, std::string file, Baseline baseline) {
  Row* r = row(name);
  if (!r) return;
  r->baseline_file = std::move(file);
  r->baseline = std::move(baseline);
}

void TargetReport::baseline_not_written(const std::string& name, std::string why) {
  if (Row* r = row(name)) r->baseline_error = std::move(why);
}

std::string TargetReport::table() const {
  std::size_t width = 6;
  for (const Row& r : rows_) width = std::max(width, r.name.size());
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "  %-*s %7s %7s %8s %6s %8s  %-14s %s\n", static_cast<int>(width), "target", "cases",
                "match", "diverge", "skip", "time", "verdict", "judged against");
  out += line;
  for (const Row& r : rows_) {
    std::string against = "Linux " + model::kernel_spec(r.judged_against);
    if (is_emulator(r.spec.kind)) against += " (the running kernel)";
    if (r.status == TargetRun::Status::not_started) against = "did not start: " + r.reason;
    if (r.status == TargetRun::Status::failed) against = "failed: " + r.reason;
    const harness::RunVerdict v = verdict(r);
    const std::string shown =
        std::string(harness::run_verdict_word(v)) + (v == harness::RunVerdict::skip && r.skip_allowed ? ", allowed" : "");
    std::snprintf(line, sizeof line, "  %-*s %7zu %7zu %8zu %6zu %8s  %-14s %s\n", static_cast<int>(width),
                  r.name.c_str(), r.cases, r.match, r.diverge, r.skip, seconds(r.elapsed).c_str(), shown.c_str(),
                  first_line(against).c_str());
    out += line;
  }
  // Where each profile that judged cases stands against the model's range.
  std::string outside;
  std::size_t judged = 0;
  for (const Row& r : rows_) {
    if (r.status == TargetRun::Status::not_started || r.judged_against.release.empty()) continue;
    ++judged;
    if (model::place_in_modelled_range(r.judged_against.version) != model::RangePlace::inside)
      outside += "  " + r.name + ": Linux " + r.judged_against.version.str() + " is " +
                 model::modelled_range_note(r.judged_against.version) + "\n";
  }
  out += "  the model knows Linux " + model::modelled_range_text() +
         (!outside.empty() ? ":\n" + outside : judged ? "; every profile above is inside it\n" : "\n");
  for (const Row& r : rows_)
    for (const std::string& n : r.notes) out += "  note: " + r.name + ": " + n + "\n";
  return out;
}

std::string TargetReport::failures_text() const {
  std::string out;
  for (const Row& r : rows_) {
    if (r.status == TargetRun::Status::failed)
      out += "\n" + r.name + " failed: " + r.reason + "\n  (its cases without a record are errors)\n";
    if (r.status == TargetRun::Status::not_started && !r.skip_allowed)
      out += "\n" + r.name + " did not start: " + r.reason + "\n  (its cases are errors; --allow-skip " + r.name +
             " makes them skips)\n";
  }
  return out;
}

std::string TargetReport::divergences_text() const {
  std::string out;
  for (const Row& r : rows_) {
    // A target that did not start diverges in nothing: failures_text() says why.
    if (r.divergent.empty() || r.status == TargetRun::Status::not_started) continue;
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
  // A target that did not start has nothing to compare; its verdict says so.
  if (!r.baseline_file || r.status == TargetRun::Status::not_started) return std::nullopt;
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

harness::RunVerdict TargetReport::verdict(const Row& r) const {
  using harness::RunVerdict;
  if (r.status == TargetRun::Status::failed || !r.baseline_error.empty()) return RunVerdict::fail;
  if (r.status == TargetRun::Status::not_started) return r.skip_allowed ? RunVerdict::skip : RunVerdict::fail;
  if (!is_emulator(r.spec.kind) || !r.baseline_file) {
    if (r.diverge) return RunVerdict::fail;
  } else if (auto c = comparison(r); c && !c->equal()) {
    return RunVerdict::fail;
  }
  return r.skip == r.cases ? RunVerdict::skip : RunVerdict::pass;
}

harness::RunVerdict TargetReport::verdict(const std::string& name) const {
  const Row* r = row(name);
  return r ? verdict(*r) : harness::RunVerdict::fail;
}

harness::RunVerdict TargetReport::verdict() const {
  using harness::RunVerdict;
  bool skipped_unallowed = false;
  std::size_t cases = 0, skipped = 0;
  for (const Row& r : rows_) {
    const RunVerdict v = verdict(r);
    if (v == RunVerdict::fail) return RunVerdict::fail;
    skipped_unallowed = skipped_unallowed || (v == RunVerdict::skip && !r.skip_allowed);
    cases += r.cases;
    skipped += r.skip;
  }
  return skipped_unallowed || skipped == cases ? RunVerdict::skip : RunVerdict::pass;
}

bool TargetReport::skips_allowed() const {
  for (const Row& r : rows_)
    if (verdict(r) == harness::RunVerdict::skip && !r.skip_allowed) return false;
  return true;
}

std::string TargetReport::verdict_line(std::chrono::duration<double> elapsed, const std::string& counts) const {
  using harness::RunVerdict;
  std::vector<std::string> failing, skipping;
  std::string not_matching, linux_targets, baselined, clean;
  const auto append = [](std::string& list, const std::string& name) { list += (list.empty() ? "" : ", ") + name; };
  for (const Row& r : rows_) {
    const bool emu = is_emulator(r.spec.kind);
    const bool baselined_emu = emu && r.baseline_file;
    switch (verdict(r)) {
      case RunVerdict::fail:
        if (r.status == TargetRun::Status::not_started)
          failing.push_back(r.name + " did not start: " + first_line(r.reason));
        else if (r.status == TargetRun::Status::failed)
          failing.push_back(r.name + " failed: " + first_line(r.reason));
        else if (!r.baseline_error.empty())
          failing.push_back(r.name + "'s baseline was not written: " + r.baseline_error);
        else
          append(not_matching, r.name);
        break;
      case RunVerdict::skip:
        if (r.status == TargetRun::Status::not_started)
          skipping.push_back(r.name + " did not start, as --allow-skip " + r.name + " allows: " + first_line(r.reason));
        else
          skipping.push_back(r.name + " skipped every case" +
                             (r.skip_allowed ? ", as --allow-skip " + r.name + " allows"
                                             : " (--allow-skip " + r.name + " if that is expected)"));
        break;
      case RunVerdict::pass:
        if (baselined_emu) append(baselined, r.name);
        else if (emu) append(clean, r.name);
        else append(linux_targets, r.name);
        break;
    }
  }
  std::string s = std::string(harness::run_verdict_word(verdict())) + ": " + counts;
  const auto one_or_many = [](const std::string& list, const char* one, const char* many) {
    return list + (list.find(',') == std::string::npos ? one : many);
  };
  const auto clause = [&](const std::string& text) { s += "; " + text; };
  for (const std::string& f : failing) clause(f);
  if (!not_matching.empty())
    clause(one_or_many(not_matching, " does not match the model or its baseline",
                       " do not match the model or their baselines"));
  for (const std::string& k : skipping) clause(k);
  if (!linux_targets.empty())
    clause(one_or_many(linux_targets, " matches the model on every case run", " match the model on every case run"));
  if (!baselined.empty())
    clause(one_or_many(baselined, " diverges as its baseline says", " diverge as their baselines say"));
  if (!clean.empty()) clause(one_or_many(clean, " does not diverge", " do not diverge"));
  return s + " (" + seconds(elapsed) + ")\n";
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

TargetRun::Status TargetReport::status(const std::string& name) const {
  const Row* r = row(name);
  return r ? r->status : TargetRun::Status::ran;
}

}  // namespace clonediff::targets
