// The catalogue, live: one GoogleTest test per case, registered from the
// catalogue data with the names every report uses (suite = the report group,
// name = the id without its suite, value_param = case_summary()), each
// asserting that the model predicts exactly what the kernel did. It honours
// GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX like any GoogleTest binary.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "harness/case/catalogue.hpp"
#include "harness/case/report_group.hpp"
#include "harness/engine/runner.hpp"
#include "probes/running_kernel.hpp"
#include "harness/reports/verdict_text.hpp"

namespace clonediff {
namespace {

harness::Runner& shared_runner() {
  static std::unique_ptr<harness::Runner> runner = [] {
    auto kernel = probes::running_kernel();
    if (!kernel) {
      std::fprintf(stderr, "clonediff: %s\n", kernel.error().message.c_str());
      std::exit(2);
    }
    return std::make_unique<harness::Runner>(*kernel);
  }();
  return *runner;
}

class CatalogueCaseTest : public ::testing::Test {
 public:
  explicit CatalogueCaseTest(harness::CatalogueCase c) : case_(std::move(c)) {}
  void TestBody() override {
    const harness::CaseResult r = shared_runner().run(case_);
    switch (r.verdict) {
      case harness::Verdict::skip:
        GTEST_SKIP() << r.reason;
      case harness::Verdict::match:
        SUCCEED();
        return;
      default:
        ADD_FAILURE() << harness::verdict_text(r, shared_runner().kernel());
    }
  }

 private:
  harness::CatalogueCase case_;
};

}  // namespace
}  // namespace clonediff

int main(int argc, char** argv) {
  using namespace clonediff;
  ::testing::InitGoogleTest(&argc, argv);
  auto catalogue = harness::builtin_catalogue();
  if (!catalogue) {
    std::fprintf(stderr, "clonediff: built-in catalogue: %s\n", catalogue.error().message.c_str());
    return 2;
  }
  for (const harness::CatalogueCase& c : *catalogue) {
    const std::string suite = harness::group_name(harness::report_group(c));
    const std::string name = harness::report_case_name(c);
    const std::string param = harness::case_summary(c);
    ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, param.c_str(), c.origin.c_str(), 0,
                            [c]() -> ::testing::Test* { return new CatalogueCaseTest(c); });
  }
  return RUN_ALL_TESTS();
}
