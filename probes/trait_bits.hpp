// Observed traits (model::Trait) as two bit sets: which were seen, and which
// of those were true. Plain data: what the looks below fill in, in the child
// and in the caller, and what the wire protocol carries to the host.
#pragma once

#include <cstdint>

#include "model/outcome.hpp"

namespace clonediff::probes {

struct TraitBits {
  std::uint64_t known = 0;
  std::uint64_t value = 0;
  void set(model::Trait t, bool v) noexcept {
    const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(t);
    known |= bit;
    value = v ? (value | bit) : (value & ~bit);
  }
};
static_assert(model::kTraitCount <= 64);

}  // namespace clonediff::probes
