// What each witness of a shared resource said about one case: plain data,
// written by the probes and read by records and reports.
#pragma once

#include <array>
#include <string>

#include "model/outcome.hpp"

namespace clonediff::probes {

using model::Fact;

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

}  // namespace clonediff::probes
