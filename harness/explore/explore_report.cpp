#include "harness/explore/explore_report.hpp"

#include <cstdio>

#include "harness/case/catalogue_line.hpp"
#include "harness/explore/signature.hpp"
#include "harness/records/record.hpp"
#include "harness/reports/summary.hpp"
#include "model/explain.hpp"
#include "model/flags.hpp"
#include "model/names.hpp"

namespace clonediff::explore {
namespace {

std::string shell_quote(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789_.,=/:+-") == std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string indented(const std::string& text, const std::string& pad) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    const std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    out += pad + line + "\n";
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return out;
}

// What the kernel did, and where it differs from the model.
std::string kernel_side(const harness::CaseResult& r) {
  if (r.verdict != harness::Verdict::mismatch)
    return std::string(harness::verdict_name(r.verdict)) + (r.reason.empty() ? "" : ": " + r.reason);
  std::string out = r.live ? json::dump(harness::outcome_to_json(r.live->observed)) : std::string("(not observed)");
  for (const harness::DiffEntry& d : r.diff) out += "\n" + harness::describe(d);
  return out;
}

// The request the model predicted from: a C library entry's recorded call.
model::Request predicted_request(const harness::CaseResult& r) {
  return r.live && r.live->route ? r.live->route->request : r.spec.request;
}

FindingReport render(const Finding& f, std::uint64_t seed, const model::Kernel& kernel) {
  FindingReport out;
  out.signature = f.signature;
  out.cases = f.cases;
  out.known = f.known || f.known_parts;
  const std::string comment = "clonediff explore --seed " + std::to_string(seed) + " on " + kernel.release + ": " + f.signature;
  out.first_line = harness::catalogue_line(f.first.spec);
  const harness::CaseResult* shown = &f.first;
  if (!f.shrunk) {
    out.status = "listed";
    out.note = "not shrunk: " + f.not_shrunk;
    out.line = harness::catalogue_line(f.first.spec, comment);
  } else {
    const ShrinkResult& s = *f.shrunk;
    out.status = std::string(shrink_status_name(s.status));
    out.note = "the first case diverged this way in " + std::to_string(s.reproduced) + " of " +
               std::to_string(s.confirm_runs) + " runs";
    switch (s.status) {
      case ShrinkResult::Status::flaky:
        out.note += ": flaky, not shrunk";
        break;
      case ShrinkResult::Status::minimal_flaky:
        out.note += "; shrunk in " + std::to_string(s.steps) + " steps, but the minimal case reproduced only " +
                    std::to_string(s.minimal_reproduced) + " times: the first case is kept";
        break;
      case ShrinkResult::Status::shrunk:
        out.note += s.steps == 0 ? "; already minimal" : "; shrunk in " + std::to_string(s.steps) + " steps";
        out.note += ", " + std::to_string(s.runs) + " live runs" + (s.out_of_runs ? " (stopped: out of runs or time)" : "");
        break;
    }
    if (s.minimal_result) shown = &*s.minimal_result;
    // A simpler case may be decided by another rule: its line says its own.
    const std::string own = divergence_signature(*shown);
    out.line = harness::catalogue_line(s.minimal, own.empty() || own == f.signature ? comment
                                                   : "clonediff explore --seed " + std::to_string(seed) + " on " +
                                                         kernel.release + ": " + own);
    if (!f.known_as.empty()) {
      out.known = true;
      out.note += "; the minimal case diverges as the baseline shows: " + f.known_as;
    }
  }
  const harness::CaseResult& r = *shown;
  if (r.predicted && r.caller_facts) {
    harness::CatalogueCase as_predicted = r.spec;
    as_predicted.request = predicted_request(r);
    out.explain_command =
        explain_command_line(as_predicted, harness::context_to_json(r.spec.context, *r.caller_facts), kernel);
    out.model = model::explain(as_predicted.request, *r.caller_facts, kernel, *r.predicted);
  } else {
    out.model = "(the model did not predict this case)";
  }
  out.kernel = kernel_side(r);
  return out;
}

json::Value coverage_to_json(const std::vector<CoverageRow>& rows) {
  json::Value a = json::Value::array();
  for (const CoverageRow& r : rows) {
    json::Value o = json::Value::object();
    o["id"] = r.id;
    o["kind"] = std::string(coverage_kind_name(r.kind));
    o["decided"] = r.decided;
    o["matched"] = r.matched;
    o["diverged"] = r.diverged;
    o["passed"] = r.passed;
    a.push_back(std::move(o));
  }
  return a;
}

// Members of a report object, each read with its type checked.
class Reader {
 public:
  explicit Reader(const json::Value& v) : v_(v) {}
  std::string text(std::string_view key) {
    const json::Value* m = json::find(v_, key);
    if (!m || !m->is_string()) return fail(key), std::string();
    return json::str(*m);
  }
  std::uint64_t number(std::string_view key) {
    const json::Value* m = json::find(v_, key);
    if (!m || !json::as_uint(*m)) return fail(key), 0;
    return *json::as_uint(*m);
  }
  double real(std::string_view key) {
    const json::Value* m = json::find(v_, key);
    if (!m || !m->is_number()) return fail(key), 0.0;
    return m->get<double>();
  }
  bool flag(std::string_view key) {
    const json::Value* m = json::find(v_, key);
    if (!m || !m->is_boolean()) return fail(key), false;
    return m->get<bool>();
  }
  const json::Value& list(std::string_view key) {
    static const json::Value empty = json::Value::array();
    const json::Value* m = json::find(v_, key);
    if (!m || !m->is_array()) return fail(key), empty;
    return *m;
  }
  const json::Value& map(std::string_view key) {
    static const json::Value empty = json::Value::object();
    const json::Value* m = json::find(v_, key);
    if (!m || !m->is_object()) return fail(key), empty;
    return *m;
  }
  const std::string& missing() const { return missing_; }

