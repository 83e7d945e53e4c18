// Case results in words, for people: the one-line description of a case, and
// what went wrong with one, with the commands that reproduce it.
#pragma once

#include <iosfwd>
#include <string>

#include "harness/case/catalogue.hpp"
#include "harness/case/case_result.hpp"
#include "model/kernel.hpp"

namespace clonediff::harness {

// "clone CLONE_VM|CLONE_FS exit_signal=SIGCHLD(17) context=root"
std::string case_summary(const CatalogueCase& c);

// How GoogleTest (and anything else) prints a case: its id and case_summary().
void PrintTo(const CatalogueCase& c, std::ostream* os);

// The command that runs this case alone (shell-quoted): `clonediff run`
// with --target for a case of a target, --cases for a case from a user file,
// and --filter matching only its id.
std::string reproduce_command(const CatalogueCase& c);

// One shell word: s as it is when every character is safe, else in single quotes.
std::string shell_quote(const std::string& s);

// The arguments of `clonediff explain` for this case's request (shell-quoted).
std::string explain_arguments(const CatalogueCase& c);

// Several lines: verdict, the diff with both witnesses' words, the deciding
// rule, and how to reproduce. `kernel` is the profile the case was judged
// against; a target's case explains with --kernel naming it.
std::string verdict_text(const CaseResult& r, const model::Kernel& kernel);

}  // namespace clonediff::harness
