#include "harness/explore/explorer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "harness/explore/signature.hpp"

namespace clonediff::explore {

ExploreResult explore(Generator& generator, const RunCase& run, const ExploreOptions& options) {
  ExploreResult out;
  std::map<std::string, std::size_t> by_signature;  // -> index in out.findings
  std::size_t divergent = 0;
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    if (options.cases && out.cases >= *options.cases) break;
    if (options.budget && std::chrono::steady_clock::now() - started >= *options.budget) break;
    if (!options.cases && !options.budget) break;
    if (options.stopped && options.stopped()) break;
    const harness::CatalogueCase c = generator.next();
    harness::CaseResult r = run(c);
    ++out.cases;
    ++out.verdicts[static_cast<std::size_t>(r.verdict)];
    out.coverage.add(r);
    if (r.verdict == harness::Verdict::skip) {
      // What this machine cannot make at all is not drawn again.
      if (r.reason.rfind("context '", 0) == 0) {
        out.dropped.push_back("context " + c.context + ": " + r.reason);
        out.unbuildable.emplace(c.context, r.reason);
        generator.drop_context(c.context);
      } else if (r.reason.rfind("the seccomp supervisor cannot be used here", 0) == 0) {
        out.dropped.push_back("entry " + std::string(model::entry_name(c.request.entry)) + ": " + r.reason);
        generator.drop_entry(c.request.entry);
      }
    }
    if (const std::string sig = divergence_signature(r); !sig.empty()) {
      ++divergent;
      auto [it, fresh] = by_signature.emplace(sig, out.findings.size());
      if (fresh) {
        Finding f;
        f.signature = sig;
        f.known = options.known.count(sig) != 0;
        f.first = std::move(r);
        out.findings.push_back(std::move(f));
      }
      ++out.findings[it->second].cases;
    }
    if (options.progress) options.progress(out.cases, divergent);
  }
  out.explore_time = std::chrono::steady_clock::now() - started;
  out.boundary_crossings = generator.boundary_crossings();

  std::set<std::string> known_parts;
  for (const std::string& sig : options.known)
    for (std::string& part : signature_parts(sig)) known_parts.insert(std::move(part));
  for (Finding& f : out.findings) {
    if (f.known) continue;
    const auto parts = signature_parts(f.signature);
    f.known_parts = parts.size() > 1 && std::all_of(parts.begin(), parts.end(),
                                                    [&](const std::string& p) { return known_parts.count(p) != 0; });
  }

  const auto shrink_started = std::chrono::steady_clock::now();
  std::size_t shrunk = 0;
  for (Finding& f : out.findings) {
    if (f.known) {
      f.not_shrunk = "the baseline shows this divergence";
      continue;
    }
    if (f.known_parts) {
      f.not_shrunk = "each of its differences is one the baseline shows with this rule, here together";
      continue;
    }
    if (options.stopped && options.stopped()) {
      f.not_shrunk = "the run was stopped";
      continue;
    }
    if (shrunk >= options.max_shrunk) {
      f.not_shrunk = std::to_string(options.max_shrunk) + " findings were shrunk already";
      continue;
    }
    if (std::chrono::steady_clock::now() - shrink_started >= options.shrink_total) {
      f.not_shrunk = "the time for shrinking was spent";
      continue;
    }
    ++shrunk;
    f.shrunk = shrink(f.first.spec, shrink_key(f.first), run, generator.space(), options.shrink);
    if (f.shrunk->status == ShrinkResult::Status::shrunk && f.shrunk->minimal_result)
      if (const std::string minimal = divergence_signature(*f.shrunk->minimal_result); options.known.count(minimal))
        f.known_as = minimal;
  }
  out.shrink_time = std::chrono::steady_clock::now() - shrink_started;
  return out;
}

}  // namespace clonediff::explore
