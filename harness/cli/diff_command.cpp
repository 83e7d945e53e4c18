// clonediff diff A B: the cases whose observations differ between two result
// files, each expected (the model's profiles of the two kernels predict the
// change) or unexpected, with the rule behind it.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <utility>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/records/json.hpp"
#include "harness/records/judge.hpp"
#include "harness/records/record_diff.hpp"

namespace clonediff::cli {
namespace {

// JSON lines from a file ("-": standard input); blank lines are skipped, a bad
// line is an error naming the file and line.
Result<harness::RecordSet> read_records(const std::string& path, const std::optional<std::string>& target) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return make_error("cannot read '" + path + "'");
    in = &file;
  }
  harness::RecordSet set{path == "-" ? "standard input" : path, {}};
  std::string line;
  for (std::size_t lineno = 1; std::getline(*in, line); ++lineno) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto v = json::parse(line);
    if (!v) return make_error(set.name + ": line " + std::to_string(lineno) + ": " + v.error().message);
    if (target) {
      const json::Value* t = v->is_object() ? v->find("target") : nullptr;
      if (!t || !t->is_string() || t->as_string() != *target) continue;
    }
    set.records.push_back(std::move(v).value());
  }
  if (target) set.name += " [" + *target + "]";
  if (set.records.empty()) return make_error(set.name + ": no records" + (target ? " of that target" : ""));
  return set;
}

Result<std::optional<model::Kernel>> kernel_of(const Options& opts, const char* name) {
  auto spec = opts.value(name);
  if (!spec) return std::optional<model::Kernel>();
  auto k = model::parse_kernel_spec(*spec);
  if (!k) return make_error(std::string(name) + ": " + k.error().message);
  return std::optional<model::Kernel>(*k);
}

// "Linux 6.19.2: newer than the modelled range 4.19 .. 6.18: judged as 6.18",
// or empty for a kernel inside the range.
std::string newer_note(const model::Kernel& k) {
  if (model::place_in_modelled_range(k.version) != model::RangePlace::newer) return {};
  return "Linux " + k.version.str() + ": " + model::modelled_range_note(k.version);
}

}  // namespace

int diff_command(const std::vector<std::string>& args) {
  auto opts = parse_options(args, {{"--kernel-a"}, {"--kernel-b"}, {"--target-a"}, {"--target-b"}});
  if (!opts) return usage_error("diff", opts.error().message);
  if (opts->positional.size() != 2) return usage_error("diff", "two result files: clonediff diff A.jsonl B.jsonl");
  if (opts->positional[0] == "-" && opts->positional[1] == "-") return usage_error("diff", "only one side can be '-'");
  // A file of a run over targets holds each target's records: pick one per side.
  harness::DiffOptions options;
  auto ka = kernel_of(*opts, "--kernel-a");
  if (!ka) return usage_error("diff", ka.error().message);
  auto kb = kernel_of(*opts, "--kernel-b");
  if (!kb) return usage_error("diff", kb.error().message);
  options.kernel_a = *ka;
  options.kernel_b = *kb;
  auto a = read_records(opts->positional[0], opts->value("--target-a"));
  if (!a) return usage_error("diff", a.error().message);
  auto b = read_records(opts->positional[1], opts->value("--target-b"));
  if (!b) return usage_error("diff", b.error().message);
  auto report = harness::diff_records(*a, *b, options);
  if (!report) return usage_error("diff", report.error().message);
  std::fputs(harness::diff_text(*report, *a, *b).c_str(), stdout);
  // A side predicted for a kernel newer than the model knows says so.
  std::set<std::string> beyond;
  for (const auto& [set, forced] : {std::pair{&*a, options.kernel_a}, std::pair{&*b, options.kernel_b}}) {
    if (forced) beyond.insert(newer_note(*forced));
    else
      for (const json::Value& r : set->records)
        if (auto k = harness::record_kernel(r)) beyond.insert(newer_note(*k));
  }
  for (const std::string& note : beyond)
    if (!note.empty()) std::printf("note: %s\n", note.c_str());
  return report->unexpected() ? kExitMismatch : kExitMatch;
}

}  // namespace clonediff::cli
