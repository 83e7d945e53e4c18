#include "harness/explore/generator.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <numeric>
#include <string_view>

#include "model/flags.hpp"

namespace clonediff::explore {
namespace {

using harness::CatalogueCase;

constexpr std::size_t kExemplarsPerRule = 8;

// The exit signal by the class the rules and the parent's signal tell apart.
std::string_view signal_class(std::uint64_t sig) {
  if (sig == 0) return "0";
  if (sig == model::kSigchld) return "SIGCHLD";
  if (sig == 9 || sig == 19) return "unblockable";
  if (sig <= 64) return "1..64";
  if (sig <= 255) return "65..255";
  return "above 255";
}

// What the harness will not make (engine/runner.cpp's skips): a CLONE_VM child
// without its own stack while the caller runs on, and a system() whose clone
// is refused (it reports exit status 127, not the errno). Drawing them would
// only add skips.
bool harness_skips(const CatalogueCase& c, const model::Prediction& p) {
  const model::Request& r = c.request;
  if (model::shares_callers_stack(r) && p.outcome.ok()) return true;
  return r.entry == model::Entry::system && !p.outcome.ok();
}

// A number as its decimal digits, held for the full expression it is made in.
class Decimal {
 public:
  explicit Decimal(std::uint64_t n) : end_(std::to_chars(digits_, digits_ + sizeof digits_, n).ptr) {}
  std::string_view view() const { return {digits_, static_cast<std::size_t>(end_ - digits_)}; }

