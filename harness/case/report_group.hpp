// How reports group and name cases. One place, so that KTAP, JUnit, the text
// summary and the GoogleTest suites agree on every name.
//
// A group is a path from the outside in: the catalogue suite ("sweep"), under
// its context when that is not root ("unpriv", "sweep"), under the target when
// a run covers targets ("kernel:6.1.0-50-cloud-amd64", "unpriv", "sweep"). The
// KTAP report nests any depth, and the other reports use group_name(). Below
// the target, the group's name is the case id without its name
// (catalogue.hpp): "unpriv/sweep" for "unpriv/sweep/CLONE_VM".
#pragma once

#include <string>
#include <vector>

#include "harness/case/catalogue.hpp"

namespace clonediff::harness {

// The case's group path, never empty: {target, suite} when the case has a
// target, else {suite}.
std::vector<std::string> report_group(const CatalogueCase& c);

// A group path as one name, levels joined with '/': "sweep".
std::string group_name(const std::vector<std::string>& path);

// The case's name within its group: its id without the context and the
// suite ("CLONE_VM|CLONE_FS" for "sweep/CLONE_VM|CLONE_FS" and for
// "unpriv/sweep/CLONE_VM|CLONE_FS" in unpriv), or the id without the context
// when that would leave nothing. Unique within a group, since ids are unique.
std::string report_case_name(const CatalogueCase& c);

}  // namespace clonediff::harness
