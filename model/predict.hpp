// The reference model: what copy_process() will do for a request made by a
// caller on a kernel. Pure: no system calls, no /proc, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/caller.hpp"
#include "model/kernel.hpp"
#include "model/outcome.hpp"
#include "model/request.hpp"
#include "model/result.hpp"
#include "model/rules.hpp"
#include "model/semantics.hpp"

namespace clonediff::model {

struct RuleStep {
  const Rule* rule;
  enum class Verdict { not_in_kernel, passed, fired } verdict;
};

struct Prediction {
  Outcome outcome;
  KernelCall call;
  std::string rule;             // id of the deciding rule (kSuccessRuleId on success)
  std::vector<RuleStep> chain;  // every rule considered, in order, up to the deciding one
  std::vector<std::string> notes;  // what the success semantics rest on
  // Versioned semantics (semantics.hpp) that decided part of the child, held
  // on this kernel or not: the answer would differ on a kernel across their
  // range's bound.
  std::vector<std::string> semantics;
  // Flag bits the legacy call passed that this kernel does not define: it
  // ignored them (call.flags no longer holds them).
  std::uint64_t ignored_flags = 0;
};

Result<Prediction> predict(const Request& request, const Caller& caller, const Kernel& kernel);

}  // namespace clonediff::model