 private:
  void fail(std::string_view key) {
    if (missing_.empty()) missing_ = std::string(key);
  }
  const json::Value& v_;
  std::string missing_;
};

}  // namespace

std::size_t ExploreReport::reachable_rules() const {
  std::size_t n = 0;
  for (const CoverageRow& r : coverage)
    if (!unreachable.count(r.id)) ++n;
  return n;
}

std::size_t ExploreReport::decided_rules() const {
  std::size_t n = 0;
  for (const CoverageRow& r : coverage)
    if (!unreachable.count(r.id) && r.decided > 0) ++n;
  return n;
}

std::size_t ExploreReport::new_findings() const {
  std::size_t n = 0;
  for (const FindingReport& f : findings)
    if (!f.known) ++n;
  return n;
}

std::string explain_command_line(const harness::CatalogueCase& c, const json::Value& context, const model::Kernel& kernel) {
  const model::Request& r = c.request;
  const bool raw = r.entry == model::Entry::clone || r.entry == model::Entry::clone3;
  std::string cmd = "clonediff explain";
  if (raw) cmd += " " + shell_quote(model::format_flags(r.flags));
  cmd += " --entry " + std::string(model::entry_name(r.entry));
  if (raw && r.exit_signal != model::kSigchld) cmd += " --exit-signal " + std::to_string(r.exit_signal);
  cmd += " --context " + shell_quote(context.is_string() ? json::str(context) : json::dump(context));
  cmd += " --kernel " + shell_quote(model::kernel_spec(kernel));
  if (r.stack != model::StackArg::harness) cmd += " --stack " + std::string(model::stack_arg_name(r.stack));
  if (r.tls != model::TlsArg::none) cmd += " --tls " + std::string(model::tls_arg_name(r.tls));
  const model::Clone3Args& a = r.clone3;
  if (a.size != model::kCloneArgsSizeVer2) cmd += " --size " + std::to_string(a.size);
  if (a.stack_size) cmd += " --stack-size " + std::to_string(*a.stack_size);
  if (a.args != model::ArgsArg::harness) cmd += " --args " + std::string(model::args_arg_name(a.args));
  if (a.set_tid_at == model::PointerArg::unmapped) cmd += " --set-tid unmapped";
  if (a.set_tid) {
    std::string tids;
    for (const model::TidSpec& t : *a.set_tid) tids += (tids.empty() ? "" : ",") + model::tid_spec_text(t);
    cmd += " --set-tid " + shell_quote(tids);
  }
  if (a.set_tid_size) cmd += " --set-tid-size " + std::to_string(*a.set_tid_size);
  if (a.cgroup != model::CgroupArg::none) cmd += " --cgroup " + std::string(model::cgroup_arg_name(a.cgroup));
  if (a.tail != model::TailArg::zero) cmd += " --tail " + std::string(model::tail_arg_name(a.tail));
  if (a.pidfd_is_parent_tid) cmd += " --pidfd parent_tid";
  if (a.pidfd_at == model::PointerArg::unmapped) cmd += " --pidfd unmapped";
  if (a.parent_tid_at == model::PointerArg::unmapped) cmd += " --parent-tid unmapped";
  if (a.child_tid_at == model::PointerArg::unmapped) cmd += " --child-tid unmapped";
  return cmd;
}

ExploreReport make_report(const ExploreResult& r, std::uint64_t seed, const model::Kernel& kernel,
                          const Reachability& reach, const std::map<std::string, std::string>& unbuildable) {
  ExploreReport out;
  out.seed = seed;
  out.kernel_release = kernel.release;
  out.kernel_profile = model::kernel_spec(kernel);
  out.judged = harness::judged_against_text(kernel);
  out.cases = r.cases;
  out.verdicts = r.verdicts;
  out.explore_seconds = r.explore_time.count();
  out.shrink_seconds = r.shrink_time.count();
  out.boundary_crossings = r.boundary_crossings;
  out.coverage = r.coverage.rows();
  out.unreachable = unreachable_here(reach, unbuildable);
  out.dropped = r.dropped;
  for (const Finding& f : r.findings) out.findings.push_back(render(f, seed, kernel));
  return out;
}

json::Value report_to_json(const ExploreReport& r) {
  json::Value j = json::Value::object();
  j["explore"] = "report";
  j["target"] = r.target;
  j["seed"] = r.seed;
  j["kernel"] = r.kernel_release;
  j["kernel_profile"] = r.kernel_profile;
  j["judged"] = r.judged;
  j["cases"] = r.cases;
  json::Value verdicts = json::Value::object();
  for (std::size_t v = 0; v < r.verdicts.size(); ++v)
    verdicts[std::string(harness::verdict_name(static_cast<harness::Verdict>(v)))] = r.verdicts[v];
  j["verdicts"] = std::move(verdicts);
  j["explore_seconds"] = r.explore_seconds;
  j["shrink_seconds"] = r.shrink_seconds;
  j["boundary_crossings"] = r.boundary_crossings;
  j["coverage"] = coverage_to_json(r.coverage);
  json::Value unreachable = json::Value::object();
  for (const auto& [id, why] : r.unreachable) unreachable[id] = why;
  j["unreachable"] = std::move(unreachable);
  json::Value dropped = json::Value::array();
  for (const std::string& d : r.dropped) dropped.push_back(d);
  j["dropped"] = std::move(dropped);
  json::Value findings = json::Value::array();
  for (const FindingReport& f : r.findings) {
    json::Value o = json::Value::object();
    o["signature"] = f.signature;
    o["cases"] = f.cases;
    o["known"] = f.known;
    o["status"] = f.status;
    o["note"] = f.note;
    o["first_line"] = f.first_line;
    o["line"] = f.line;
    o["explain_command"] = f.explain_command;
    o["model"] = f.model;
    o["kernel"] = f.kernel;
    findings.push_back(std::move(o));
  }
  j["findings"] = std::move(findings);
  return j;
}

Result<ExploreReport> report_from_json(const json::Value& v) {
  if (!v.is_object() || !json::find(v, "explore")) return make_error("not an explore report");
  ExploreReport r;
  Reader in(v);
  r.target = in.text("target");
  r.seed = in.number("seed");
  r.kernel_release = in.text("kernel");
  r.kernel_profile = in.text("kernel_profile");
  r.judged = in.text("judged");
  r.cases = in.number("cases");
  const json::Value& verdicts = in.map("verdicts");
  for (std::size_t i = 0; i < r.verdicts.size(); ++i)
    if (const json::Value* n = json::find(verdicts, harness::verdict_name(static_cast<harness::Verdict>(i))); n && json::as_uint(*n))
      r.verdicts[i] = *json::as_uint(*n);
  r.explore_seconds = in.real("explore_seconds");
  r.shrink_seconds = in.real("shrink_seconds");
  r.boundary_crossings = in.number("boundary_crossings");
  for (const json::Value& row : in.list("coverage")) {
    Reader c(row);
    CoverageRow out;
    out.id = c.text("id");
    const std::string kind = c.text("kind");
    out.kind = kind == "success" ? CoverageRow::Kind::success
               : kind == "semantic" ? CoverageRow::Kind::semantic
                                    : CoverageRow::Kind::refusal;
    out.decided = c.number("decided");
    out.matched = c.number("matched");
    out.diverged = c.number("diverged");
    out.passed = c.number("passed");
    if (!c.missing().empty()) return make_error("explore report: a coverage row lacks '" + c.missing() + "'");
    r.coverage.push_back(std::move(out));
  }
  for (const auto& [id, why] : json::members(in.map("unreachable")))
    if (why.is_string()) r.unreachable[id] = json::str(why);
  for (const json::Value& d : in.list("dropped"))
    if (d.is_string()) r.dropped.push_back(json::str(d));
  for (const json::Value& item : in.list("findings")) {
    Reader f(item);
    FindingReport out;
    out.signature = f.text("signature");
    out.cases = f.number("cases");
    out.known = f.flag("known");
    out.status = f.text("status");
    out.note = f.text("note");
    out.first_line = f.text("first_line");
    out.line = f.text("line");
    out.explain_command = f.text("explain_command");
    out.model = f.text("model");
    out.kernel = f.text("kernel");
    if (!f.missing().empty()) return make_error("explore report: a finding lacks '" + f.missing() + "'");
    r.findings.push_back(std::move(out));
  }
  if (!in.missing().empty()) return make_error("explore report: no '" + in.missing() + "'");
  return r;
}

std::string report_text(const ExploreReport& r) {
  std::string out;
  std::string verdicts;
  for (std::size_t v = 0; v < r.verdicts.size(); ++v)
    verdicts += std::string(v ? ", " : "") + std::to_string(r.verdicts[v]) + " " +
                std::string(harness::verdict_name(static_cast<harness::Verdict>(v)));
  out += "  " + std::to_string(r.cases) + " cases in " + fixed(r.explore_seconds, 1) + " s, " +
         fixed(r.cases_per_second(), 1) + " cases/s: " + verdicts + "\n";
  out += "  rules: " + std::to_string(r.decided_rules()) + " of " + std::to_string(r.reachable_rules()) +
         " reachable here decided a case; " + std::to_string(r.boundary_crossings) +
         " cases crossed a rule boundary from a case before them\n";
  std::string undecided;
  for (const CoverageRow& row : r.coverage)
    if (!r.unreachable.count(row.id) && row.decided == 0) undecided += (undecided.empty() ? "" : ", ") + row.id;
  if (!undecided.empty()) out += "  reachable and not decided in this run: " + undecided + "\n";
  for (const auto& [id, why] : r.unreachable) out += "  not reachable here: " + id + ": " + why + "\n";
  for (const std::string& d : r.dropped) out += "  not drawn again: " + d + "\n";
  if (r.findings.empty()) {
    out += "\nfindings: none\n";
    return out;
  }
  out += "\nfindings: " + std::to_string(r.findings.size()) + " classes of divergence (" +
         std::to_string(r.new_findings()) + " new), shrinking took " + fixed(r.shrink_seconds, 1) + " s\n";
  std::size_t n = 0;
  for (const FindingReport& f : r.findings) {
    out += "  " + std::to_string(++n) + ". " + f.signature + "  (" + std::to_string(f.cases) +
           (f.cases == 1 ? " case, " : " cases, ") + (f.known ? "the baseline shows it" : "new") + ")\n";
    out += "     first:  " + f.first_line + "\n";
    out += "     " + f.note + "\n";
    if (f.known) continue;
    if (f.status == "flaky")
      out += "     not a case for cases/ until its cause is known: it does not diverge every time\n";
    else
      out += "     case for cases/:\n       " + f.line + "\n";
    out += "     model:  " + (f.explain_command.empty() ? std::string() : f.explain_command) + "\n";
    out += indented(f.model, "       ");
    out += "     kernel:\n" + indented(f.kernel, "       ");
  }
  return out;
}

std::string report_verdict_line(const ExploreReport& r) {
  const std::string seed = " (seed " + std::to_string(r.seed) + ")";
  const std::size_t fresh = r.new_findings();
  if (fresh > 0)
    return "FAIL: " + std::to_string(fresh) + (fresh == 1 ? " divergence" : " divergences") +
           (r.findings.size() > fresh ? " no baseline case shows" : "") + " in " + std::to_string(r.cases) + " cases" +
           seed;
  if (!r.findings.empty())
    return "PASS: every divergence (" + std::to_string(r.findings.size()) + " classes) is one the baseline shows, in " +
           std::to_string(r.cases) + " cases" + seed;
  return "PASS: no divergence in " + std::to_string(r.cases) + " cases" + seed;
}

}  // namespace clonediff::explore
