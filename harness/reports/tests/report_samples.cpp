// report_samples KTAP NESTED_KTAP JUNIT JSONL: writes the reports of
// sample_results() (every verdict; nothing is run) for the report format
// tests to read with other tools: KTAP grouped by suite, KTAP grouped by
// context and then suite (two levels of nesting), JUnit XML, and the JSON
// records from which those tests take the expected counts.
#include <cstdio>
#include <fstream>

#include "harness/records/json.hpp"
#include "harness/reports/junit_report.hpp"
#include "harness/reports/ktap_report.hpp"
#include "harness/records/record.hpp"
#include "harness/reports/tests/sample_results.hpp"

namespace {

using namespace clonediff::harness;

std::vector<std::string> by_context(const CatalogueCase& c) { return {c.context, c.suite}; }
std::vector<std::string> by_suite(const CatalogueCase& c) { return {c.suite}; }

void write_ktap(const std::string& path, const std::vector<CaseResult>& results, KtapReport::GroupFn group) {
  std::ofstream out(path, std::ios::trunc);
  std::vector<CatalogueCase> planned;
  for (const auto& r : results) planned.push_back(r.spec);
  KtapReport ktap(out, planned, group);
  ktap.diagnostics("report_samples: made-up results of every kind");
  for (const auto& r : results) ktap.add(r, testing::sample_kernel());
  ktap.finish();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fputs("usage: report_samples KTAP NESTED_KTAP JUNIT JSONL\n", stderr);
    return 2;
  }
  const auto results = testing::sample_results();
  write_ktap(argv[1], results, by_suite);
  // Grouped by context first: root (alpha, gamma), pidns_init (alpha), unpriv (beta).
  std::vector<CaseResult> by_ctx;
  for (const char* context : {"root", "pidns_init", "unpriv"})
    for (const auto& r : results)
      if (r.spec.context == context) by_ctx.push_back(r);
  write_ktap(argv[2], by_ctx, by_context);

  JunitReport junit;
  for (const auto& r : results) junit.add(r, testing::sample_kernel());
  std::ofstream junit_out(argv[3], std::ios::trunc);
  junit.write(junit_out, std::chrono::milliseconds(1500), {{"kernel", testing::sample_kernel().release}});

  std::ofstream json_out(argv[4], std::ios::trunc);
  for (const auto& r : results)
    json_out << clonediff::json::dump(record_to_json(r, testing::sample_kernel())) << '\n';
  return junit_out && json_out ? 0 : 1;
}
