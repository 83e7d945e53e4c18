#include "harness/reports/junit_report.hpp"

#include <cstdint>
#include <cstdio>

#include "harness/case/report_group.hpp"
#include "harness/reports/verdict_text.hpp"
#include "harness/version.hpp"

namespace clonediff::harness {
namespace {

// The length of the well-formed UTF-8 sequence at s[i] that XML 1.0 allows,
// or 0 if there is none.
std::size_t xml_char_at(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return (b >= 0x20 || b == '\t' || b == '\n' || b == '\r') ? 1 : 0;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b >= 0xc2 && b <= 0xdf) {
    len = 2;
    cp = b & 0x1fu;
  } else if (b >= 0xe0 && b <= 0xef) {
    len = 3;
    cp = b & 0x0fu;
  } else if (b >= 0xf0 && b <= 0xf4) {
    len = 4;
    cp = b & 0x07u;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool excluded = (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff || cp > 0x10ffff;
  return overlong || excluded ? 0 : len;
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", s);
  return buf;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value, true) + "\"";
}

}  // namespace

std::string xml_escape(std::string_view s, bool attribute) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = xml_char_at(s, i);
    if (len == 0) {
      out += '?';
      ++i;
      continue;
    }
    if (len > 1) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    switch (const char c = s[i++]) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

void JunitReport::add(const CaseResult& r, const model::Kernel& kernel) {
  const std::string group = group_name(report_group(r.spec));
  auto [it, added] = index_.emplace(group, suites_.size());
  if (added) suites_.push_back(Suite{group, kernel, {}});
  Testcase t;
  t.name = report_case_name(r.spec);
  t.verdict = r.verdict;
  if (r.live) t.seconds = std::chrono::duration<double>(r.live->elapsed).count();
  if (r.verdict == Verdict::mismatch) {
    for (const DiffEntry& d : r.diff) t.message += (t.message.empty() ? "" : "; ") + describe(d);
  } else {
    t.message = r.reason;
  }
  if (r.verdict != Verdict::match && r.verdict != Verdict::skip) t.text = verdict_text(r, kernel);
  suites_[it->second].cases.push_back(std::move(t));
}

void JunitReport::write(std::ostream& out, std::chrono::duration<double> elapsed, const Properties& properties) const {
  struct Counts {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    void add(const Counts& o) {
      tests += o.tests, failures += o.failures, errors += o.errors, skipped += o.skipped, seconds += o.seconds;
    }
    // <testsuites> may not carry skipped= (junit-4.xsd, junit-10.xsd).
    std::string attributes(bool with_skipped) const {
      return attr("tests", std::to_string(tests)) + attr("failures", std::to_string(failures)) +
             attr("errors", std::to_string(errors)) + (with_skipped ? attr("skipped", std::to_string(skipped)) : "");
    }
  };
  const auto count = [](const Suite& s) {
    Counts c;
    for (const Testcase& t : s.cases) {
      ++c.tests;
      c.seconds += t.seconds;
      if (t.verdict == Verdict::mismatch) ++c.failures;
      if (t.verdict == Verdict::skip) ++c.skipped;
      if (t.verdict == Verdict::timeout || t.verdict == Verdict::crash || t.verdict == Verdict::error) ++c.errors;
    }
    return c;
  };
  Counts total;
  for (const Suite& s : suites_) total.add(count(s));

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites" << attr("name", "clonediff") << total.attributes(false) << attr("time", seconds(elapsed.count()))
      << ">\n";
  for (const Suite& s : suites_) {
    const Counts c = count(s);
    out << "  <testsuite" << attr("name", s.name) << c.attributes(true) << attr("time", seconds(c.seconds)) << ">\n";
    Properties all = properties;
    all.emplace_back("clonediff_version", std::string(version()));
    all.emplace_back("clonediff_commit", std::string(commit()));
    all.emplace_back("kernel_profile", model::kernel_spec(s.judged_against));
    all.emplace_back("modelled_range", model::modelled_range_text());
    all.emplace_back("kernel_profile_in_range",
                     std::string(model::range_place_name(model::place_in_modelled_range(s.judged_against.version))));
    out << "    <properties>\n";
    for (const auto& [name, value] : all)
      out << "      <property" << attr("name", name) << attr("value", value) << "/>\n";
    out << "    </properties>\n";
    for (const Testcase& t : s.cases) {
      out << "    <testcase" << attr("classname", s.name) << attr("name", t.name) << attr("time", seconds(t.seconds));
      const std::string type(verdict_name(t.verdict));
      switch (t.verdict) {
        case Verdict::match: out << "/>\n"; continue;
        case Verdict::skip: out << ">\n      <skipped>" << xml_escape(t.message, false) << "</skipped>\n"; break;
        case Verdict::mismatch:
          out << ">\n      <failure" << attr("type", type) << attr("message", t.message) << ">"
              << xml_escape(t.text, false) << "</failure>\n";
          break;
        case Verdict::timeout:
        case Verdict::crash:
        case Verdict::error:
          out << ">\n      <error" << attr("type", type) << attr("message", t.message) << ">"
              << xml_escape(t.text, false) << "</error>\n";
          break;
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  out.flush();
}

}  // namespace clonediff::harness
