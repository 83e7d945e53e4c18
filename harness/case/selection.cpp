#include "harness/case/selection.hpp"

#include <set>

#include "harness/case/context_option.hpp"
#include "model/caller.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <numeric>
#include <unordered_map>

#include "harness/case/report_group.hpp"

namespace clonediff::harness {
namespace {

bool parse_count(std::string_view s, std::size_t& out) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  return std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc{};
}

}  // namespace

Result<Shard> parse_shard(std::string_view text) {
  const auto bad = [&] { return make_error("--shard takes I/N with 0 <= I < N, not '" + std::string(text) + "'"); };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  Shard s;
  if (!parse_count(text.substr(0, slash), s.index) || !parse_count(text.substr(slash + 1), s.count)) return bad();
  if (s.count == 0 || s.index >= s.count) return bad();
  return s;
}

Status take_context(std::vector<CatalogueCase>& cases, const std::string& given) {
  auto name = parse_context_option(given);
  if (!name) return name.error();
  const std::string& context = *name;
  std::vector<CatalogueCase> out;
  std::set<std::string> ids;
  for (CatalogueCase& c : cases) {
    if (c.context == "root" && context != "root") {
      c.id = context + "/" + c.id;
      c.context = context;
      c.context_option = context;
    } else if (c.context != context) {
      continue;
    }
    if (ids.insert(c.id).second) out.push_back(std::move(c));
  }
  cases = std::move(out);
  return ok_status();
}

namespace {
bool matches_any(const std::vector<std::string>& patterns, const std::string& id) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return ::fnmatch(p.c_str(), id.c_str(), 0) == 0; });
}
}  // namespace

void keep_matching(std::vector<CatalogueCase>& cases, const std::vector<std::string>& patterns) {
  if (patterns.empty()) return;
  std::erase_if(cases, [&](const CatalogueCase& c) { return !matches_any(patterns, c.id); });
}

void drop_matching(std::vector<CatalogueCase>& cases, const std::vector<std::string>& patterns) {
  std::erase_if(cases, [&](const CatalogueCase& c) { return matches_any(patterns, c.id); });
}

std::string exact_pattern(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void order_by_group(std::vector<CatalogueCase>& cases) {
  // Each group prefix gets the rank of its first appearance; a case sorts by
  // the ranks of its prefixes, outermost first.
  using Key = std::vector<std::size_t>;
  std::unordered_map<std::string, std::size_t> first_seen;
  std::vector<Key> keys;
  keys.reserve(cases.size());
  for (const CatalogueCase& c : cases) {
    Key key;
    std::string prefix;
    for (const std::string& level : report_group(c)) {
      prefix += level;
      prefix += '\0';  // no level holds a NUL: the joined prefixes name the paths
      key.push_back(first_seen.emplace(prefix, first_seen.size()).first->second);
    }
    keys.push_back(std::move(key));
  }
  if (std::is_sorted(keys.begin(), keys.end())) return;  // the built-in catalogue is
  std::vector<std::size_t> order(cases.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<CatalogueCase> sorted;
  sorted.reserve(cases.size());
  for (std::size_t i : order) sorted.push_back(std::move(cases[i]));
  cases = std::move(sorted);
}

std::size_t shard_work(const CatalogueCase& c) {
  return 1 + (c.request.after == model::AfterArg::reuse ? static_cast<std::size_t>(c.request.rounds) : 0);
}

std::vector<CatalogueCase> take_shard(std::vector<CatalogueCase> cases, Shard shard) {
  const std::size_t n = shard.count;
  std::vector<std::size_t> owner(cases.size(), 0);
  // The cases with rounds, most first, each to the shard with the least work.
  std::vector<std::size_t> heavy;
  std::size_t total = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    total += shard_work(cases[i]);
    if (shard_work(cases[i]) > 1) heavy.push_back(i);
  }
  std::stable_sort(heavy.begin(), heavy.end(),
                   [&](std::size_t a, std::size_t b) { return shard_work(cases[a]) > shard_work(cases[b]); });
  std::vector<std::size_t> work(n, 0);
  for (std::size_t i : heavy) {
    const auto least = static_cast<std::size_t>(std::min_element(work.begin(), work.end()) - work.begin());
    owner[i] = least;
    work[least] += shard_work(cases[i]);
  }
  // The rest in stretches of neighbours, by smooth weighted round robin: each
  // shard's weight is what it lacks of an even share, so that its stretches are
  // spread evenly through the list and every shard gets the same mix.
  const std::size_t share = (total + n - 1) / n;
  std::vector<long long> weight(n), credit(n, 0);
  long long weights = 0;
  for (std::size_t s = 0; s < n; ++s) {
    weight[s] = static_cast<long long>(share > work[s] ? share - work[s] : 0) + 1;
    weights += weight[s];
  }
  std::size_t dealt_to = 0, in_stretch = kShardStretch;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (shard_work(cases[i]) > 1) continue;
    if (in_stretch == kShardStretch) {
      for (std::size_t s = 0; s < n; ++s) credit[s] += weight[s];
      dealt_to = static_cast<std::size_t>(std::max_element(credit.begin(), credit.end()) - credit.begin());
      credit[dealt_to] -= weights;
      in_stretch = 0;
    }
    owner[i] = dealt_to;
    ++in_stretch;
  }
  std::vector<CatalogueCase> out;
  for (std::size_t i = 0; i < cases.size(); ++i)
    if (owner[i] == shard.index) out.push_back(std::move(cases[i]));
  return out;
}

}  // namespace clonediff::harness
