// The model-guided generator. For each case it draws candidates from the
// space (random cases, one-step mutations of cases already taken, and a
// boundary search: the neighbours of a taken case that the model decides by
// another rule), predicts each with the context preset's facts, and takes the
// most novel: the one whose features (deciding rule, rule by context and
// entry, versioned semantics, a created child's flags and flag pairs, the
// boundary crossed) were seen least so far. So the cases spread over every
// rule and crowd at the places where one rule hands over to another.
//
// Deterministic: a seed and a kernel profile give the same cases in the same
// order on every machine (its random numbers are its own, rng.hpp). Pure: no
// system calls.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/explore/rng.hpp"
#include "harness/explore/space.hpp"
#include "model/caller.hpp"
#include "model/kernel.hpp"
#include "model/predict.hpp"

namespace clonediff::explore {

struct GeneratorOptions {
  std::uint64_t seed = 0;
  model::Kernel kernel;       // the profile candidates are predicted for
  Space space;
  std::size_t random_candidates = 8;    // per case
  std::size_t mutated_candidates = 4;   // per case
  std::size_t boundary_neighbours = 24;  // neighbours probed per case
};

class Generator {
 public:
  explicit Generator(GeneratorOptions options);

  // The next case, its id "explore/<seed>-<n>" (n from 1).
  harness::CatalogueCase next();
  // The model's deciding rule for the last case next() gave, with the
  // preset's facts (a live run predicts from the live caller's).
  const std::string& last_rule() const { return last_rule_; }
  // Whether the last case is a neighbour of a taken case that another rule decides.
  bool last_crossed_boundary() const { return last_crossed_; }
  std::size_t boundary_crossings() const { return crossings_; }
  std::size_t count() const { return count_; }
  // Draws no more cases in this context (it cannot be built here). The
  // cases that follow then depend on this machine too.
  void drop_context(const std::string& name);
  // Draws no more cases of this entry (the C library's, where the seccomp
  // supervisor cannot be used).
  void drop_entry(model::Entry e);
  const Space& space() const { return options_.space; }

 private:
  // What the model says of a drawn case, as far as the generator scores it:
  // its deciding rule and its features' keys, no crossing. It depends only
  // on the case, the kernel profile and the context's facts, so a
  // neighbour's is kept with its exemplar and not predicted again.
  // `rule` empty: no candidate (the harness would skip the case, the model
  // cannot predict it, or a neighbour is outside the space).
  struct Assessment {
    std::string rule;
    std::vector<std::uint64_t> features;  // feature keys (generator.cpp's feature_key)
  };
  // A drawn case, scored. `c` and `assessment` point at what next() holds
  // for this draw or at an exemplar's neighbour, which stay put until
  // take() (the case is copied only once chosen).
  struct Candidate {
    const harness::CatalogueCase* c = nullptr;
    const Assessment* assessment = nullptr;
    bool crossed = false;
    std::uint64_t crossing = 0;  // the crossing's feature key, when crossed
    double score = 0;
  };
  // A taken case kept to mutate from, with its deciding rule, and its
  // neighbours in the space once asked for, each assessed once drawn: an
  // exemplar is drawn from again and again, and its neighbours stay the
  // same until the space changes (drop_context, drop_entry:
  // drop_exemplars() forgets them).
  struct Exemplar {
    harness::CatalogueCase c;
    std::string rule;
    std::optional<std::vector<harness::CatalogueCase>> near;
    std::vector<std::optional<Assessment>> assessed;  // by index in `near`; sized with it, never resized
  };
  // Whether the space still holds `c`'s context and entry.
  bool in_space(const harness::CatalogueCase& c) const;
  Assessment assess(const harness::CatalogueCase& c);
  // `c` as a candidate, scored by what is seen so far; nullopt when it is
  // none. `parent_rule`: the rule of the exemplar it neighbours, for a
  // boundary candidate.
  std::optional<Candidate> candidate(const harness::CatalogueCase& c, const Assessment& a,
                                     const std::string* parent_rule) const;
  // Neighbour `i` of `e` (neighbours_of(e) asked for already) as a candidate.
  std::optional<Candidate> neighbour_candidate(Exemplar& e, std::size_t i, const std::string* parent_rule);
  Exemplar* exemplar();
  const std::vector<harness::CatalogueCase>& neighbours_of(Exemplar& e);
  // After the space changed: drops the exemplars it no longer holds, and
  // forgets every exemplar's neighbours.
  void drop_exemplars(const std::function<bool(const harness::CatalogueCase&)>& gone);
  void take(const Candidate& chosen, const harness::CatalogueCase& c);

  GeneratorOptions options_;
  Rng rng_;
  std::map<std::string, model::Caller> callers_;  // each preset's facts
  std::unordered_map<std::uint64_t, std::size_t> seen_;  // feature key -> cases taken with it
  std::map<std::string, std::vector<Exemplar>> exemplars_;  // by deciding rule
  std::map<std::string, std::size_t> taken_by_rule_;
  std::size_t count_ = 0;
  std::size_t crossings_ = 0;
  std::string last_rule_;
  bool last_crossed_ = false;
};

// The features a predicted case is scored by (exposed for tests).
std::vector<std::string> case_features(const harness::CatalogueCase& c, const model::Prediction& p);

}  // namespace clonediff::explore
