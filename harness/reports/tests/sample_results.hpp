// Results of every kind, made up without running anything, for the tests of
// the reports (KTAP, JUnit, JSON) and for report_samples, which writes them
// for the kernel's own KTAP parser and an XML parser to read.
#pragma once

#include <string>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/case/case_result.hpp"
#include "model/kernel.hpp"

namespace clonediff::harness::testing {

model::Kernel sample_kernel();

// A case with this id (suite = its first component), a legacy clone of
// `flags` in `context`.
CatalogueCase sample_case(const std::string& id, std::uint64_t flags = 0, const std::string& context = "root");

// In grouped order: suite "alpha" with one case of each verdict (match,
// mismatch, skip, timeout, crash, error), suite "beta" with only skips, and
// suite "gamma" with a match whose name needs escaping in XML.
std::vector<CaseResult> sample_results();

}  // namespace clonediff::harness::testing