 private:
  char digits_[24];
  char* end_;
};

using Pieces = std::initializer_list<std::string_view>;

// Each feature of a predicted case, as the pieces that spell it, handed to
// `emit` in a fixed order: case_features() joins them into strings; the
// generator hashes them (feature_key) and so makes no string per feature.
template <typename Emit>
void for_each_feature(const CatalogueCase& c, const model::Prediction& p, Emit&& emit) {
  const model::Request& r = c.request;
  const std::string_view entry = model::entry_name(r.entry);
  emit(Pieces{"rule ", p.rule});
  emit(Pieces{"rule ", p.rule, " in ", c.context});
  emit(Pieces{"rule ", p.rule, " by ", entry});
  for (const std::string& s : p.semantics) emit(Pieces{"semantic ", s});
  if (!p.outcome.ok()) return;
  // A created child: what it was asked to share and be, alone and in pairs,
  // where the success side's answers live (bits by number).
  const std::uint64_t flags = p.call.flags;
  for (unsigned a = 0; a < 64; ++a) {
    if (!(flags & (1ULL << a))) continue;
    const Decimal first(a);
    emit(Pieces{"ok with bit ", first.view()});
    for (unsigned b = a + 1; b < 64; ++b)
      if (flags & (1ULL << b)) emit(Pieces{"ok with bits ", first.view(), ",", Decimal(b).view()});
  }
  emit(Pieces{"ok signal ", signal_class(p.call.exit_signal)});
  emit(Pieces{"ok in ", c.context});
  emit(Pieces{"ok by ", entry});
  if (r.stack != model::StackArg::harness) emit(Pieces{"ok stack ", model::stack_arg_name(r.stack)});
  if (r.tls != model::TlsArg::none) emit(Pieces{"ok tls ", model::tls_arg_name(r.tls)});
  if (p.call.set_tid_size > 0) emit(Pieces{"ok set_tid ", Decimal(p.call.set_tid_size).view()});
  if (c.clone3_enosys) emit(Pieces{"ok clone3=enosys by ", entry});
}

// A feature's key: FNV-1a (64 bits) over its pieces in turn, the same as over
// the joined string. Two features of one run share a key only by a hash
// collision, which among the few thousand a run meets is about 1 in 10^12.
std::uint64_t feature_key(Pieces pieces) {
  std::uint64_t h = 14695981039346656037ULL;
  for (std::string_view piece : pieces)
    for (const char byte : piece) h = (h ^ static_cast<unsigned char>(byte)) * 1099511628211ULL;
  return h;
}

}  // namespace

std::vector<std::string> case_features(const CatalogueCase& c, const model::Prediction& p) {
  std::vector<std::string> out;
  for_each_feature(c, p, [&](Pieces pieces) {
    std::string& f = out.emplace_back();
    for (std::string_view piece : pieces) f += piece;
  });
  return out;
}

Generator::Generator(GeneratorOptions options) : options_(std::move(options)), rng_(options_.seed) {
  for (const std::string& name : options_.space.contexts)
    if (auto preset = model::caller_preset(name)) callers_[name] = *preset;
}

void Generator::drop_context(const std::string& name) {
  auto& contexts = options_.space.contexts;
  // A changed context drawn from a preset: not drawn again, its preset still.
  if (std::find(contexts.begin(), contexts.end(), name) == contexts.end()) {
    options_.space.unbuildable_changed.push_back(name);
    drop_exemplars([&](const CatalogueCase& c) { return c.context == name; });
    return;
  }
  if (contexts.size() <= 1) return;  // keep one: the cases must come from somewhere
  std::erase(contexts, name);
  drop_exemplars([&](const CatalogueCase& c) { return c.context == name; });
}

void Generator::drop_entry(model::Entry e) {
  auto& entries = options_.space.entries;
  if (entries.size() <= 1) return;
  std::erase(entries, e);
  drop_exemplars([&](const CatalogueCase& c) { return c.request.entry == e; });
}

void Generator::drop_exemplars(const std::function<bool(const CatalogueCase&)>& gone) {
  for (auto& [rule, cases] : exemplars_) {
    std::erase_if(cases, [&](const Exemplar& e) { return gone(e.c); });
    for (Exemplar& e : cases) {  // the space changed: their neighbours too
      e.near.reset();
      e.assessed.clear();
    }
  }
}

const std::vector<CatalogueCase>& Generator::neighbours_of(Exemplar& e) {
  if (!e.near) {
    e.near = neighbours(e.c, options_.space);
    e.assessed.assign(e.near->size(), std::nullopt);
  }
  return *e.near;
}

bool Generator::in_space(const CatalogueCase& c) const {
  const Space& space = options_.space;
  const auto in = [](const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  // A changed context counts as its preset's, unless the run found it unbuildable.
  const std::string_view preset = std::string_view(c.context).substr(0, c.context.find('+'));
  return (in(space.contexts, c.context) || (in(space.contexts, preset) && !in(space.unbuildable_changed, c.context))) &&
         std::find(space.entries.begin(), space.entries.end(), c.request.entry) != space.entries.end();
}

Generator::Assessment Generator::assess(const CatalogueCase& c) {
  Assessment out;
  auto caller = callers_.find(c.context);
  if (caller == callers_.end()) {
    auto facts = model::caller_preset(c.context);
    if (!facts) return out;
    caller = callers_.emplace(c.context, *facts).first;
  }
  auto p = model::predict(c.request, caller->second, options_.kernel);
  if (!p || harness_skips(c, *p)) return out;
  out.rule = p->rule;
  for_each_feature(c, *p, [&](Pieces pieces) { out.features.push_back(feature_key(pieces)); });
  return out;
}

std::optional<Generator::Candidate> Generator::candidate(const CatalogueCase& c, const Assessment& a,
                                                         const std::string* parent_rule) const {
  if (a.rule.empty()) return std::nullopt;
  Candidate out;
  out.c = &c;
  out.assessment = &a;
  const auto novelty = [&](std::uint64_t feature) {
    const auto it = seen_.find(feature);
    return 1.0 / (1.0 + static_cast<double>(it == seen_.end() ? 0 : it->second));
  };
  for (const std::uint64_t feature : a.features) out.score += novelty(feature);
  if (parent_rule && *parent_rule != a.rule) {
    out.crossed = true;
    out.crossing = feature_key({"crossing ", *parent_rule, " > ", a.rule});
    out.score += novelty(out.crossing);
  }
  return out;
}

std::optional<Generator::Candidate> Generator::neighbour_candidate(Exemplar& e, std::size_t i,
                                                                   const std::string* parent_rule) {
  // Kept with the neighbour like its assessment: whether the space holds it
  // changes only with the space, which forgets the neighbours.
  const CatalogueCase& c = (*e.near)[i];
  std::optional<Assessment>& a = e.assessed[i];
  if (!a) a = in_space(c) ? assess(c) : Assessment{};
  return candidate(c, *a, parent_rule);
}

// A taken case to start from: a rule first, each rule alike (so the rarely
// decided ones are as likely as the rest), then one of its cases.
Generator::Exemplar* Generator::exemplar() {
  std::vector<std::vector<Exemplar>*> rules;
  for (auto& [rule, cases] : exemplars_)
    if (!cases.empty()) rules.push_back(&cases);
  if (rules.empty()) return nullptr;
  auto& cases = *rules[rng_.index(rules.size())];
  return &cases[rng_.index(cases.size())];
}

void Generator::take(const Candidate& chosen, const CatalogueCase& c) {
  for (const std::uint64_t feature : chosen.assessment->features) ++seen_[feature];
  if (chosen.crossed) ++seen_[chosen.crossing];
  // Up to a few cases per rule to mutate from, replaced at random as more
  // come. A copy: the replaced exemplar may hold the chosen assessment.
  const std::string rule = chosen.assessment->rule;
  std::vector<Exemplar>& kept = exemplars_[rule];
  const std::size_t n = ++taken_by_rule_[rule];
  if (kept.size() < kExemplarsPerRule) {
    kept.push_back({c, rule, std::nullopt, {}});
  } else if (const std::uint64_t slot = rng_.below(n); slot < kExemplarsPerRule) {
    kept[static_cast<std::size_t>(slot)] = {c, rule, std::nullopt, {}};
  }
}

CatalogueCase Generator::next() {
  std::vector<Candidate> pool;
  pool.reserve(options_.random_candidates + options_.mutated_candidates + options_.boundary_neighbours);
  const auto offer = [&](std::optional<Candidate> c) {
    if (c) pool.push_back(*c);
  };
  // Held here for the candidates that point at them: sized once, never resized.
  std::vector<CatalogueCase> random(options_.random_candidates);
  std::vector<Assessment> random_assessed(options_.random_candidates);
  for (std::size_t i = 0; i < random.size(); ++i) {
    random[i] = random_case(rng_, options_.space);
    if (!in_space(random[i])) continue;
    random_assessed[i] = assess(random[i]);
    offer(candidate(random[i], random_assessed[i], nullptr));
  }
  for (std::size_t i = 0; i < options_.mutated_candidates; ++i) {
    Exemplar* from = exemplar();
    if (!from) break;
    const std::vector<CatalogueCase>& near = neighbours_of(*from);
    if (!near.empty()) offer(neighbour_candidate(*from, rng_.index(near.size()), nullptr));
  }
  // The boundary search: neighbours of one taken case, scored with the
  // crossing from its rule to theirs.
  if (Exemplar* from = exemplar()) {
    // Drawn without replacement: the neighbours not drawn yet, by index.
    const std::vector<CatalogueCase>& near = neighbours_of(*from);
    std::vector<std::size_t> left(near.size());
    std::iota(left.begin(), left.end(), std::size_t{0});
    for (std::size_t i = 0; i < options_.boundary_neighbours && !left.empty(); ++i) {
      const std::size_t at = rng_.index(left.size());
      offer(neighbour_candidate(*from, left[at], &from->rule));
      left.erase(left.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  ++count_;
  if (pool.empty()) {
    // Every draw was one the harness skips: a plain fork-like clone.
    CatalogueCase plain;
    plain.context = options_.space.contexts.empty() ? "root" : options_.space.contexts.front();
    plain.id = "explore/" + std::to_string(options_.seed) + "-" + std::to_string(count_);
    plain.suite = "explore";
    last_rule_.clear();
    last_crossed_ = false;
    return plain;
  }
  // The most novel; the first of equals (the draws were random already).
  const auto best = std::max_element(pool.begin(), pool.end(),
                                     [](const Candidate& a, const Candidate& b) { return a.score < b.score; });
  // Copied before take(), which may replace the exemplar whose neighbour it
  // is (and so free the case and its assessment).
  CatalogueCase out = *best->c;
  last_rule_ = best->assessment->rule;
  last_crossed_ = best->crossed;
  if (best->crossed) ++crossings_;
  take(*best, out);
  out.id = "explore/" + std::to_string(options_.seed) + "-" + std::to_string(count_);
  out.suite = "explore";
  return out;
}

}  // namespace clonediff::explore
