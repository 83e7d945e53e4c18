// KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst) for a run,
// written as cases finish, so that a CI log shows where a run is.
//
// Layout: "KTAP version 1" and a plan of the top-level groups. Each report
// group (report_group()) is a nested test: "KTAP version 1", "# Subtest: NAME"
// and its own plan, indented two spaces a level, and then its result line one
// level out. Each case is one result line named report_case_name():
//   match     ok N name
//   skip      ok N name # SKIP reason
//   mismatch  not ok N name
//   crash     not ok N name
//   timeout   not ok N name # TIMEOUT reason
//   error     not ok N name # ERROR reason
// Every case that did not match or skip has its verdict_text() (the diff, the
// deciding rule, the reproduce command) as "# " diagnostic lines just above its
// result line. A group is "not ok" when a case in it failed, and "ok ... # SKIP"
// when every case in it was skipped. Names and directive text are one line
// each, without '#'.
//
// Contract: add() gets the results of exactly the planned cases, in the
// planned order, and that order keeps each group contiguous (order_by_group()).
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "harness/case/report_group.hpp"
#include "harness/case/case_result.hpp"
#include "harness/reports/summary.hpp"
#include "model/kernel.hpp"

namespace clonediff::harness {

// kselftest's exit statuses (tools/testing/selftests/kselftest.h).
inline constexpr int kKsftPass = 0;
inline constexpr int kKsftFail = 1;
inline constexpr int kKsftSkip = 4;

// 1 if any case failed, 4 if every case was skipped (or there were none),
// else 0: run_exit_status() of the summary's verdict under --ktap.
int kselftest_exit_status(const RunSummary& s);

// "Totals: pass:N fail:N xfail:0 xpass:0 skip:N error:N", as kselftest ends a
// run. fail counts mismatches, crashes and timeouts; error the harness errors.
std::string ktap_totals(const RunSummary& s);

class KtapReport {
 public:
  using GroupFn = std::vector<std::string> (*)(const CatalogueCase&);

  // Writes the version line and the top-level plan.
  KtapReport(std::ostream& out, const std::vector<CatalogueCase>& planned, GroupFn group = report_group);

  // Each line of `text` as a "# " diagnostic line at the current depth.
  void diagnostics(std::string_view text);
  // The result line of one case, after its diagnostics; opens and closes
  // groups as the case's group path requires. Flushes.
  void add(const CaseResult& r, const model::Kernel& kernel);
  // Closes every open group. Diagnostics after it are at the top level.
  void finish();

 private:
  struct Level {
    std::string name;
    std::size_t number = 0;  // its number in the parent's plan
    std::size_t next = 1;    // the number of its next child
    bool failed = false;
    bool all_skipped = true;
  };
  std::string indent() const;
  void open_group(const std::vector<std::string>& path);
  void close_group();

  std::ostream& out_;
  GroupFn group_;
  std::map<std::vector<std::string>, std::size_t> plan_;  // group path -> children; {} is the run
  std::vector<Level> open_;                               // open_[0] is the run itself
};

}  // namespace clonediff::harness
