#include "harness/reports/junit_report.hpp"
#include "harness/version.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "harness/reports/tests/sample_results.hpp"

namespace clonediff::harness {
namespace {

using testing::sample_kernel;
using testing::sample_results;

std::string junit_of(const std::vector<CaseResult>& results) {
  JunitReport j;
  for (const auto& r : results) j.add(r, sample_kernel());
  std::ostringstream out;
  j.write(out, std::chrono::milliseconds(1500), {{"kernel", "6.18.0-sample"}});
  return out.str();
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Junit, SuitesCountEachKindOfResult) {
  const std::string xml = junit_of(sample_results());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u) << xml;
  EXPECT_NE(xml.find(R"(<testsuites name="clonediff" tests="9" failures="1" errors="3" time="1.500000">)"),
            std::string::npos)
      << xml;
  // A suite per group: another context's cases sit under it (report_group()).
  EXPECT_NE(xml.find(R"(<testsuite name="alpha" tests="5" failures="1" errors="3" skipped="0" time="0.000000">)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="pidns_init/alpha" tests="1" failures="0" errors="0" skipped="1")"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="unpriv/beta" tests="2" failures="0" errors="0" skipped="2")"), std::string::npos)
      << xml;
  EXPECT_EQ(occurrences(xml, R"(<property name="kernel" value="6.18.0-sample"/>)"), 4u);
  // Which clonediff wrote it, in every suite.
  EXPECT_EQ(occurrences(xml, R"(<property name="clonediff_version" value=")" + std::string(version()) + R"("/>)"), 4u);
  EXPECT_EQ(occurrences(xml, R"(<property name="clonediff_commit" value=")" + std::string(commit()) + R"("/>)"), 4u);
  EXPECT_EQ(occurrences(xml, "<testcase "), 9u);
  EXPECT_EQ(occurrences(xml, "</testsuite>"), 4u);
}

// Each suite says which profile judged it and where that stands against the
// model's range.
TEST(Junit, EverySuiteNamesTheProfileThatJudgedIt) {
  JunitReport j;
  const auto all = sample_results();
  j.add(all[0], sample_kernel());
  const model::KernelVersion newest = model::modelled_range().newest;
  const std::string newer = std::to_string(newest.major + 1) + ".0.0";
  j.add(all[6], *model::parse_kernel_spec(newer));  // unpriv/beta
  std::ostringstream out;
  j.write(out, std::chrono::seconds(1), {});
  const std::string xml = out.str();
  const std::string range = R"(<property name="modelled_range" value=")" + model::modelled_range_text() + R"("/>)";
  EXPECT_EQ(occurrences(xml, range), 2u) << xml;
  EXPECT_NE(xml.find(R"(<property name="kernel_profile" value="6.18.0-sample"/>)" "\n      " + range +
                     "\n      " R"(<property name="kernel_profile_in_range" value="inside"/>)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<property name="kernel_profile" value=")" + newer + R"("/>)" "\n      " + range +
                     "\n      " R"(<property name="kernel_profile_in_range" value="newer"/>)"),
            std::string::npos)
      << xml;
}

TEST(Junit, FailuresErrorsAndSkipsSayWhy) {
  const std::string xml = junit_of(sample_results());
  EXPECT_NE(xml.find(R"(<testcase classname="alpha" name="CLONE_VM|CLONE_FS" time="0.000000"/>)"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<failure type="mismatch" message="share.files: predicted true, observed false; )"
                     R"(exit_signal: predicted 17, observed 0">alpha/CLONE_FILES: mismatch)"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("  reproduce: clonediff run --filter alpha/CLONE_FILES\n"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<error type="timeout" message="no answer within 5000 ms">)"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<error type="crash" message="the caller was killed by SIGSEGV">)"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<error type="error" message="the caller stopped answering:&#10;broken pipe">)"),
            std::string::npos)
      << xml;
  // The reason as text: junit-4.xsd allows <skipped> no attributes.
  EXPECT_NE(xml.find(R"(<skipped>no unprivileged user here</skipped>)"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("<skipped message"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<testcase classname="gamma" name="&lt;&amp;&apos;&quot;odd&quot;&gt;")"), std::string::npos)
      << xml;
}

TEST(Junit, EscapingKeepsTheDocumentWellFormed) {
  EXPECT_EQ(xml_escape("a<b>&\"'", false), "a&lt;b&gt;&amp;\"'");
  EXPECT_EQ(xml_escape("a<b>&\"'", true), "a&lt;b&gt;&amp;&quot;&apos;");
  EXPECT_EQ(xml_escape("t\tn\nr\r", false), "t\tn\nr&#13;");
  EXPECT_EQ(xml_escape("t\tn\nr\r", true), "t&#9;n&#10;r&#13;");
  EXPECT_EQ(xml_escape(std::string("nul\0bel\a", 8), false), "nul?bel?");
  EXPECT_EQ(xml_escape("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xa7", false), "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x90\xa7");
  EXPECT_EQ(xml_escape("bad \xff end", false), "bad ? end");
  EXPECT_EQ(xml_escape("cut \xc3", false), "cut ?");
  EXPECT_EQ(xml_escape("overlong \xc0\xaf", false), "overlong ??");
  EXPECT_EQ(xml_escape("overlong \xe0\x80\xaf", false), "overlong ???");
  EXPECT_EQ(xml_escape("surrogate \xed\xa0\x80", false), "surrogate ???");
  EXPECT_EQ(xml_escape("not a char \xef\xbf\xbe", false), "not a char ???");
  EXPECT_EQ(xml_escape("too big \xf4\x90\x80\x80", false), "too big ????");
}

}  // namespace
}  // namespace clonediff::harness
