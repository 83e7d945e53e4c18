#include "harness/explore/coverage.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>
#include <unordered_map>

#include "harness/case/catalogue.hpp"
#include "harness/explore/generator.hpp"
#include "model/rules.hpp"
#include "model/semantics.hpp"

namespace clonediff::explore {

std::string_view coverage_kind_name(CoverageRow::Kind k) {
  switch (k) {
    case CoverageRow::Kind::refusal: return "refusal";
    case CoverageRow::Kind::success: return "success";
    case CoverageRow::Kind::semantic: return "semantic";
  }
  return "?";
}

// The one place that knows what a prediction names. The success side's rows
// (issue 12) join here: each as a row of its own, decided when it concerns
// the created child.
std::vector<CoverageRow> coverage_rows() {
  std::vector<CoverageRow> rows;
  for (const model::Rule& r : model::refusal_rules()) rows.push_back({std::string(r.id), CoverageRow::Kind::refusal});
  rows.push_back({std::string(model::kSuccessRuleId), CoverageRow::Kind::success});
  for (const model::Semantic& s : model::versioned_semantics())
    rows.push_back({std::string(s.id), CoverageRow::Kind::semantic});
  return rows;
}

std::vector<std::string> decided_ids(const model::Prediction& p) {
  std::vector<std::string> ids = {p.rule};
  if (p.outcome.ok()) ids.insert(ids.end(), p.semantics.begin(), p.semantics.end());
  return ids;
}

RuleCoverage::RuleCoverage() : rows_(coverage_rows()) {}

CoverageRow* RuleCoverage::row(const std::string& id) {
  for (CoverageRow& r : rows_)
    if (r.id == id) return &r;
  // An id the model names that the table does not know yet: a row of its own.
  rows_.push_back({id, CoverageRow::Kind::semantic});
  return &rows_.back();
}

void RuleCoverage::add(const harness::CaseResult& r) {
  if (!r.predicted || r.verdict == harness::Verdict::skip) return;
  add(*r.predicted, r.verdict);
}

void RuleCoverage::add(const model::Prediction& p, harness::Verdict verdict) {
  ++cases_;
  for (const std::string& id : decided_ids(p)) {
    CoverageRow* r = row(id);
    ++r->decided;
    if (verdict == harness::Verdict::match) ++r->matched;
    if (verdict != harness::Verdict::match && verdict != harness::Verdict::skip) ++r->diverged;
  }
  for (const model::RuleStep& step : p.chain)
    if (step.verdict == model::RuleStep::Verdict::passed) ++row(std::string(step.rule->id))->passed;
}

void RuleCoverage::merge(const RuleCoverage& other) {
  cases_ += other.cases_;
  for (const CoverageRow& o : other.rows_) {
    CoverageRow* r = row(o.id);
    r->decided += o.decided;
    r->matched += o.matched;
    r->diverged += o.diverged;
    r->passed += o.passed;
  }
}

namespace {

using Reached = std::map<std::string, std::set<std::string>>;

// What the probe takes from the built-in catalogue, made once for every probe
// of the process (the tests probe four profiles side by side, a run one per
// kernel it judges against): its cases in changed contexts (a preset plus
// changes), and the first case of each distinct request of its targeted
// cases (not the sweeps'), each holding only what the probe reads (context,
// request, clone3_enosys). Empty if the catalogue does not parse (its own
// tests say why).
struct CatalogueProbe {
  std::vector<harness::CatalogueCase> changed;
  std::vector<harness::CatalogueCase> requests;
};
const CatalogueProbe& catalogue_probe() {
  static const CatalogueProbe made = [] {
    CatalogueProbe out;
    const auto catalogue = harness::builtin_catalogue();
    if (!catalogue) return out;
    const auto slim = [](const harness::CatalogueCase& c) {
      harness::CatalogueCase s;
      s.context = c.context;
      s.request = c.request;
      s.clone3_enosys = c.clone3_enosys;
      return s;
    };
    const auto presets = model::caller_preset_names();
    std::set<model::Request> seen;
    for (const harness::CatalogueCase& c : *catalogue) {
      if (std::find(presets.begin(), presets.end(), c.context) == presets.end()) out.changed.push_back(slim(c));
      if (c.suite != "sweep" && c.suite != "exit-signals" && c.suite != "exit-signals3" && seen.insert(c.request).second)
        out.requests.push_back(slim(c));
    }
    return out;
  }();
  return made;
}

// The presets in which the model, probed three ways, reached each row: the
// generator's cases (guided by the kernel's model); every request of the
// catalogue in its own context (a preset plus changes too) and in every
// preset; and every neighbour of the catalogue's targeted cases (not the
// sweeps'). Each distinct request in a context is predicted once, and kept
// (`asked`) so that knob variants of the kernel can be asked the same
// without probing again.
struct Probe {
  Reached reached;
  std::map<std::string, model::Caller> callers;  // each context's facts; `asked` points into it
  std::vector<std::pair<const model::Caller*, model::Request>> asked;
};
Probe probe(const model::Kernel& kernel, std::size_t requests, std::uint64_t seed) {
  Probe out;
  GeneratorOptions o;
  o.seed = seed;
  o.kernel = kernel;
  o.space = whole_space(o.kernel.pid_max);
  std::map<std::string, model::Caller>& callers = out.callers;
  for (const std::string& name : o.space.contexts)
    if (auto c = model::caller_preset(name)) callers[name] = *c;
  // While probing, each context is a number and each row's contexts a
  // vector of marks by number: a case finds its context once, not once per
  // row. Made into names at the end.
  std::vector<std::string> context_names;
  std::unordered_map<std::string, std::size_t> context_numbers;
  std::unordered_map<std::string, std::vector<bool>> marks;
  const auto mark = [&](const std::string& id, std::size_t context) {
    std::vector<bool>& in = marks[id];
    if (in.size() <= context) in.resize(context_names.size());
    in[context] = true;
  };
  // A request in a context reaches the same rows each time it comes, and
  // many come more than once (neighbours of different cases meet, and the
  // catalogue's requests are tried in every preset: on 6.18 about 20,300
  // distinct of 26,900), so each is predicted once.
  std::set<std::pair<std::size_t, model::Request>> predicted;
  const auto reach = [&](const harness::CatalogueCase& c) {
    // A changed context of the catalogue's (contexts_data): its facts once.
    auto caller = callers.find(c.context);
    if (caller == callers.end()) {
      auto changed = model::caller_preset(c.context);
      if (!changed) return;
      caller = callers.emplace(c.context, *changed).first;
    }
    auto [number, added] = context_numbers.try_emplace(c.context, context_names.size());
    if (added) context_names.push_back(c.context);
    if (!predicted.emplace(number->second, c.request).second) return;
    out.asked.emplace_back(&caller->second, c.request);
    if (auto p = model::predict(c.request, caller->second, kernel)) {
      mark(p->rule, number->second);
      if (p->outcome.ok())
        for (const std::string& id : p->semantics) mark(id, number->second);
    }
  };
  Generator g(o);
  for (std::size_t i = 0; i < requests; ++i) reach(g.next());
  const CatalogueProbe& catalogue = catalogue_probe();
  for (const harness::CatalogueCase& c : catalogue.changed) reach(c);
  for (harness::CatalogueCase c : catalogue.requests) {
    for (const harness::CatalogueCase& n : neighbours(c, o.space)) reach(n);
    for (const std::string& context : o.space.contexts) {
      c.context = context;
      reach(c);
    }
  }
  for (const auto& [id, in] : marks)
    for (std::size_t n = 0; n < in.size(); ++n)
      if (in[n]) out.reached[id].insert(context_names[n]);
  return out;
}

// Which of `sought` some request the probe asked reaches on `variant`
// (decides, or names as a semantic of a created child). Stops once all are
// found, else asks every request: a variant usually reaches one row of
// those sought, not all.
std::set<std::string> reached_on(const Probe& probe, const model::Kernel& variant, std::set<std::string> sought) {
  std::set<std::string> found;
  const auto saw = [&](const std::string& id) {
    if (sought.erase(id)) found.insert(id);
  };
  for (const auto& [caller, request] : probe.asked) {
    if (sought.empty()) break;
    auto p = model::predict(request, *caller, variant);
    if (!p) continue;
    saw(p->rule);
    if (p->outcome.ok())
      for (const std::string& id : p->semantics) saw(id);
  }
  return found;
}

// The kernel knobs a profile may lack or set otherwise, each as the profile
// with it changed: where a row is reached only so, the knob is the reason.
std::vector<std::pair<std::string, model::Kernel>> knob_variants(const model::Kernel& kernel) {
  std::vector<std::pair<std::string, model::Kernel>> out;
  for (bool value : {false, true}) {
    if (kernel.unprivileged_userns_clone == value) continue;
    model::Kernel k = kernel;
    k.unprivileged_userns_clone = value;
    const std::string now = kernel.unprivileged_userns_clone
                                ? "=" + std::to_string(*kernel.unprivileged_userns_clone ? 1 : 0)
                                : " absent (not a Debian kernel)";
    out.emplace_back("needs Debian's kernel knob unprivileged_userns_clone=" + std::to_string(value ? 1 : 0) +
                         " (this kernel: unprivileged_userns_clone" + now + ")",
                     k);
  }
  // user.max_<type>_namespaces=0: every new namespace of that type refused.
  for (std::size_t i = 0; i < model::kNsLimitCount; ++i) {
    const auto n = static_cast<model::NsLimit>(i);
    if (kernel.forbids(n)) continue;
    model::Kernel k = kernel;
    k.max_namespaces[i] = 0;
    const std::string knob = "user.max_" + std::string(model::ns_limit_name(n)) + "_namespaces";
    const auto now = kernel.max(n);
    out.emplace_back("needs the kernel knob " + knob + "=0 (this kernel: " +
                         (now ? std::to_string(*now) : std::string("not 0")) + ")",
                     k);
  }
  return out;
}

}  // namespace

Reachability probe_reachability(const model::Kernel& kernel, std::size_t requests, std::uint64_t seed) {
  Reachability out;
  const Probe probed = probe(kernel, requests, seed);
  out.reached_in = probed.reached;
  std::vector<std::string> missing;
  for (const CoverageRow& row : coverage_rows())
    if (!out.reached_in.count(row.id)) missing.push_back(row.id);
  // A semantic is named wherever a call meets it, held on this version or
  // not; a refusal rule outside its version range cannot fire.
  for (const std::string& id : missing)
    if (const model::Rule* rule = model::find_rule(id); rule && !rule->versions.contains(kernel.version))
      out.unreachable[id] = "not in " + kernel.version.str() + ": " + std::string(rule->versions.why_not(kernel.version));
  // Knobs: the same requests asked of the profile with each knob set
  // otherwise, in turn, for what is still missing; the first that reaches a
  // row is its reason.
  std::erase_if(missing, [&](const std::string& id) { return out.unreachable.count(id) != 0; });
  std::set<std::string> unexplained(missing.begin(), missing.end());
  for (const auto& [reason, variant] : knob_variants(kernel)) {
    if (unexplained.empty()) break;
    for (const std::string& id : reached_on(probed, variant, unexplained)) {
      out.unreachable[id] = reason;
      unexplained.erase(id);
    }
  }
  for (const std::string& id : unexplained)
    out.unreachable[id] = "no request of the model probe (" + std::to_string(requests) +
                          " cases over every context) reached it on this profile";
  return out;
}

std::map<std::string, std::string> unbuildable_contexts(const std::vector<harness::CaseResult>& results) {
  std::map<std::string, std::string> out;
  for (const harness::CaseResult& r : results)
    if (r.verdict == harness::Verdict::skip && !r.predicted && r.reason.rfind("context '", 0) == 0)
      out.emplace(r.spec.context, r.reason);
  return out;
}

std::map<std::string, std::string> unreachable_here(const Reachability& reach,
                                                    const std::map<std::string, std::string>& unbuildable) {
  std::map<std::string, std::string> out = reach.unreachable;
  for (const auto& [id, contexts] : reach.reached_in) {
    if (std::any_of(contexts.begin(), contexts.end(), [&](const std::string& c) { return !unbuildable.count(c); }))
      continue;
    std::string names;
    for (const std::string& c : contexts) names += (names.empty() ? "" : ", ") + c;
    out[id] = "decides only in context " + names + ", which this machine cannot build: " +
              unbuildable.at(*contexts.begin());
  }
  return out;
}

std::vector<std::string> undecided_reachable(const RuleCoverage& coverage, const Reachability& reach,
                                             const std::map<std::string, std::string>& unbuildable) {
  const auto not_here = unreachable_here(reach, unbuildable);
  std::vector<std::string> out;
  for (const CoverageRow& r : coverage.rows())
    if (r.decided == 0 && !not_here.count(r.id)) out.push_back(r.id);
  return out;
}

std::string coverage_text(const RuleCoverage& coverage, const Reachability& reach,
                          const std::map<std::string, std::string>& unbuildable) {
  const auto not_here = unreachable_here(reach, unbuildable);
  std::size_t width = 4;
  for (const CoverageRow& r : coverage.rows()) width = std::max(width, r.id.size() + 11);
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "  %-*s %8s %8s %8s %8s\n", static_cast<int>(width), "rule", "decided", "matched",
                "diverged", "passed");
  out += line;
  std::size_t reachable = 0, decided = 0;
  for (const CoverageRow& r : coverage.rows()) {
    const bool here = !not_here.count(r.id);
    if (here) ++reachable;
    if (here && r.decided > 0) ++decided;
    const std::string name = r.id + (r.kind == CoverageRow::Kind::refusal ? "" : " (" + std::string(coverage_kind_name(r.kind)) + ")");
    const std::string passed = r.kind == CoverageRow::Kind::refusal ? std::to_string(r.passed) : "-";
    std::snprintf(line, sizeof line, "  %-*s %8zu %8zu %8zu %8s%s\n", static_cast<int>(width), name.c_str(), r.decided,
                  r.matched, r.diverged, passed.c_str(), here ? "" : "  (not reachable here)");
    out += line;
  }
  std::snprintf(line, sizeof line, "  %zu of %zu rules reachable here decided a case (%zu cases)\n", decided, reachable,
                coverage.cases());
  out += line;
  if (!not_here.empty()) {
    out += "not reachable here (" + std::to_string(not_here.size()) + "):\n";
    for (const auto& [id, why] : not_here) out += "  " + id + ": " + why + "\n";
  }
  const auto missing = undecided_reachable(coverage, reach, unbuildable);
  if (!missing.empty()) {
    out += "reachable here and never decided (" + std::to_string(missing.size()) + "):\n";
    for (const std::string& id : missing) {
      std::string contexts;
      if (auto it = reach.reached_in.find(id); it != reach.reached_in.end())
        for (const std::string& c : it->second) contexts += (contexts.empty() ? "" : ", ") + c;
      out += "  " + id + (contexts.empty() ? "" : " (the model reaches it in " + contexts + ")") + "\n";
    }
  }
  return out;
}

}  // namespace clonediff::explore
