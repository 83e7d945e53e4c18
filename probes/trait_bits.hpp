// Observed traits (model::Trait) as two bit sets: which were seen, and which
// of those were true. Plain data: what the looks below fill in, in the child
// and in the caller, and what the wire protocol carries to the host.
#pragma once

#include <cstdint>

#include "model/outcome.hpp"

namespace clonediff::probes {

struct TraitBits {
  std::uint32_t known = 0;
  std::uint32_t value = 0;
  void set(model::Trait t, bool v) noexcept {
    const std::uint32_t bit = 1u << static_cast<unsigned>(t);
    known |= bit;
    value = v ? (value | bit) : (value & ~bit);
  }
};
static_assert(model::kTraitCount <= 32);

}  // namespace clonediff::probes
