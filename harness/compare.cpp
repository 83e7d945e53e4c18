#include "harness/compare.hpp"

#include "model/names.hpp"

namespace clonediff::harness {
namespace {

using model::Fact;

void compare_fact(std::vector<DiffEntry>& out, std::string field, Fact predicted, Fact observed) {
  if (observed == Fact::conflict && predicted != Fact::conflict) {
    out.push_back({std::move(field), std::string(model::fact_name(predicted)), "conflict"});
    return;
  }
  if (predicted == Fact::unknown || observed == Fact::unknown || predicted == observed) return;
  out.push_back({std::move(field), std::string(model::fact_name(predicted)), std::string(model::fact_name(observed))});
}

std::string result_name(int err) { return err == 0 ? "ok" : model::errno_name(err); }

}  // namespace

std::vector<DiffEntry> diff_outcomes(const model::Outcome& predicted, const model::Outcome& observed) {
  std::vector<DiffEntry> out;
  if (predicted.error != observed.error) {
    out.push_back({"result", result_name(predicted.error), result_name(observed.error)});
    return out;
  }
  if (!predicted.ok()) return out;
  for (model::Resource r : model::kResources)
    compare_fact(out, "share." + std::string(model::resource_name(r)), predicted[r], observed[r]);
  for (model::Ns n : model::kNamespaces)
    compare_fact(out, "ns_new." + std::string(model::ns_name(n)), predicted[n], observed[n]);
  compare_fact(out, "same_tgid", predicted.same_tgid, observed.same_tgid);
  compare_fact(out, "ppid_is_caller", predicted.ppid_is_caller, observed.ppid_is_caller);
  for (std::size_t i = 0; i < model::kTraitCount; ++i)
    compare_fact(out, std::string(model::trait_name(model::trait_at(i))), predicted.traits[i], observed.traits[i]);
  if (predicted.parent_signal && observed.parent_signal && *predicted.parent_signal != *observed.parent_signal)
    out.push_back({"parent_signal", model::signal_name(*predicted.parent_signal), model::signal_name(*observed.parent_signal)});
  if (predicted.exit_signal && observed.exit_signal && *predicted.exit_signal != *observed.exit_signal)
    out.push_back({"exit_signal", std::to_string(*predicted.exit_signal), std::to_string(*observed.exit_signal)});
  return out;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::match: return "match";
    case Verdict::mismatch: return "mismatch";
    case Verdict::skip: return "skip";
    case Verdict::timeout: return "timeout";
    case Verdict::crash: return "crash";
    case Verdict::error: return "error";
  }
  return "?";
}

std::string describe(const DiffEntry& d) {
  return d.field + ": predicted " + d.predicted + ", observed " + d.observed;
}

}  // namespace clonediff::harness
