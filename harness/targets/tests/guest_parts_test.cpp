// A target run as several guests: how many, which cases each takes, and how
// their runs become the target's one run.
#include <gtest/gtest.h>

#include <set>

#include "harness/case/selection.hpp"
#include "harness/records/result_wire.hpp"
#include "harness/targets/guest_parts.hpp"

namespace clonediff::targets {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

TargetSpec kernel_target() {
  TargetSpec t;
  t.kind = TargetKind::kernel;
  t.spec = t.vmlinuz = "/boot/vmlinuz";
  return t;
}

TEST(GuestParts, AKernelTargetTakesAGuestPerCpuEachWithEnoughCases) {
  const TargetSpec kernel = kernel_target();
  EXPECT_EQ(guest_count(kernel, 13565, 2), 2u);
  EXPECT_EQ(guest_count(kernel, 13565, 64), 13565 / kLeastCasesPerGuest);
  EXPECT_EQ(guest_count(kernel, 2 * kLeastCasesPerGuest - 1, 2), 1u);
  EXPECT_EQ(guest_count(kernel, 1, 2), 1u);
  EXPECT_EQ(guest_count(kernel, 13565, 1), 1u);
  EXPECT_EQ(guest_count(kernel, 13565, 0), 1u);
  // gVisor ran slower as two sandboxes at once (56 s against 40 s, 2 CPUs);
  // qemu-user's calls share this kernel.
  for (TargetKind k : {TargetKind::host, TargetKind::gvisor, TargetKind::qemu_user}) {
    TargetSpec t;
    t.kind = k;
    EXPECT_EQ(guest_count(t, 13565, 8), 1u);
  }
}

// The ids of `cases` cases that `s` selects, as the guest would take them.
std::vector<std::string> taken(const GuestSelection& s, std::size_t cases) {
  std::vector<harness::CatalogueCase> all(cases);
  for (std::size_t i = 0; i < cases; ++i) all[i].id = "case-" + std::to_string(i);
  for (const std::string& shard : s.shards) all = harness::take_shard(std::move(all), *harness::parse_shard(shard));
  std::vector<std::string> ids;
  for (const auto& c : all) ids.push_back(c.id);
  return ids;
}

TEST(GuestParts, TheGuestsTakeTheSelectionsCasesEachOnce) {
  for (const std::vector<std::string>& shards : {std::vector<std::string>(), std::vector<std::string>{"0/1"},
                                                 std::vector<std::string>{"1/3"}, std::vector<std::string>{"4/5"}}) {
    for (std::size_t parts : {1u, 2u, 3u}) {
      GuestSelection s;
      s.shards = shards;
      s.filters = {"legacy/*"};
      const std::vector<std::string> want = taken(s, 1001);
      std::multiset<std::string> got;
      for (std::size_t part = 0; part < parts; ++part) {
        const GuestSelection g = guest_part(s, part, parts);
        EXPECT_EQ(g.filters, s.filters);
        const auto ids = taken(g, 1001);
        EXPECT_FALSE(ids.empty());
        got.insert(ids.begin(), ids.end());
      }
      EXPECT_EQ(got, std::multiset<std::string>(want.begin(), want.end()))
          << (shards.empty() ? "none" : shards[0]) << " in " << parts;
    }
  }
  GuestSelection whole;
  EXPECT_EQ(guest_part(whole, 1, 2).shards, std::vector<std::string>{"1/2"});
  EXPECT_TRUE(guest_part(whole, 0, 1).shards.empty());
  GuestSelection third;
  third.shards = {"1/3"};
  EXPECT_EQ(guest_part(third, 0, 2).shards, (std::vector<std::string>{"1/3", "0/2"}));
}

// A guest's run that sent results for `ids`, from `release`.
GuestPartRun guest(const std::vector<std::string>& ids, Clock::time_point started, seconds took,
                   const std::string& release = "6.12.111+deb12-cloud-amd64") {
  std::string bytes;
  harness::append_results_header(bytes, release, *model::parse_kernel_spec(release));
  for (const std::string& id : ids) {
    harness::CaseResult r;
    r.spec.id = id;
    r.live = harness::LiveCall{};
    r.live->status = harness::LiveCall::Status::completed;
    harness::append_result_frame(bytes, r);
  }
  harness::append_results_end(bytes, ids.size());
  GuestPartRun g;
  g.run = TargetRun{};
  g.run->status = TargetRun::Status::ran;
  g.run->results = harness::read_result_stream(bytes);
  g.run->implementation = "QEMU emulator version 7.2.22";
  g.run->log = "console of " + ids.front() + "\n";
  g.run->elapsed = took;
  g.started = started;
  g.ended = started + took;
  return g;
}

std::vector<std::string> result_ids(const TargetRun& r) {
  std::vector<std::string> ids;
  for (const auto& c : r.results->results) ids.push_back(c.spec.id);
  return ids;
}

TEST(GuestParts, GuestsThatRanMakeOneRunWithEveryResult) {
  const Clock::time_point t0{};
  std::vector<GuestPartRun> parts;
  parts.push_back(guest({"a", "c"}, t0, seconds(10)));
  parts.push_back(guest({"b", "d"}, t0 + seconds(3), seconds(12)));
  const TargetRun run = join_guest_runs(std::move(parts));
  ASSERT_EQ(run.status, TargetRun::Status::ran) << run.reason;
  ASSERT_TRUE(run.results);
  EXPECT_TRUE(run.results->ended);
  EXPECT_EQ(run.results->release, "6.12.111+deb12-cloud-amd64");
  EXPECT_EQ(result_ids(run), (std::vector<std::string>{"a", "c", "b", "d"}));
  EXPECT_EQ(run.elapsed.count(), 15.0);  // from the first start to the last end
  EXPECT_EQ(run.implementation, "QEMU emulator version 7.2.22");
  EXPECT_EQ(run.log, "=== guest 1 of 2 ===\nconsole of a\n=== guest 2 of 2 ===\nconsole of b\n");
}

TEST(GuestParts, OneGuestIsTheRunItself) {
  std::vector<GuestPartRun> parts;
  parts.push_back(guest({"a"}, Clock::time_point{}, seconds(4)));
  const TargetRun run = join_guest_runs(std::move(parts));
  EXPECT_EQ(run.status, TargetRun::Status::ran);
  EXPECT_EQ(run.log, "console of a\n");
  EXPECT_EQ(run.elapsed.count(), 4.0);
}

TEST(GuestParts, AGuestThatFailedFailsTheTargetAndTheOthersKeepTheirResults) {
  std::vector<GuestPartRun> parts;
  parts.push_back(guest({"a"}, Clock::time_point{}, seconds(4)));
  parts.push_back(guest({"b"}, Clock::time_point{}, seconds(4)));
  parts[1].run->status = TargetRun::Status::failed;
  parts[1].run->reason = "the guest did not power off within 120 s";
  const TargetRun run = join_guest_runs(std::move(parts));
  EXPECT_EQ(run.status, TargetRun::Status::failed);
  EXPECT_EQ(run.reason, "guest 2 of 2: the guest did not power off within 120 s");
  EXPECT_EQ(result_ids(run), (std::vector<std::string>{"a", "b"}));
}

TEST(GuestParts, AGuestStoppedBeforeItStartedFailsTheTarget) {
  std::vector<GuestPartRun> parts;
  parts.push_back(guest({"a"}, Clock::time_point{}, seconds(4)));
  parts.emplace_back().why = "clonediff was stopped by SIGINT before it started";
  const TargetRun run = join_guest_runs(std::move(parts));
  EXPECT_EQ(run.status, TargetRun::Status::failed);
  EXPECT_EQ(run.reason, "guest 2 of 2: clonediff was stopped by SIGINT before it started");
  EXPECT_EQ(result_ids(run), std::vector<std::string>{"a"});
}

TEST(GuestParts, GuestsThatAllCouldNotStartLeaveTheTargetNotStarted) {
  std::vector<GuestPartRun> parts(2);
  for (GuestPartRun& p : parts) {
    p.run = TargetRun{};
    p.run->reason = "qemu-system-x86_64 is not installed";
  }
  const TargetRun run = join_guest_runs(std::move(parts));
  EXPECT_EQ(run.status, TargetRun::Status::not_started);
  EXPECT_EQ(run.reason, "guest 1 of 2: qemu-system-x86_64 is not installed\n"
                        "guest 2 of 2: qemu-system-x86_64 is not installed");
}

TEST(GuestParts, GuestsOnDifferentKernelsCannotBeOneTarget) {
  std::vector<GuestPartRun> parts;
  parts.push_back(guest({"a"}, Clock::time_point{}, seconds(4)));
  parts.push_back(guest({"b"}, Clock::time_point{}, seconds(4), "6.1.0-50-cloud-amd64"));
  const TargetRun run = join_guest_runs(std::move(parts));
  EXPECT_EQ(run.status, TargetRun::Status::failed);
  EXPECT_EQ(run.reason, "its guests disagree: guest 2 of 2 ran on 6.1.0-50-cloud-amd64, guest 1 on "
                        "6.12.111+deb12-cloud-amd64");
}

TEST(GuestParts, AGuestsCutStreamLeavesTheJoinedStreamUnended) {
  for (std::size_t cut : {0u, 1u}) {
    std::vector<GuestPartRun> parts;
    parts.push_back(guest({"a"}, Clock::time_point{}, seconds(4)));
    parts.push_back(guest({"b"}, Clock::time_point{}, seconds(4)));
    parts[cut].run->results->ended = false;
    parts[cut].run->results->problem = "the stream ends inside a frame";
    const TargetRun run = join_guest_runs(std::move(parts));
    const std::string why = "guest " + std::to_string(cut + 1) + " of 2: the stream ends inside a frame";
    EXPECT_EQ(run.status, TargetRun::Status::failed);
    EXPECT_EQ(run.reason, why);
    EXPECT_FALSE(run.results->ended);
    EXPECT_EQ(run.results->problem, why);
  }
}

}  // namespace
}  // namespace clonediff::targets
