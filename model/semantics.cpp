#include "model/semantics.hpp"

#include <array>

namespace clonediff::model {
namespace {

constexpr std::array kSemantics = {
    Semantic{semantic::kTimensVmChildEnters, "kernel/nsproxy.c: copy_namespaces() -> timens_on_fork()",
             {{5, 6, 0}, KernelVersion{6, 2, 0},
              "ended by 2b5f9dad32ed \"fs/exec: switch timens when a task gets a new mm\" (v6.2): copy_namespaces() "
              "calls timens_on_fork() only without CLONE_VM",
              "added with time namespaces by 769071ac9f20 \"ns: Introduce Time Namespace\" (v5.6)"},
             "a CLONE_VM child with CLONE_NEWTIME enters the new time namespace, as every child does",
             "a CLONE_VM child stays in the caller's time namespace; only its time_for_children is new"},
};

}  // namespace

std::span<const Semantic> versioned_semantics() { return kSemantics; }

const Semantic* find_semantic(std::string_view id) {
  for (const Semantic& s : kSemantics)
    if (s.id == id) return &s;
  return nullptr;
}

bool semantic_holds(std::string_view id, const Kernel& kernel) {
  const Semantic* s = find_semantic(id);
  return s && s->versions.contains(kernel.version);
}

}  // namespace clonediff::model
