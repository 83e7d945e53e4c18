#include "model/semantics.hpp"

#include <vector>

#include "model/success.hpp"

namespace clonediff::model {
namespace {

// The bounded rows of the success table (success.cpp), as semantics.
const std::vector<Semantic>& semantics_table() {
  static const std::vector<Semantic> table = [] {
    std::vector<Semantic> t;
    for (const SuccessRow& r : success_rows())
      if (r.versions.bounded()) t.push_back(Semantic{r.id, r.where, r.versions, r.what, r.otherwise});
    return t;
  }();
  return table;
}

}  // namespace

std::span<const Semantic> versioned_semantics() { return semantics_table(); }

const Semantic* find_semantic(std::string_view id) {
  for (const Semantic& s : semantics_table())
    if (s.id == id) return &s;
  return nullptr;
}

bool semantic_holds(std::string_view id, const Kernel& kernel) {
  const Semantic* s = find_semantic(id);
  return s && s->versions.contains(kernel.version);
}

}  // namespace clonediff::model
