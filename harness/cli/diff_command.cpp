// clonediff diff A B: the cases whose observations differ between two result
// files, each expected (the model's profiles of the two kernels predict the
// change) or unexpected, with the rule behind it.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <optional>
#include <set>
#include <utility>

#include "harness/cli/checked_output.hpp"
#include "harness/cli/commands.hpp"
#include "harness/records/json.hpp"
#include "harness/records/judge.hpp"
#include "harness/records/record_diff.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::cli {
namespace {

// JSON lines from a file ("-": standard input); a bad line is an error naming
// the file and line. `target` keeps one target's records of a run over targets.
Result<harness::RecordSet> read_records(const std::string& path, const std::optional<std::string>& target) {
  std::string text;
  if (path == "-") {
    std::ostringstream all;
    all << std::cin.rdbuf();
    text = std::move(all).str();
  } else {
    auto read = sys::read_text_file(path);
    if (!read) return make_error("cannot read '" + path + "'");  // the words diff has always used
    text = std::move(read).value();
  }
  harness::RecordSet set{path == "-" ? "standard input" : path, {}};
  for (json::Line& line : json::parse_lines(text)) {
    if (!line.value) return make_error(set.name + ": line " + std::to_string(line.number) + ": " + line.value.error().message);
    if (target) {
      const json::Value* t = json::find(*line.value, "target");
      if (!t || !t->is_string() || json::str(*t) != *target) continue;
    }
    set.records.push_back(std::move(line.value).value());
  }
  if (target) set.name += " [" + *target + "]";
  if (set.records.empty()) return make_error(set.name + ": no records" + (target ? " of that target" : ""));
  return set;
}

Result<std::optional<model::Kernel>> kernel_of(const std::optional<std::string>& spec, const char* option) {
  if (!spec) return std::optional<model::Kernel>();
  auto k = model::parse_kernel_spec(*spec);
  if (!k) return make_error(std::string(option) + ": " + k.error().message);
  return std::optional<model::Kernel>(*k);
}

// "Linux 6.19.2: newer than the modelled range 4.19 .. 6.18: judged as 6.18",
// or empty for a kernel inside the range.
std::string newer_note(const model::Kernel& k) {
  if (model::place_in_modelled_range(k.version) != model::RangePlace::newer) return {};
  return "Linux " + k.version.str() + ": " + model::modelled_range_note(k.version);
}

}  // namespace

int diff_command(const DiffOptions& options) {
  harness::DiffOptions profiles;
  auto ka = kernel_of(options.kernel_a, "--kernel-a");
  if (!ka) return usage_error("diff", ka.error().message);
  auto kb = kernel_of(options.kernel_b, "--kernel-b");
  if (!kb) return usage_error("diff", kb.error().message);
  profiles.kernel_a = *ka;
  profiles.kernel_b = *kb;
  // A file of a run over targets holds each target's records: one per side.
  auto a = read_records(options.files[0], options.target_a);
  if (!a) return usage_error("diff", a.error().message);
  auto b = read_records(options.files[1], options.target_b);
  if (!b) return usage_error("diff", b.error().message);
  auto report = harness::diff_records(*a, *b, profiles);
  if (!report) return usage_error("diff", report.error().message);
  auto out = CheckedOutput::standard_output();
  out->stream() << harness::diff_text(*report, *a, *b);
  // A side predicted for a kernel newer than the model knows says so.
  std::set<std::string> beyond;
  for (const auto& [set, forced] : {std::pair{&*a, profiles.kernel_a}, std::pair{&*b, profiles.kernel_b}}) {
    if (forced) beyond.insert(newer_note(*forced));
    else
      for (const json::Value& r : set->records)
        if (auto k = harness::record_kernel(r)) beyond.insert(newer_note(*k));
  }
  for (const std::string& note : beyond)
    if (!note.empty()) out->stream() << "note: " << note << '\n';
  return close_outputs("diff", {out.get()}, report->unexpected() ? kExitMismatch : kExitMatch);
}

}  // namespace clonediff::cli
