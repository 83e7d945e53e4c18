// The explore loop: cases from the generator, each run live (RunCase: the
// engine's Runner in clonediff, anything in tests), coverage counted,
// divergences grouped by signature. When the budget or the case count is
// spent, each new class is shrunk (shrinker.hpp) to a minimal case; classes a
// baseline already shows are listed, not shrunk.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/case/case_result.hpp"
#include "harness/explore/coverage.hpp"
#include "harness/explore/generator.hpp"
#include "harness/explore/shrinker.hpp"

namespace clonediff::explore {

struct ExploreOptions {
  std::optional<std::chrono::milliseconds> budget;  // explore this long (shrinking comes after)
  std::optional<std::size_t> cases;                 // or this many cases (both: whichever comes first)
  ShrinkOptions shrink;
  std::size_t max_shrunk = 32;    // new classes shrunk at most; the rest are listed with their first case
  std::chrono::milliseconds shrink_total{180000};  // shrinking in all; what is left then is listed
  std::set<std::string> known;    // signatures a baseline shows: listed, not shrunk
  // Called after each explored case: cases so far, divergent so far.
  std::function<void(std::size_t, std::size_t)> progress;
  // Asked before each case and each shrinking: true stops the exploring (a
  // stop signal); what was found so far is reported, nothing more shrunk.
  std::function<bool()> stopped;
};

struct Finding {
  std::string signature;
  std::size_t cases = 0;           // explored cases that showed it
  harness::CaseResult first;       // the first of them
  bool known = false;              // a baseline shows it
  std::optional<ShrinkResult> shrunk;  // when it was shrunk
  std::string not_shrunk;          // why not, when it was not
  // A new class whose minimal case diverges as a baseline shows: that class.
  // (On an emulator without clone3 every clone3 rule's refusal becomes
  // ENOSYS; the minimal case shows it is the one divergence the baseline has.)
  std::string known_as;
  // A new class each of whose differences a baseline class with the same
  // rule shows: known divergences met together (each fact has a witness of
  // its own). Listed as known, not shrunk.
  bool known_parts = false;
};

struct ExploreResult {
  std::size_t cases = 0;
  std::array<std::size_t, 6> verdicts{};  // by harness::Verdict
  std::chrono::duration<double> explore_time{0};
  std::chrono::duration<double> shrink_time{0};
  std::size_t boundary_crossings = 0;
  RuleCoverage coverage;
  std::vector<Finding> findings;  // in the order they first showed
  std::vector<std::string> dropped;  // contexts and entries this machine could not make, with the reason
  std::map<std::string, std::string> unbuildable;  // contexts this machine could not build -> why
};

ExploreResult explore(Generator& generator, const RunCase& run, const ExploreOptions& options);

}  // namespace clonediff::explore
