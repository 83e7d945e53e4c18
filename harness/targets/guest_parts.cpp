#include "harness/targets/guest_parts.hpp"

#include <algorithm>

#include "harness/case/selection.hpp"
#include "model/kernel.hpp"

namespace clonediff::targets {
namespace {

std::string guest_name(std::size_t part, std::size_t parts) {
  return "guest " + std::to_string(part + 1) + " of " + std::to_string(parts);
}

// Why the guests' streams cannot stand as one target's: they ran on
// different releases or were judged against different profiles.
std::string disagreement(const std::vector<GuestPartRun>& parts) {
  const harness::ResultStream* first = nullptr;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].run || !parts[i].run->results) continue;
    const harness::ResultStream& s = *parts[i].run->results;
    if (!first) {
      first = &s;
      continue;
    }
    if (s.release != first->release)
      return guest_name(i, parts.size()) + " ran on " + s.release + ", guest 1 on " + first->release;
    const std::string a = s.profile ? model::kernel_spec(*s.profile) : "none";
    const std::string b = first->profile ? model::kernel_spec(*first->profile) : "none";
    if (a != b) return guest_name(i, parts.size()) + " was judged against " + a + ", guest 1 against " + b;
  }
  return "";
}

}  // namespace

std::size_t guest_count(const TargetSpec& t, std::size_t cases, std::size_t cpus) {
  if (t.kind != TargetKind::kernel) return 1;
  return std::max<std::size_t>(1, std::min(cpus, cases / kLeastCasesPerGuest));
}

GuestSelection guest_part(const GuestSelection& s, std::size_t part, std::size_t parts) {
  if (parts <= 1) return s;
  GuestSelection out = s;
  out.shards.push_back(std::to_string(part) + "/" + std::to_string(parts));
  return out;
}

TargetRun join_guest_runs(std::vector<GuestPartRun> parts) {
  if (parts.size() == 1 && parts[0].run) return std::move(*parts[0].run);
  const std::string disagree = disagreement(parts);  // before the results move
  TargetRun out;
  std::optional<std::chrono::steady_clock::time_point> first_start, last_end;
  std::vector<std::string> failures, unstarted;
  std::size_t ran = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string name = guest_name(i, parts.size());
    if (!parts[i].run) {
      failures.push_back(name + ": " + parts[i].why);
      continue;
    }
    TargetRun& r = *parts[i].run;
    out.stopped = out.stopped || r.stopped;
    if (r.status == TargetRun::Status::ran)
      ++ran;
    else
      (r.status == TargetRun::Status::not_started ? unstarted : failures).push_back(name + ": " + r.reason);
    if (r.results) {
      if (!out.results) {
        out.results = std::move(r.results);
        if (!out.results->problem.empty()) out.results->problem = name + ": " + out.results->problem;
      } else {
        auto& into = out.results->results;
        into.insert(into.end(), std::make_move_iterator(r.results->results.begin()),
                    std::make_move_iterator(r.results->results.end()));
        out.results->ended = out.results->ended && r.results->ended;
        if (!r.results->problem.empty())
          out.results->problem += (out.results->problem.empty() ? "" : "; ") + name + ": " + r.results->problem;
      }
    }
    out.records.insert(out.records.end(), std::make_move_iterator(r.records.begin()),
                       std::make_move_iterator(r.records.end()));
    out.bad_lines += r.bad_lines;
    out.log += "=== " + name + " ===\n" + r.log + (r.log.empty() || r.log.back() == '\n' ? "" : "\n");
    if (out.implementation.empty()) out.implementation = r.implementation;
    first_start = std::min(first_start.value_or(parts[i].started), parts[i].started);
    last_end = std::max(last_end.value_or(parts[i].ended), parts[i].ended);
  }
  const auto joined = [](const std::vector<std::string>& reasons) {
    std::string text;
    for (const std::string& r : reasons) text += (text.empty() ? "" : "\n") + r;
    return text;
  };
  if (first_start) out.elapsed = *last_end - *first_start;
  if (ran == parts.size()) {
    out.status = TargetRun::Status::ran;
    if (!disagree.empty()) {
      out.status = TargetRun::Status::failed;
      out.reason = "its guests disagree: " + disagree;
    }
  } else if (unstarted.size() == parts.size()) {
    out.status = TargetRun::Status::not_started;
    out.reason = joined(unstarted);
  } else {
    out.status = TargetRun::Status::failed;
    failures.insert(failures.end(), unstarted.begin(), unstarted.end());
    out.reason = joined(failures);
  }
  fail_on_broken_results(out);  // a guest's cut stream, should its own run not have failed for it
  return out;
}

}  // namespace clonediff::targets
