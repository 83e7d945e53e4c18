#include "harness/explore/shrinker.hpp"

#include "harness/explore/signature.hpp"

namespace clonediff::explore {

std::string_view shrink_status_name(ShrinkResult::Status s) {
  switch (s) {
    case ShrinkResult::Status::shrunk: return "shrunk";
    case ShrinkResult::Status::flaky: return "flaky";
    case ShrinkResult::Status::minimal_flaky: return "minimal flaky";
  }
  return "?";
}

ShrinkResult shrink(const harness::CatalogueCase& original, const std::string& key, const RunCase& run,
                    const Space& space, const ShrinkOptions& options) {
  ShrinkResult out;
  out.minimal = original;
  out.confirm_runs = options.confirm_runs;
  const auto started = std::chrono::steady_clock::now();
  const auto exhausted = [&] {
    return out.runs >= options.max_runs || std::chrono::steady_clock::now() - started >= options.max_time ||
           (options.stopped && options.stopped());
  };
  // One live run; the result when it diverged the same way.
  const auto same = [&](const harness::CatalogueCase& c) -> std::optional<harness::CaseResult> {
    ++out.runs;
    harness::CaseResult r = run(c);
    if (shrink_key(r) != key) return std::nullopt;
    return r;
  };
  // How many of `n` runs diverge the same way (all of them are run).
  const auto reproductions = [&](const harness::CatalogueCase& c, std::optional<harness::CaseResult>& last) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < options.confirm_runs; ++i)
      if (auto r = same(c)) {
        ++k;
        last = std::move(r);
      }
    return k;
  };

  std::optional<harness::CaseResult> last;
  out.reproduced = reproductions(original, last);
  if (out.reproduced < options.confirm_runs) {
    out.status = ShrinkResult::Status::flaky;
    out.minimal_result = std::move(last);
    return out;
  }
  harness::CatalogueCase current = original;
  std::optional<harness::CaseResult> current_result = last;
  for (bool progress = true; progress && !exhausted();) {
    progress = false;
    for (harness::CatalogueCase& candidate : simpler(current, space)) {
      if (exhausted()) {
        out.out_of_runs = true;
        break;
      }
      candidate.id = original.id;
      candidate.suite = original.suite;
      if (!same(candidate)) continue;
      // Twice in a row, so that one odd run does not lead the shrink astray.
      auto again = same(candidate);
      if (!again) continue;
      current = std::move(candidate);
      current_result = std::move(again);
      ++out.steps;
      progress = true;
      break;
    }
  }
  if (exhausted()) out.out_of_runs = true;
  if (out.steps == 0) {
    out.status = ShrinkResult::Status::shrunk;
    out.minimal_reproduced = out.reproduced;
    out.minimal_result = std::move(current_result);
    return out;
  }
  std::optional<harness::CaseResult> minimal_last;
  out.minimal_reproduced = reproductions(current, minimal_last);
  if (out.minimal_reproduced < options.confirm_runs) {
    out.status = ShrinkResult::Status::minimal_flaky;
    out.minimal_result = std::move(last);
    return out;
  }
  out.status = ShrinkResult::Status::shrunk;
  out.minimal = std::move(current);
  out.minimal_result = std::move(minimal_last);
  return out;
}

}  // namespace clonediff::explore
