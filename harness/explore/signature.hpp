// A divergence's signature: the class a mismatch (or a timeout, crash or
// error) belongs to, so that many cases showing one difference are one
// finding, a shrunk case is accepted only while it still shows the same
// difference, and an emulator's divergences can be told known (a baseline
// shows the same class) from new. The class is the deciding rule and how the
// case diverged: the differing fields with their values (the result's errno
// names, facts' true/false), signal numbers abstracted ("none -> N"), or the
// verdict of a case that did not finish.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/case/case_result.hpp"
#include "model/kernel.hpp"

namespace clonediff::explore {

// "" for a match or a skip; else "RULE | HOW".
std::string divergence_signature(const harness::CaseResult& r);

// The kernel's side of a divergence alone, which a shrunk case must keep: the
// differing fields with what was observed ("result -> EINVAL; share.vm ->
// false"), or the verdict. A simpler case may be decided by another rule, or
// predicted otherwise, and still show the same behaviour of the kernel; its
// own signature then names its own rule. "" for a match or a skip.
std::string shrink_key(const harness::CaseResult& r);
// The same for a baseline line's divergence (targets/baseline.hpp's
// DIVERGENCE: "share.vm: true -> false; ..." or "timeout") decided by `rule`.
std::string baseline_signature(std::string_view rule, std::string_view divergence);

// A signature's parts, each "RULE | one difference": a mismatch's fields
// one by one (each has its own witness), or the one verdict.
std::vector<std::string> signature_parts(std::string_view signature);

// The signatures of a baseline's entries (id, divergence): each id's case
// found in `catalogue`, predicted for `kernel` with its context preset's
// facts for the rule. Ids the catalogue does not hold are counted in
// `unknown_ids`, if given.
std::set<std::string> known_signatures(const std::vector<std::pair<std::string, std::string>>& entries,
                                       const std::vector<harness::CatalogueCase>& catalogue,
                                       const model::Kernel& kernel, std::size_t* unknown_ids = nullptr);

}  // namespace clonediff::explore
