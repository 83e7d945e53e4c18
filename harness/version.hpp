// Which clonediff this is: the project's version and the git commit it was
// built from, for --version and for every record and report header (a record
// or a report says which clonediff produced it). Generated at build time
// (cmake/version_stamp.cmake); the commit is "unknown" outside a git checkout
// and ends in "-dirty" when the tree had uncommitted changes.
#pragma once

#include <string>
#include <string_view>

namespace clonediff {

std::string_view version();  // "0.1.0"
std::string_view commit();   // "e1c6be8c4d1f", "e1c6be8c4d1f-dirty" or "unknown"

// "clonediff 0.1.0 (commit e1c6be8c4d1f)": what --version prints, and the
// summary's and KTAP's line naming the clonediff that ran.
inline std::string version_text() {
  return "clonediff " + std::string(version()) + " (commit " + std::string(commit()) + ")";
}

}  // namespace clonediff
