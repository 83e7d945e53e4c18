#include "harness/explore/signature.hpp"

#include <map>
#include <vector>

#include "model/caller.hpp"
#include "model/predict.hpp"

namespace clonediff::explore {
namespace {

// A signal number or name says which signal, not how the kernel and the
// model differ: every signal but none (0) and a thread's -1 reads as N.
std::string abstract_value(std::string_view field, std::string_view value) {
  if (field != "exit_signal" && field != "parent_signal") return std::string(value);
  if (value == "none" || value == "0" || value == "-1") return std::string(value);
  return "N";
}

std::string abstract_entry(std::string_view field, std::string_view predicted, std::string_view observed) {
  return std::string(field) + ": " + abstract_value(field, predicted) + " -> " + abstract_value(field, observed);
}

}  // namespace

std::string divergence_signature(const harness::CaseResult& r) {
  const std::string rule = r.predicted ? r.predicted->rule : "unpredicted";
  switch (r.verdict) {
    case harness::Verdict::match:
    case harness::Verdict::skip: return "";
    case harness::Verdict::timeout:
    case harness::Verdict::crash:
    case harness::Verdict::error: return rule + " | " + std::string(harness::verdict_name(r.verdict));
    case harness::Verdict::mismatch: break;
  }
  std::string how;
  for (const harness::DiffEntry& d : r.diff) how += (how.empty() ? "" : "; ") + abstract_entry(d.field, d.predicted, d.observed);
  return rule + " | " + how;
}

std::string shrink_key(const harness::CaseResult& r) {
  switch (r.verdict) {
    case harness::Verdict::match:
    case harness::Verdict::skip: return "";
    case harness::Verdict::timeout:
    case harness::Verdict::crash:
    case harness::Verdict::error: return std::string(harness::verdict_name(r.verdict));
    case harness::Verdict::mismatch: break;
  }
  std::string key;
  for (const harness::DiffEntry& d : r.diff)
    key += (key.empty() ? "" : "; ") + d.field + " -> " + abstract_value(d.field, d.observed);
  return key;
}

std::string baseline_signature(std::string_view rule, std::string_view divergence) {
  std::string how;
  while (!divergence.empty()) {
    const auto end = divergence.find("; ");
    const std::string_view part = divergence.substr(0, end);
    divergence = end == std::string_view::npos ? std::string_view() : divergence.substr(end + 2);
    const auto colon = part.find(": ");
    const auto arrow = part.find(" -> ");
    std::string one = std::string(part);
    if (colon != std::string_view::npos && arrow != std::string_view::npos && arrow > colon)
      one = abstract_entry(part.substr(0, colon), part.substr(colon + 2, arrow - colon - 2), part.substr(arrow + 4));
    how += (how.empty() ? "" : "; ") + one;
  }
  return std::string(rule) + " | " + how;
}

std::vector<std::string> signature_parts(std::string_view signature) {
  const auto bar = signature.find(" | ");
  if (bar == std::string_view::npos) return {std::string(signature)};
  const std::string rule(signature.substr(0, bar + 3));
  std::string_view how = signature.substr(bar + 3);
  std::vector<std::string> out;
  while (!how.empty()) {
    const auto end = how.find("; ");
    out.push_back(rule + std::string(how.substr(0, end)));
    how = end == std::string_view::npos ? std::string_view() : how.substr(end + 2);
  }
  return out;
}

std::set<std::string> known_signatures(const std::vector<std::pair<std::string, std::string>>& entries,
                                       const std::vector<harness::CatalogueCase>& catalogue,
                                       const model::Kernel& kernel, std::size_t* unknown_ids) {
  std::map<std::string_view, const harness::CatalogueCase*> by_id;
  for (const harness::CatalogueCase& c : catalogue) by_id[c.id] = &c;
  std::set<std::string> out;
  std::size_t unknown = 0;
  for (const auto& [id, divergence] : entries) {
    const auto it = by_id.find(id);
    auto caller = it == by_id.end() ? Result<model::Caller>(make_error("")) : model::caller_preset(it->second->context);
    auto p = caller ? model::predict(it->second->request, *caller, kernel) : Result<model::Prediction>(make_error(""));
    if (!p) {
      ++unknown;
      continue;
    }
    out.insert(baseline_signature(p->rule, divergence));
  }
  if (unknown_ids) *unknown_ids = unknown;
  return out;
}

}  // namespace clonediff::explore
