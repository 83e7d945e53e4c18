// Caller contexts, built for real inside the caller process, and the facts
// about the live caller read back afterwards (never assumed from the name).
#pragma once

#include <span>
#include <string_view>

#include "harness/protocol.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

// Contexts this machine's harness can build (a subset of the model's presets).
std::span<const std::string_view> buildable_contexts();
bool context_is_buildable(std::string_view name);

// Runs in the caller process, before anything else of the context's: turns the
// process into the named context. Privilege state on entry: whatever the
// clonediff process has (root for the supported contexts).
Status build_context(std::string_view name);

// Reads the facts the model needs from the live caller (its own /proc,
// capget, getpid). io_context and sysvsem_undo are filled by the caller from
// its priming.
FactsMsg read_live_facts();

}  // namespace clonediff::harness
