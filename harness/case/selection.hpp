// Which cases a run takes and in which order: filter, group, shard. `run` and
// `run --list` take the same steps, so a list is exactly what a run would run.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

struct Shard {
  std::size_t index = 0;  // 0 <= index < count
  std::size_t count = 1;
};

// "I/N" in decimal with 0 <= I < N; the error says what is wrong.
Result<Shard> parse_shard(std::string_view text);

// `run --context NAME`: the catalogue as that caller runs it. Cases of the root
// context run in NAME instead, the id with NAME in front ("sweep/CLONE_VM"
// becomes "NAME/sweep/CLONE_VM"), NAME's own cases stay, cases of other
// contexts go; where an id would repeat, the first stays. NAME must be a
// model preset.
Status take_context(std::vector<CatalogueCase>& cases, const std::string& context);

// Keeps the cases whose id matches any of the shell patterns (fnmatch(3), no
// flags: '*' matches '/' too); no patterns keeps every case.
void keep_matching(std::vector<CatalogueCase>& cases, const std::vector<std::string>& patterns);
// Drops the cases whose id matches any of the patterns.
void drop_matching(std::vector<CatalogueCase>& cases, const std::vector<std::string>& patterns);

// A pattern for keep_matching() that matches this id and no other: the
// pattern characters * ? [ and \ are escaped.
std::string exact_pattern(std::string_view id);

// Stable reorder so that every report group (report_group()) is contiguous at
// every level: groups in order of first appearance, cases in their order
// within a group. The built-in catalogue is already in this order.
void order_by_group(std::vector<CatalogueCase>& cases);

// How many neighbouring cases take_shard() deals out together.
inline constexpr std::size_t kShardStretch = 16;

// A case's work, as take_shard() weighs it: 1, plus its after=reuse rounds
// (each a fork and a reap: about what a case that creates a child costs).
std::size_t shard_work(const CatalogueCase& c);

// The cases of one shard, in the list's order. The cases with rounds go
// first, the most first, each to the shard with the least work so far
// (shard_work(); ties to the lowest-numbered). The rest are dealt out in
// stretches of kShardStretch neighbours by smooth weighted round robin, a shard's
// weight being what it lacks of an even share of the work: its stretches are
// spread evenly through the list, so every shard gets the same mix of cases
// (the sweep's neighbours alternate between calls that create a child and
// calls refused), and the shards end near even in work, not only in count
// (one case reuses a pid for 1000 rounds). The shards of one list are
// disjoint and together hold every case; each keeps stretches of neighbours,
// which share a caller.
std::vector<CatalogueCase> take_shard(std::vector<CatalogueCase> cases, Shard shard);

}  // namespace clonediff::harness
