// JUnit XML for a run, in the dialect CI systems read (Jenkins, GitLab,
// GitHub test reporters), valid against both schemas Jenkins validates with:
// the JUnit plugin's junit-4.xsd and the xunit plugin's junit-10.xsd.
// <testsuites> holds one <testsuite> per report group (group_name()), and one
// <testcase> per case with classname = the group, name = report_case_name()
// and time in seconds. A mismatch is a <failure>; a timeout, crash or error is
// an <error>; both carry type = the verdict, message = the diff or the reason,
// and verdict_text() as their text. A skip is <skipped>reason</skipped>: the
// reason as text, since junit-4.xsd gives <skipped> no attributes. Skips are
// counted on each <testsuite> (skipped=), never on <testsuites>, which neither
// schema allows. Every suite carries the run's properties, which clonediff
// wrote it (clonediff_version, clonediff_commit), and the profile its cases
// were judged against: kernel_profile, modelled_range ("6.1 .. 6.18") and
// kernel_profile_in_range (inside, newer or older).
//
// Text is escaped for XML 1.0: bytes that are not valid UTF-8, and control
// characters XML cannot hold, become '?'.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/case/case_result.hpp"
#include "model/kernel.hpp"

namespace clonediff::harness {

// s as XML character data; in an attribute value, tabs and line breaks are
// written as character references so that they survive.
std::string xml_escape(std::string_view s, bool attribute);

class JunitReport {
 public:
  using Properties = std::vector<std::pair<std::string, std::string>>;

  void add(const CaseResult& r, const model::Kernel& kernel);
  // The whole document; `elapsed` is the run's wall time.
  void write(std::ostream& out, std::chrono::duration<double> elapsed, const Properties& properties) const;

 private:
  struct Testcase {
    std::string name;
    Verdict verdict = Verdict::error;
    double seconds = 0;
    std::string message;  // diff or reason
    std::string text;     // verdict_text, for failures and errors
  };
  struct Suite {
    std::string name;
    model::Kernel judged_against;  // the profile of its first case
    std::vector<Testcase> cases;
  };
  std::vector<Suite> suites_;                  // in order of first appearance
  std::map<std::string, std::size_t> index_;  // suite name -> position in suites_
};

}  // namespace clonediff::harness
