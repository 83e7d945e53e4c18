// Turns the two witnesses' reports into one observed Outcome.
#pragma once

#include <array>
#include <string>

#include "model/outcome.hpp"
#include "probes/identity.hpp"
#include "probes/witnesses.hpp"

namespace clonediff::probes {

// Two witnesses agree: that; one silent: the other; both silent: unknown;
// they disagree: conflict (which never matches a prediction).
Fact combine(Fact a, Fact b);

model::Outcome observed_outcome(const IdentityObservation& identity, const Witnesses& witnesses);

}  // namespace clonediff::probes
