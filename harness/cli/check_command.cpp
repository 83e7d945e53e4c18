#include <cstdio>
#include <iostream>
#include <sstream>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/cli/kernel_option.hpp"
#include "harness/case/compare.hpp"
#include "harness/records/judge.hpp"
#include "harness/records/json.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::cli {

int check_command(const std::vector<std::string>& args) {
  auto opts = parse_options(args, {{"--kernel"}});
  if (!opts) return usage_error("check", opts.error().message);
  if (opts->positional.size() > 1) return usage_error("check", "one input FILE (or - for standard input)");
  const std::string path = opts->positional.empty() ? "-" : opts->positional[0];
  std::istringstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    auto text = sys::read_text_file(path);  // a directory or a missing file says so
    if (!text) return usage_error("check", text.error().message);
    file.str(std::move(text).value());
    in = &file;
  }
  // The profile to judge against: --kernel SPEC, each record's own
  // (--kernel recorded), or the running kernel's.
  const bool per_record = opts->value("--kernel") == std::string(kRecordedKernel);
  auto kernel = per_record ? Result<model::Kernel>(model::Kernel{}) : kernel_option(*opts);
  if (!kernel) return usage_error("check", kernel.error().message);

  std::size_t lineno = 0, records = 0, bad = 0, failed = 0;
  std::size_t counts[6] = {};
  std::string line;
  std::string report;
  while (std::getline(*in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto record = json::parse(line);
    const auto judge = [&](json::Value& r) -> Result<harness::Judged> {
      if (!per_record) return harness::judge_record(r, *kernel);
      auto own = harness::record_kernel(r);
      if (!own) return own.error();
      return harness::judge_record(r, *own);
    };
    Result<harness::Judged> judged = record ? judge(*record) : Result<harness::Judged>(record.error());
    if (!judged) {
      ++bad;
      std::fprintf(stderr, "clonediff check: line %zu: %s\n", lineno, judged.error().message.c_str());
      continue;
    }
    ++records;
    ++counts[static_cast<std::size_t>(judged->verdict)];
    if (judged->verdict != harness::Verdict::match && judged->verdict != harness::Verdict::skip) {
      ++failed;
      const json::Value* id = record->find("id");
      report += "  line " + std::to_string(lineno) + (id && id->is_string() ? " (" + id->as_string() + ")" : "") +
                ": " + std::string(harness::verdict_name(judged->verdict)) + "\n";
      for (const auto& d : judged->diff) report += "    " + harness::describe(d) + "\n";
    }
    std::cout << json::dump(*record) << '\n';
  }
  std::cout.flush();

  const std::string against = per_record ? "each record's own kernel (the modelled range is " +
                                                model::modelled_range_text() + ")"
                                          : "Linux " + model::kernel_spec(*kernel) + " (" +
                                                model::modelled_range_note(kernel->version) + ")";
  std::fprintf(stderr, "clonediff check: %zu records judged against the model of %s: %zu match, %zu mismatch",
               records, against.c_str(), counts[0], counts[1]);
  for (auto v : {harness::Verdict::skip, harness::Verdict::timeout, harness::Verdict::crash, harness::Verdict::error})
    if (counts[static_cast<std::size_t>(v)])
      std::fprintf(stderr, ", %zu %s", counts[static_cast<std::size_t>(v)], std::string(harness::verdict_name(v)).c_str());
  std::fprintf(stderr, "%s\n", bad ? (", " + std::to_string(bad) + " bad lines").c_str() : "");
  if (!report.empty()) std::fprintf(stderr, "not matching:\n%s", report.c_str());
  if (bad) return kExitUsage;
  if (records == 0) return usage_error("check", "no records in the input");
  return failed ? kExitMismatch : kExitMatch;
}

}  // namespace clonediff::cli
