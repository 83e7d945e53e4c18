// The catalogue's `context=` (and `run --context`): a preset's name, a changed
// context's canonical name, or a preset plus changes as one JSON object
// without spaces (model/context_changes.hpp says what each change is):
//   {"preset":"root","caps":{"drop_effective":["CAP_SYS_ADMIN"]},"userns":"unmapped","fd_table":"full"}
// "preset" defaults to root; "caps" holds any of "drop" (every set),
// "drop_permitted", "drop_effective", "drop_bounding", each a list of CAP_
// names. Whatever was written, the result is the canonical name.
#pragma once

#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::harness {

Result<std::string> parse_context_option(std::string_view value);

}  // namespace clonediff::harness
