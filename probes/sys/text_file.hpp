// A file a user named (a catalogue, a baseline, records to check), read
// whole. A directory, a missing or unreadable path is an error naming the
// path and the system's reason, never an empty text.
#pragma once

#include <string>

#include "model/result.hpp"

namespace clonediff::sys {

// "cannot read 'PATH': Is a directory"; `what` goes before the path when
// given: "cannot read catalogue file 'PATH': ...".
Result<std::string> read_text_file(const std::string& path, const std::string& what = "");

}  // namespace clonediff::sys
