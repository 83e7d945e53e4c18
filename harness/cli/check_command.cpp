#include <cstdio>
#include <fstream>
#include <iostream>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/compare.hpp"
#include "harness/json.hpp"
#include "harness/record.hpp"
#include "harness/running_kernel.hpp"
#include "model/predict.hpp"

namespace clonediff::cli {
namespace {

struct Judged {
  harness::Verdict verdict;
  std::vector<harness::DiffEntry> diff;
};

// Fills in predicted, verdict and diff of one record; the error names the
// field at fault.
Result<Judged> judge_record(json::Value& record, const model::Kernel& kernel) {
  if (!record.is_object()) return make_error("a record is a JSON object");
  const json::Value* observed = record.find("observed");
  if (!observed) {
    // A case that never produced an observation (timeout, crash, ...) passes
    // through as recorded.
    if (const json::Value* v = record.find("verdict"); v && v->is_string())
      for (auto verdict : {harness::Verdict::skip, harness::Verdict::timeout, harness::Verdict::crash,
                           harness::Verdict::error})
        if (v->as_string() == harness::verdict_name(verdict)) return Judged{verdict, {}};
    return make_error("no \"observed\" to judge");
  }
  auto request = harness::request_from_json(record);
  if (!request) return request.error();
  const json::Value* context = record.find("context");
  auto caller = harness::caller_from_json(context ? *context : json::Value("root"));
  if (!caller) return make_error("context: " + caller.error().message);
  auto outcome = harness::outcome_from_json(*observed);
  if (!outcome) return make_error("observed: " + outcome.error().message);
  // A supervised entry's record carries the call glibc made: predict from it.
  if (const json::Value* route = observed->find("route")) {
    auto made = harness::request_from_json(*route);
    if (!made) return make_error("observed.route: " + made.error().message);
    request = std::move(made);
  }
  auto prediction = model::predict(*request, *caller, kernel);
  if (!prediction) return prediction.error();

  Judged j;
  j.diff = harness::diff_outcomes(prediction->outcome, *outcome);
  j.verdict = j.diff.empty() ? harness::Verdict::match : harness::Verdict::mismatch;
  record.set("predicted", harness::prediction_to_json(*prediction));
  record.set("verdict", std::string(harness::verdict_name(j.verdict)));
  record.set("diff", harness::diff_to_json(j.diff));
  return j;
}

}  // namespace

int check_command(const std::vector<std::string>& args) {
  auto opts = parse_options(args, {});
  if (!opts) return usage_error("check", opts.error().message);
  if (opts->positional.size() > 1) return usage_error("check", "one input FILE (or - for standard input)");
  const std::string path = opts->positional.empty() ? "-" : opts->positional[0];
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return usage_error("check", "cannot read '" + path + "'");
    in = &file;
  }
  auto kernel = harness::running_kernel();
  if (!kernel) return usage_error("check", kernel.error().message);

  std::size_t lineno = 0, records = 0, bad = 0, failed = 0;
  std::size_t counts[6] = {};
  std::string line;
  std::string report;
  while (std::getline(*in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto record = json::parse(line);
    Result<Judged> judged = record ? judge_record(*record, *kernel) : Result<Judged>(record.error());
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

  std::fprintf(stderr, "clonediff check: %zu records judged against the model of Linux %s: %zu match, %zu mismatch",
               records, kernel->release.c_str(), counts[0], counts[1]);
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
