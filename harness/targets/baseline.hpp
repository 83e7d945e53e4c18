// Baselines of known divergences, for the emulator targets: a checked-in
// file lists every case where the target diverges from Linux and how. A run
// compares what it saw with the file exactly; a case that entered the set,
// left it or diverges differently fails the run, by name.
//
// File format: '#' comment lines, then one line per case, sorted by id:
//   ID<TAB>DIVERGENCE
// Two comment lines are facts the file keeps: "# kernel: RELEASE", the
// running kernel it was made on (its profile judged the cases, and qemu-user
// passes system calls to it), and "# implementation: TEXT", the emulator's
// version line.
// where DIVERGENCE is divergence_text(): "result: ok -> ENOSYS",
// "share.vm: true -> false; ns_new.time: false -> true", or the verdict of a
// case that could not finish ("timeout", "crash", "error"). A line may name
// several ways, separated by " | " ("crash | timeout"), for a case whose way of
// diverging is chance on that target (see baseline_allows); an update keeps
// such a line while the run diverges one of its ways.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/case/case_result.hpp"
#include "model/result.hpp"

namespace clonediff::targets {

struct BaselineEntry {
  std::string id;
  std::string divergence;
  bool operator==(const BaselineEntry&) const = default;
  auto operator<=>(const BaselineEntry&) const = default;
};

// Whether a result is a divergence: a mismatch, timeout, crash or error.
bool is_divergence(const harness::CaseResult& r);
// How it diverges, in one line (see the file format above).
std::string divergence_text(const harness::CaseResult& r);
// The divergences among results, sorted by id.
std::vector<BaselineEntry> divergences_of(const std::vector<harness::CaseResult>& results);

struct Baseline {
  std::vector<BaselineEntry> entries;
  std::string kernel;          // "# kernel: ..."
  std::string implementation;  // "# implementation: ..."
};

// Errors name the file and line.
Result<Baseline> parse_baseline(std::string_view text, std::string_view name);
// The file: `header` as comment lines, the kernel and implementation lines,
// then the entries sorted by id.
std::string format_baseline(const Baseline& b, std::string_view header);

// Whether a baseline line's DIVERGENCE allows `now`: equal to it or to one of
// its " | "-separated ways.
bool baseline_allows(std::string_view baseline_divergence, std::string_view now);
// `now`'s entries, each replaced by `before`'s line for its id when that line
// allows it (so an update does not narrow "crash | timeout" to one of them).
std::vector<BaselineEntry> keeping_allowed_ways(const std::vector<BaselineEntry>& before,
                                                const std::vector<BaselineEntry>& now);

struct BaselineComparison {
  std::vector<BaselineEntry> entered;  // diverge now, not in the baseline
  std::vector<BaselineEntry> left;     // in the baseline, do not diverge now
  std::vector<std::pair<BaselineEntry, BaselineEntry>> changed;  // {baseline, now}: same id, another divergence
  std::size_t same = 0;
  bool equal() const { return entered.empty() && left.empty() && changed.empty(); }
};
BaselineComparison compare_with_baseline(const std::vector<BaselineEntry>& baseline,
                                         const std::vector<BaselineEntry>& now);

// "gvisor: 2 cases differ from the baseline cases/baselines/gvisor.txt:\n  entered ..."
// or "... as the baseline says: N divergences".
std::string comparison_text(const BaselineComparison& c, std::string_view target, std::string_view file);

}  // namespace clonediff::targets
