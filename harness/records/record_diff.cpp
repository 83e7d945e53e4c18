#include "harness/records/record_diff.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "harness/case/catalogue.hpp"
#include "harness/records/judge.hpp"
#include "harness/records/record.hpp"
#include "harness/reports/verdict_text.hpp"
#include "model/flags.hpp"
#include "model/rules.hpp"
#include "model/semantics.hpp"

namespace clonediff::harness {
namespace {

std::string id_of(const json::Value& record) {
  const json::Value* id = record.is_object() ? json::find(record, "id") : nullptr;
  return id && id->is_string() ? json::str(*id) : std::string();
}

// Why a record cannot be compared, if it cannot: it carries no observation.
std::optional<std::string> no_observation(const json::Value& record) {
  if (json::find(record, "observed")) return std::nullopt;
  const json::Value* v = json::find(record, "verdict");
  return std::string("no observation (") + (v && v->is_string() ? json::str(*v) : std::string("no verdict")) + ")";
}

struct Side {
  model::Kernel kernel;
  model::Prediction prediction;
  model::Outcome observed;
};

Result<Side> read_side(const json::Value& record, const std::optional<model::Kernel>& forced) {
  Side s;
  if (forced) {
    s.kernel = *forced;
  } else {
    auto k = record_kernel(record);
    if (!k) return k.error();
    s.kernel = *k;
  }
  auto observed = outcome_from_json(*json::find(record, "observed"));
  if (!observed) return make_error("observed: " + observed.error().message);
  s.observed = *observed;
  auto p = predict_record(record, s.kernel);
  if (!p) return p.error();
  s.prediction = std::move(p).value();
  return s;
}

// The versioned rules and semantics that decided part of either prediction
// and whose ranges hold on one kernel and not on the other.
std::vector<VersionedCause> versioned_causes(const Side& a, const Side& b) {
  std::vector<VersionedCause> out;
  std::set<std::string> seen;
  const auto describe = [&](const model::VersionRange& v) {
    const bool on_a = v.contains(a.kernel.version);
    const std::string in = on_a ? a.kernel.version.str() : b.kernel.version.str();
    const std::string out_of = on_a ? b.kernel.version.str() : a.kernel.version.str();
    return "holds on " + in + ", not on " + out_of + ": " +
           std::string(v.why_not(on_a ? b.kernel.version : a.kernel.version));
  };
  for (const std::string& id : {a.prediction.rule, b.prediction.rule}) {
    const model::Rule* r = model::find_rule(id);
    if (!r || !seen.insert(id).second) continue;
    if (r->versions.contains(a.kernel.version) == r->versions.contains(b.kernel.version)) continue;
    out.push_back({id, std::string(r->where), describe(r->versions)});
  }
  // A rule that fires on one kernel may be absent from the other's chain
  // (n/a there) while another rule decides: the n/a one is the cause.
  for (const auto* side : {&a, &b})
    for (const model::RuleStep& step : side->prediction.chain) {
      if (step.verdict != model::RuleStep::Verdict::not_in_kernel) continue;
      const model::Rule& r = *step.rule;
      const std::string id(r.id);
      if (seen.count(id)) continue;
      const Side& other = side == &a ? b : a;
      if (other.prediction.rule != id) continue;
      seen.insert(id);
      out.push_back({id, std::string(r.where), describe(r.versions)});
    }
  // The kernel's own vocabulary: a flag the call uses that one kernel does
  // not define yet, struct clone_args of another size, or the legacy flags
  // word cut to 32 bits on one side only.
  std::uint64_t bits = 0;
  for (const auto* side : {&a, &b})
    bits |= side->prediction.call.flags | side->prediction.call.dropped | side->prediction.ignored_flags;
  for (const model::FlagInfo& f : model::flag_table()) {
    if (!(bits & f.value) || f.since == model::KernelVersion{}) continue;
    const model::VersionRange defined{f.since, std::nullopt, "", f.introduced};
    if (defined.contains(a.kernel.version) == defined.contains(b.kernel.version)) continue;
    if (seen.insert(std::string(f.name)).second)
      out.push_back({std::string(f.name), "include/uapi/linux/sched.h", describe(defined)});
  }
  if (a.prediction.call.syscall == model::Syscall::clone3)
    for (const model::CloneArgsSize& s : model::clone_args_sizes())
      if (s.versions.contains(a.kernel.version) != s.versions.contains(b.kernel.version) &&
          model::clone_args_nonzero_beyond(a.prediction.call, std::min(model::clone_args_size(a.kernel.version),
                                                                       model::clone_args_size(b.kernel.version))) &&
          seen.insert("struct clone_args").second)
        out.push_back({"struct clone_args " + std::to_string(s.size) + " bytes", "include/uapi/linux/sched.h",
                       describe(s.versions)});
  if (a.prediction.call.syscall == model::Syscall::clone && (bits >> 32) != 0 &&
      model::kLegacyCloneLower32Bits.contains(a.kernel.version) !=
          model::kLegacyCloneLower32Bits.contains(b.kernel.version))
    out.push_back({"sys_clone lower_32_bits(flags)", "kernel/fork.c: clone()", describe(model::kLegacyCloneLower32Bits)});
  std::vector<std::string> semantics = a.prediction.semantics;
  semantics.insert(semantics.end(), b.prediction.semantics.begin(), b.prediction.semantics.end());
  for (const std::string& id : semantics) {
    const model::Semantic* s = model::find_semantic(id);
    if (!s || !seen.insert(id).second) continue;
    if (s->versions.contains(a.kernel.version) == s->versions.contains(b.kernel.version)) continue;
    out.push_back({id, std::string(s->where), describe(s->versions)});
  }
  return out;
}

std::string context_text(const json::Value& record) {
  const json::Value* c = json::find(record, "context");
  if (!c) return "root";
  return c->is_string() ? json::str(*c) : json::dump(*c);
}

std::string explain_line(const json::Value& record, const model::Kernel& kernel) {
  CatalogueCase c;
  auto r = request_from_json(record);
  if (!r) return "";
  c.request = *r;
  c.context = context_text(record);
  return explain_arguments(c) + " --kernel " + shell_quote(model::kernel_spec(kernel));
}

std::string change_lines(const std::vector<DiffEntry>& d, const char* indent) {
  std::string out;
  for (const DiffEntry& e : d) out += std::string(indent) + e.field + ": " + e.predicted + " -> " + e.observed + "\n";
  return out;
}

std::string kernels_of(const RecordSet& s) {
  std::set<std::string> names;
  for (const json::Value& r : s.records)
    if (const json::Value* k = r.is_object() ? json::find(r, "kernel") : nullptr; k && k->is_string()) names.insert(json::str(*k));
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "no kernel named" : out;
}

}  // namespace

std::size_t DiffReport::expected() const {
  std::size_t n = 0;
  for (const CaseChange& c : changes) n += c.expected;
  return n;
}
std::size_t DiffReport::unexpected() const { return changes.size() - expected(); }

Result<DiffReport> diff_records(const RecordSet& a, const RecordSet& b, const DiffOptions& options) {
  std::map<std::string, const json::Value*> in_b;
  for (const json::Value& r : b.records) {
    const std::string id = id_of(r);
    if (id.empty()) return make_error(b.name + ": a record without an \"id\"");
    if (!in_b.emplace(id, &r).second) return make_error(b.name + ": id '" + id + "' appears twice");
  }
  DiffReport report;
  std::set<std::string> in_a;
  for (const json::Value& ra : a.records) {
    const std::string id = id_of(ra);
    if (id.empty()) return make_error(a.name + ": a record without an \"id\"");
    if (!in_a.insert(id).second) return make_error(a.name + ": id '" + id + "' appears twice");
    auto found = in_b.find(id);
    if (found == in_b.end()) {
      report.only_a.push_back(id);
      continue;
    }
    const json::Value& rb = *found->second;
    if (auto why = no_observation(ra)) {
      report.not_compared.push_back(id + ": " + a.name + " has " + *why);
      continue;
    }
    if (auto why = no_observation(rb)) {
      report.not_compared.push_back(id + ": " + b.name + " has " + *why);
      continue;
    }
    auto side_a = read_side(ra, options.kernel_a);
    if (!side_a) return make_error(a.name + ": " + id + ": " + side_a.error().message);
    auto side_b = read_side(rb, options.kernel_b);
    if (!side_b) return make_error(b.name + ": " + id + ": " + side_b.error().message);
    ++report.compared;

    CaseChange c;
    c.id = id;
    c.observed = diff_outcomes(side_a->observed, side_b->observed);
    c.predicted = diff_outcomes(side_a->prediction.outcome, side_b->prediction.outcome);
    if (c.observed.empty() && c.predicted.empty()) continue;
    const bool a_fits = diff_outcomes(side_a->prediction.outcome, side_a->observed).empty();
    const bool b_fits = diff_outcomes(side_b->prediction.outcome, side_b->observed).empty();
    c.expected = !c.observed.empty() && !c.predicted.empty() && a_fits && b_fits;
    c.rule_a = side_a->prediction.rule;
    c.rule_b = side_b->prediction.rule;
    c.causes = versioned_causes(*side_a, *side_b);
    if (!c.expected) {
      if (c.observed.empty())
        c.note = "the model predicts a change that was not observed";
      else if (c.predicted.empty())
        c.note = "the model predicts no change: a regression, or a change the model does not know";
      else
        c.note = std::string("the model predicts another change: ") + (a_fits ? "" : "A does not match its profile") +
                 (!a_fits && !b_fits ? ", " : "") + (b_fits ? "" : "B does not match its profile");
    }
    c.explain_a = explain_line(ra, side_a->kernel);
    c.explain_b = explain_line(rb, side_b->kernel);
    report.changes.push_back(std::move(c));
  }
  for (const json::Value& rb : b.records)
    if (!in_a.count(id_of(rb))) report.only_b.push_back(id_of(rb));
  return report;
}

std::string diff_text(const DiffReport& report, const RecordSet& a, const RecordSet& b) {
  std::string out = "clonediff diff: " + std::to_string(report.compared) + " cases compared\n";
  out += "  A " + a.name + " (" + kernels_of(a) + ")\n";
  out += "  B " + b.name + " (" + kernels_of(b) + ")\n";
  out += std::to_string(report.changes.size()) + " differ: " + std::to_string(report.expected()) + " expected, " +
         std::to_string(report.unexpected()) + " unexpected\n";
  const auto section = [&](bool expected) {
    std::string s;
    for (const CaseChange& c : report.changes) {
      if (c.expected != expected) continue;
      s += "  " + c.id + "\n";
      s += c.observed.empty() ? "    observed: no change\n" : change_lines(c.observed, "    observed  ");
      if (!expected) {
        s += "    " + c.note + "\n";
        s += c.predicted.empty() ? "    predicted: no change\n" : change_lines(c.predicted, "    predicted ");
      }
      s += "    rule: " + c.rule_a + (c.rule_a == c.rule_b ? " on both" : " in A, " + c.rule_b + " in B") + "\n";
      for (const VersionedCause& v : c.causes) s += "    because " + v.id + " (" + v.where + ") " + v.text + "\n";
      if (!expected) {
        s += "    explain A: clonediff explain " + c.explain_a + "\n";
        s += "    explain B: clonediff explain " + c.explain_b + "\n";
      }
    }
    return s;
  };
  if (report.expected())
    out += "\nexpected (the model's profiles of the two kernels predict the change):\n" + section(true);
  if (report.unexpected()) out += "\nunexpected (a regression, or a gap in the model):\n" + section(false);
  const auto list = [&](const char* what, const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    out += "\n" + std::string(what) + " (" + std::to_string(ids.size()) + "):\n";
    for (const std::string& id : ids) out += "  " + id + "\n";
  };
  list("only in A", report.only_a);
  list("only in B", report.only_b);
  list("not compared", report.not_compared);
  out += "\n";
  out += report.unexpected() ? "FAIL: " + std::to_string(report.unexpected()) + " unexpected changes\n"
                             : "PASS: no unexpected changes\n";
  return out;
}

}  // namespace clonediff::harness
