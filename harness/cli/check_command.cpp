// clonediff check [FILE|-]: observations recorded anywhere, judged against
// the model; each record written back with "predicted", "verdict" and "diff".
#include <array>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "harness/case/compare.hpp"
#include "harness/cli/checked_output.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/kernel_option.hpp"
#include "harness/records/json.hpp"
#include "harness/records/judge.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::cli {
namespace {

// What check counts as it goes, for the summary on stderr.
struct CheckTally {
  std::size_t records = 0, bad = 0, failed = 0;
  std::array<std::size_t, 6> counts{};
  std::string not_matching;  // "  line N (id): verdict" and the diff, per record
};

// One line: judged and written to stdout, or reported as bad on stderr.
void check_line(std::size_t lineno, const std::string& line, const std::optional<model::Kernel>& kernel,
                CheckTally& tally, std::ostream& out) {
  auto record = json::parse(line);
  const auto judge = [&](json::Value& r) -> Result<harness::Judged> {
    if (kernel) return harness::judge_record(r, *kernel);
    auto own = harness::record_kernel(r);  // --kernel recorded
    if (!own) return own.error();
    return harness::judge_record(r, *own);
  };
  Result<harness::Judged> judged = record ? judge(*record) : Result<harness::Judged>(record.error());
  if (!judged) {
    ++tally.bad;
    std::fprintf(stderr, "clonediff check: line %zu: %s\n", lineno, judged.error().message.c_str());
    return;
  }
  ++tally.records;
  ++tally.counts[static_cast<std::size_t>(judged->verdict)];
  if (judged->verdict != harness::Verdict::match && judged->verdict != harness::Verdict::skip) {
    ++tally.failed;
    const json::Value* id = json::find(*record, "id");
    tally.not_matching += "  line " + std::to_string(lineno) + (id && id->is_string() ? " (" + json::str(*id) + ")" : "") +
                          ": " + std::string(harness::verdict_name(judged->verdict)) + "\n";
    for (const auto& d : judged->diff) tally.not_matching += "    " + harness::describe(d) + "\n";
  }
  out << json::dump(*record) << '\n';
}

void print_tally(const CheckTally& t, const std::optional<model::Kernel>& kernel) {
  const std::string against = !kernel ? "each record's own kernel (the modelled range is " +
                                            model::modelled_range_text() + ")"
                                      : "Linux " + model::kernel_spec(*kernel) + " (" +
                                            model::modelled_range_note(kernel->version) + ")";
  std::fprintf(stderr, "clonediff check: %zu records judged against the model of %s: %zu match, %zu mismatch",
               t.records, against.c_str(), t.counts[0], t.counts[1]);
  for (auto v : {harness::Verdict::skip, harness::Verdict::timeout, harness::Verdict::crash, harness::Verdict::error})
    if (const std::size_t n = t.counts[static_cast<std::size_t>(v)])
      std::fprintf(stderr, ", %zu %s", n, std::string(harness::verdict_name(v)).c_str());
  std::fprintf(stderr, "%s\n", t.bad ? (", " + std::to_string(t.bad) + " bad lines").c_str() : "");
  if (!t.not_matching.empty()) std::fprintf(stderr, "not matching:\n%s", t.not_matching.c_str());
}

}  // namespace

int check_command(const CheckOptions& options) {
  const std::string path = options.files.empty() ? "-" : options.files[0];
  std::istringstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    auto text = sys::read_text_file(path);  // a directory or a missing file says so
    if (!text) return usage_error("check", text.error().message);
    file.str(std::move(text).value());
    in = &file;
  }
  // The profile to judge against: --kernel SPEC, the running kernel's, or
  // (--kernel recorded: none here) each record's own.
  std::optional<model::Kernel> kernel;
  if (options.kernel != std::string(kRecordedKernel)) {
    auto k = kernel_option(options.kernel);
    if (!k) return usage_error("check", k.error().message);
    kernel = *k;
  }
  CheckTally tally;
  std::size_t lineno = 0;
  auto out = CheckedOutput::standard_output();
  for (std::string line; std::getline(*in, line);) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") != std::string::npos) check_line(lineno, line, kernel, tally, out->stream());
  }
  // The judged records are check's output: without them, no verdict.
  if (close_outputs("check", {out.get()}, kExitMatch) != kExitMatch) return kExitUsage;
  print_tally(tally, kernel);
  if (tally.bad) return kExitUsage;
  if (tally.records == 0) return usage_error("check", "no records in the input");
  return tally.failed ? kExitMismatch : kExitMatch;
}

}  // namespace clonediff::cli
