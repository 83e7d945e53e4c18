// What `clonediff explore` reports, as plain data: the figures (cases, cases
// per second, verdicts, rule coverage, boundary crossings) and each finding
// rendered (the first case and the minimal one as catalogue lines, the
// model's explanation and what the kernel did). The same report travels as
// one JSON line from a target (a kernel in qemu, gVisor, qemu-user) back to
// the host, which prints it as it prints its own.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/explore/coverage.hpp"
#include "harness/explore/explorer.hpp"
#include "harness/records/json.hpp"
#include "model/kernel.hpp"

namespace clonediff::explore {

struct FindingReport {
  std::string signature;
  std::size_t cases = 0;
  bool known = false;       // a baseline shows it
  std::string status;       // "shrunk", "flaky", "minimal flaky", "listed"
  std::string note;         // how it was confirmed and shrunk, or why it was not
  std::string first_line;   // the first case that showed it, as a catalogue line
  std::string line;         // the minimal case as a catalogue line (the first's when not shrunk)
  std::string explain_command;  // `clonediff explain ...` of the minimal case, with the live facts
  std::string model;        // ... its output: the model's side
  std::string kernel;       // what the kernel did: the observed outcome, the fields that differ
};

struct ExploreReport {
  std::string target;          // "host" or a target's name
  std::uint64_t seed = 0;
  std::string kernel_release;  // as the kernel (or emulator) reported it
  std::string kernel_profile;  // what judged it, as --kernel takes it
  std::string judged;          // judged_against_text()
  std::size_t cases = 0;
  std::array<std::size_t, 6> verdicts{};  // by harness::Verdict
  double explore_seconds = 0;
  double shrink_seconds = 0;
  std::size_t boundary_crossings = 0;
  std::vector<CoverageRow> coverage;
  std::map<std::string, std::string> unreachable;  // rows not reachable here, with the reason
  std::vector<std::string> dropped;                // contexts and entries not drawn, with the reason
  std::vector<FindingReport> findings;

  double cases_per_second() const { return explore_seconds > 0 ? static_cast<double>(cases) / explore_seconds : 0; }
  std::size_t reachable_rules() const;
  std::size_t decided_rules() const;  // reachable here and decided
  std::size_t new_findings() const;   // not known to a baseline
  bool passes() const { return new_findings() == 0; }
};

// The report of an explore run judged against `kernel`; `reach` and
// `unbuildable` say which rules cannot be reached here.
ExploreReport make_report(const ExploreResult& r, std::uint64_t seed, const model::Kernel& kernel,
                          const Reachability& reach, const std::map<std::string, std::string>& unbuildable);

json::Value report_to_json(const ExploreReport& r);
Result<ExploreReport> report_from_json(const json::Value& v);

// The figures in one paragraph, the findings one by one, no verdict line.
std::string report_text(const ExploreReport& r);
// "PASS: no divergence in 4821 cases (seed 16)", "FAIL: 2 new divergences ...".
std::string report_verdict_line(const ExploreReport& r);

// `clonediff explain` of a case, with the caller's live facts and the
// profile: the command line, ready to paste.
std::string explain_command_line(const harness::CatalogueCase& c, const json::Value& context, const model::Kernel& kernel);

}  // namespace clonediff::explore
