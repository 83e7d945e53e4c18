// Turns the two witnesses' reports into one observed Outcome.
#pragma once

#include <array>
#include <string>

#include "model/outcome.hpp"
#include "probes/identity.hpp"

namespace clonediff::probes {

// Per shared resource, what each witness said.
struct Witnesses {
  std::array<Fact, model::kResourceCount> kcmp{};
  std::array<Fact, model::kResourceCount> behaviour{};
  std::string kcmp_note;
  Witnesses() {
    kcmp.fill(Fact::unknown);
    behaviour.fill(Fact::unknown);
  }
};

// Two witnesses agree: that; one silent: the other; both silent: unknown;
// they disagree: conflict (which never matches a prediction).
Fact combine(Fact a, Fact b);

model::Outcome observed_outcome(const IdentityObservation& identity, const Witnesses& witnesses);

}  // namespace clonediff::probes
