// The inverse of the catalogue parser: one case as a catalogue line
// (cases/README.cases.md) that parse_catalogue() reads back to the same case,
// for cases found by a program (explore) rather than written by hand.
#pragma once

#include <string>
#include <string_view>

#include "harness/case/catalogue.hpp"

namespace clonediff::harness {

// "case ID ENTRY FLAGS [OPTION=VALUE]...": only the options whose value is not
// the default, in the parser's order; `comment`, when not empty, follows after
// " # " (it must hold no line break). The id must hold no space, tab or '#';
// it is taken as given, so a line for another catalogue names its own.
std::string catalogue_line(const CatalogueCase& c, std::string_view comment = {});

}  // namespace clonediff::harness
