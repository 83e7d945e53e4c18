#include "harness/case/compare.hpp"

#include "model/names.hpp"

namespace clonediff::harness {
namespace {

using model::Fact;

// Fact field i is an after= scenario's trait: the case asked for it.
bool asked_for(std::size_t i) {
  return i >= model::kFirstTraitField && model::scenario_trait(model::trait_at(i - model::kFirstTraitField));
}

void compare_fact(std::vector<DiffEntry>& out, std::string field, Fact predicted, Fact observed, bool asked) {
  if (observed == Fact::conflict && predicted != Fact::conflict) {
    out.push_back({std::move(field), std::string(model::fact_name(predicted)), "conflict"});
    return;
  }
  if (asked && predicted != Fact::unknown && observed == Fact::unknown) {
    out.push_back({std::move(field), std::string(model::fact_name(predicted)), std::string(model::fact_name(observed))});
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
  for (std::size_t i = 0; i < model::kFactFieldCount; ++i)
    compare_fact(out, model::fact_field_name(i), model::fact_field(predicted, i), model::fact_field(observed, i),
                 asked_for(i));
  for (model::NumberField f : model::kNumberFields) {
    const auto& p = model::number_field(predicted, f);
    const auto& o = model::number_field(observed, f);
    if (!p || !o || *p == *o) continue;
    // A signal by its name; the exit signal as /proc/<pid>/stat shows it (-1 for a thread).
    const auto text = [f](long long v) {
      return f == model::NumberField::parent_signal ? model::signal_name(v) : std::to_string(v);
    };
    out.push_back({std::string(model::number_field_name(f)), text(*p), text(*o)});
  }
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
