// The clonediff command line, driven as a user drives it: the real binary as
// an outer process (Boost.Process, with a timeout), files in a temporary
// directory, exit statuses and messages checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <map>
#include <vector>

#include "cases/tests/cli_support.hpp"
#include "harness/case/catalogue.hpp"
#include "harness/case/selection.hpp"
#include "harness/records/json.hpp"
#include "harness/version.hpp"
#include "model/caller.hpp"
#include "model/request.hpp"

namespace {

using namespace clonediff::cli_support;

// One run of the whole built-in catalogue, `run --ktap --junit --json`,
// shared by the tests that read it: under ctest the catalogue_run fixture's
// (cases/tests/catalogue_run.cmake), whose directory CLONEDIFF_CATALOGUE_RUN
// names; without it, one made here. With --ktap, stdout is the KTAP and
// stderr the summary.
class CliWithRun : public Cli {
 protected:
  static void SetUpTestSuite() {
    const char* shared = std::getenv("CLONEDIFF_CATALOGUE_RUN");
    own_run_ = shared == nullptr || *shared == '\0';
    if (own_run_) {
      run_dir_ = make_temp_dir();
      ran_ = run_in(run_dir_, CLONEDIFF_BINARY,
                    {"run", "--ktap", "--junit", (run_dir_ / "run.xml").string(), "--json", (run_dir_ / "run.jsonl").string()},
                    "", std::chrono::seconds(600));
    } else {
      run_dir_ = shared;
      const std::string status = slurp(run_dir_ / "status");
      ran_.status = status.empty() ? -1 : std::atoi(status.c_str());
      ran_.out = slurp(run_dir_ / "run.ktap");
      ran_.err = slurp(run_dir_ / "run.stderr");
    }
    records_ = lines(slurp(run_dir_ / "run.jsonl"));
  }
  static void TearDownTestSuite() {
    if (own_run_) fs::remove_all(run_dir_);
  }
  // The run's summary (on stderr: the run wrote KTAP to stdout).
  static const std::string& summary() { return ran_.err; }
  static inline bool own_run_ = true;
  static inline fs::path run_dir_;
  static inline Ran ran_;
  static inline std::vector<std::string> records_;
};

// The model's context presets, as its error messages list them.
std::string presets() {
  std::string out;
  for (auto p : clonediff::model::caller_preset_names()) out += (out.empty() ? "" : ", ") + std::string(p);
  return out;
}

// The built-in catalogue's size, as the library that embeds it counts it.
std::size_t builtin_cases() {
  static const std::size_t n = clonediff::harness::builtin_catalogue()->size();
  return n;
}

TEST_F(CliWithRun, RunMatchesEveryCaseAndWritesARecordForEach) {
  EXPECT_EQ(ran_.status, 0) << summary();
  ASSERT_EQ(records_.size(), builtin_cases());
  // Nothing but matches and skips (a context this machine cannot build), and
  // the summary counts them as the records do: in total and per entry.
  std::size_t matched = 0;
  std::map<std::string, std::pair<std::size_t, std::size_t>> per_entry;  // matched, cases
  struct ContextCounts {
    std::size_t matched = 0, cases = 0, skipped = 0;
  };
  std::map<std::string, ContextCounts> per_context;
  for (const std::string& line : records_) {
    const auto record = clonediff::json::parse(line);
    ASSERT_TRUE(record.ok()) << line;
    const std::string verdict = clonediff::json::str(*clonediff::json::find(*record, "verdict"));
    EXPECT_TRUE(verdict == "match" || verdict == "skip") << line;
    auto& e = per_entry[clonediff::json::str(*clonediff::json::find(*record, "entry"))];
    ++e.second;
    // A record's context is its preset's name, or an object naming it.
    const clonediff::json::Value* context = clonediff::json::find(*record, "context");
    ASSERT_NE(context, nullptr) << line;
    const clonediff::json::Value* preset = context->is_string() ? context : clonediff::json::find(*context, "preset");
    ASSERT_NE(preset, nullptr) << line;
    auto& c = per_context[clonediff::json::str(*preset)];
    ++c.cases;
    c.skipped += verdict == "skip";
    if (verdict == "match") {
      ++matched;
      ++e.first;
      ++c.matched;
    }
  }
  // The verdict line counts by verdict; a run with skips says so.
  const std::size_t skipped = records_.size() - matched;
  const std::string n = std::to_string(records_.size());
  EXPECT_NE(summary().find("\nPASS: " + std::to_string(matched) + " matched" +
                          (skipped ? ", " + std::to_string(skipped) + " skipped" : "") + " of " + n + " cases ("),
            std::string::npos)
      << summary();
  EXPECT_NE(summary().find("\njudged against the model of Linux "), std::string::npos) << summary();
  EXPECT_NE(summary().find("sweep"), std::string::npos);
  EXPECT_NE(summary().find("by entry (matched/cases): "), std::string::npos) << summary();
  EXPECT_EQ(per_entry.size(), 8u);  // every entry there is
  for (const auto& [entry, counts] : per_entry) {
    const std::string shown = " " + entry + " " + std::to_string(counts.first) + "/" + std::to_string(counts.second);
    EXPECT_NE(summary().find(shown), std::string::npos) << shown << "\n" << summary();
  }
  EXPECT_NE(summary().find("by context (matched/cases):"), std::string::npos) << summary();
  // A line per preset, every one of them, and per changed context of the
  // catalogue (cases/contexts_data.cases), counted as the records count.
  for (std::string_view preset : clonediff::model::caller_preset_names())
    EXPECT_TRUE(per_context.count(std::string(preset))) << preset;
  std::size_t changed = 0;
  for (const auto& [name, c] : per_context)
    if (name.find('+') != std::string::npos) {
      ++changed;
      auto caller = clonediff::model::caller_preset(name);
      EXPECT_TRUE(caller.ok() && caller->preset == name) << name;
    }
  EXPECT_GT(changed, 0u);
  EXPECT_EQ(per_context.size(), clonediff::model::caller_preset_names().size() + changed);
  for (const auto& [name, c] : per_context) {
    std::string shown = " " + std::to_string(c.matched) + "/" + std::to_string(c.cases);
    if (c.skipped != 0) shown += ", " + std::to_string(c.skipped) + " skipped";
    shown += "\n";
    const std::size_t at = summary().find("\n    " + name + " ");
    ASSERT_NE(at, std::string::npos) << name << "\n" << summary();
    const std::size_t end = summary().find('\n', at + 1);
    const std::string row = summary().substr(at, end - at + 1);
    EXPECT_TRUE(row.ends_with(shown)) << "[" << row << "] wants [" << shown << "]";
  }
}

TEST_F(CliWithRun, RunInAContextRunsItsCasesAndTheRootOnesAgainThere) {
  Ran r = clonediff({"run", "--context", "unpriv", "--filter", "unpriv/legacy/*", "--json", path("unpriv.jsonl").string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const auto catalogue = clonediff::harness::builtin_catalogue();
  ASSERT_TRUE(catalogue.ok());
  std::size_t legacy = 0;
  for (const auto& c : *catalogue) legacy += c.suite == "legacy" && c.context == "root";
  std::istringstream lines(slurp(path("unpriv.jsonl")));
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const auto record = clonediff::json::parse(line);
    ASSERT_TRUE(record.ok()) << line;
    EXPECT_EQ(clonediff::json::str(*clonediff::json::find(*record, "id")).rfind("unpriv/legacy/", 0), 0u) << line;
    const clonediff::json::Value* context = clonediff::json::find(*record, "context");
    const clonediff::json::Value* preset = context->is_string() ? context : clonediff::json::find(*context, "preset");
    EXPECT_EQ(clonediff::json::str(*preset), "unpriv") << line;
  }
  EXPECT_EQ(n, legacy);
  EXPECT_NE(r.out.find("\n  unpriv/legacy "), std::string::npos) << r.out;  // grouped under the context
}

// Sharding comes after the selection; the shards of the legacy and library
// suites are checked against those suites' records in the whole run.
TEST_F(CliWithRun, TwoShardsHoldExactlyTheCasesOfOneRun) {
  std::vector<std::string> all;
  for (const std::string& id : record_ids(records_))
    if (id.starts_with("legacy/") || id.starts_with("library/")) all.push_back(id);
  const std::size_t n = all.size();
  ASSERT_GT(n, 10u);
  std::multiset<std::string> both;
  for (const char* shard : {"0/2", "1/2"}) {
    const fs::path out = path("shard.jsonl");
    Ran r = clonediff({"run", "--filter", "legacy/*", "--filter", "library/*", "--shard", shard, "--json", out.string()});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find(std::string("(shard ") + shard + " of " + std::to_string(n) + ")"), std::string::npos) << r.out;
    const auto ids = record_ids(lines(slurp(out)));
    EXPECT_NEAR(static_cast<double>(ids.size()), static_cast<double>(n) / 2, static_cast<double>(clonediff::harness::kShardStretch))
        << shard;
    // --list names exactly what the shard ran, in the same order.
    Ran listed = clonediff({"run", "--list", "--filter", "legacy/*", "--filter", "library/*", "--shard", shard});
    EXPECT_EQ(lines(listed.out), ids) << shard;
    both.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(both, std::multiset<std::string>(all.begin(), all.end()));
}

TEST_F(CliWithRun, ListIsTheRunsOrderAndTakesTheFilter) {
  Ran all = clonediff({"run", "--list"});
  EXPECT_EQ(all.status, 0) << all.err;
  EXPECT_EQ(lines(all.out), record_ids(records_));
  Ran some = clonediff({"run", "--list", "--filter", "library/*fork"});
  EXPECT_EQ(some.out, "library/fork\nlibrary/vfork\n");
  EXPECT_EQ(some.err, "");
}

TEST_F(CliWithRun, NoProgressWhenStderrIsNotATerminal) {
  EXPECT_EQ(ran_.out.find('\r'), std::string::npos);
  EXPECT_EQ(ran_.err.find('\r'), std::string::npos);
  EXPECT_TRUE(ran_.err.starts_with("clonediff run: ")) << ran_.err;  // the summary, and nothing before it
  // Without --ktap the summary is on stdout, and stderr has nothing at all.
  Ran r = clonediff({"run", "--filter", "legacy/*", "--json", path("legacy.jsonl").string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
  EXPECT_NE(r.out.find("\nPASS: "), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

// Records of cases this machine skipped (a context it cannot build): check
// passes them through as skips.
std::size_t skipped_in(const std::vector<std::string>& records) {
  std::size_t n = 0;
  for (const std::string& line : records) n += line.find("\"verdict\":\"skip\"") != std::string::npos;
  return n;
}

TEST_F(CliWithRun, CheckAgreesWithTheRun) {
  Ran check = clonediff({"check", (run_dir_ / "run.jsonl").string()});
  EXPECT_EQ(check.status, 0) << check.err;
  const std::string n = std::to_string(builtin_cases());
  EXPECT_NE(check.err.find(n + " records"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find(std::to_string(builtin_cases() - skipped_in(records_)) + " match, 0 mismatch"),
            std::string::npos)
      << check.err;
  EXPECT_EQ(lines(check.out).size(), builtin_cases());
}

TEST_F(CliWithRun, CheckReportsAnObservationEditedByHand) {
  // In the record of sweep/CLONE_VM|CLONE_FS, claim the child did not share the mm.
  const std::string id = "\"id\":\"sweep/CLONE_VM|CLONE_FS\"";
  const std::string was = "\"observed\":{\"result\":\"ok\",\"share\":{\"vm\":true,";
  const std::string now = "\"observed\":{\"result\":\"ok\",\"share\":{\"vm\":false,";
  std::string edited;
  int hits = 0;
  for (std::string line : records_) {
    if (line.find(id) != std::string::npos) {
      auto at = line.find(was);
      ASSERT_NE(at, std::string::npos) << line;
      line.replace(at, was.size(), now);
      ++hits;
    }
    edited += line + "\n";
  }
  ASSERT_EQ(hits, 1);
  spit(path("edited.jsonl"), edited);

  Ran check = clonediff({"check", path("edited.jsonl").string()});
  EXPECT_EQ(check.status, 1) << check.err;
  EXPECT_NE(check.err.find(std::to_string(builtin_cases() - skipped_in(records_) - 1) + " match, 1 mismatch"),
            std::string::npos)
      << check.err;
  EXPECT_NE(check.err.find("(sweep/CLONE_VM|CLONE_FS): mismatch"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("share.vm: predicted true, observed false"), std::string::npos) << check.err;
  bool found = false;
  for (const std::string& line : lines(check.out))
    if (line.find(id) != std::string::npos) {
      found = true;
      EXPECT_NE(line.find("\"verdict\":\"mismatch\""), std::string::npos) << line;
      EXPECT_NE(line.find("\"diff\":[{\"field\":\"share.vm\",\"predicted\":true,\"observed\":false}]"), std::string::npos)
          << line;
    }
  EXPECT_TRUE(found);
}

TEST_F(Cli, CheckReportsBadLinesByNumberAndJudgesTheRest) {
  const std::string good =
      R"({"id":"x","entry":"clone","flags":"CLONE_THREAD","exit_signal":17,"context":"root","observed":{"result":"EINVAL"}})";
  const std::string input = good + "\n{not json\n" +
                            R"({"entry":"clone","flags":"CLONE_BOGUS","observed":{"result":"ok"}})" + "\n\n" + good +
                            "\n" + R"({"entry":"clone","flags":"0"})" + "\n";
  Ran check = clonediff({"check", "-"}, input);
  EXPECT_EQ(check.status, 2);
  EXPECT_NE(check.err.find("line 2: at column 2"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("line 3: unknown flag 'CLONE_BOGUS'"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("line 6: no \"observed\" to judge"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("2 records"), std::string::npos) << check.err;
  EXPECT_EQ(lines(check.out).size(), 2u);
}

TEST_F(Cli, CheckTakesContextObjectsAndPresets) {
  // A CLONE_PARENT child takes the leader's exit signal: 0 in this context.
  const std::string parent =
      R"({"entry":"clone","flags":"CLONE_PARENT","exit_signal":17,"context":{"preset":"root","leader_exit_signal":0},)"
      R"("observed":{"result":"ok","share":{"vm":false},"ns_new":[],"same_tgid":false,"ppid_is_caller":false,"exit_signal":0}})";
  const std::string eperm =
      R"({"entry":"clone","flags":"CLONE_NEWIPC|CLONE_SYSVSEM","context":"unpriv","observed":{"result":"EPERM"}})";
  const std::string wrong =
      R"({"entry":"clone","flags":"CLONE_NEWUSER|CLONE_NEWIPC|CLONE_SYSVSEM","context":"unpriv","observed":{"result":"EPERM"}})";
  Ran check = clonediff({"check"}, parent + "\n" + eperm + "\n" + wrong + "\n");
  EXPECT_EQ(check.status, 1) << check.err;
  EXPECT_NE(check.err.find("2 match, 1 mismatch"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("line 3: mismatch"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("result: predicted EINVAL, observed EPERM"), std::string::npos) << check.err;
  const auto out = lines(check.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NE(out[1].find("\"rule\":\"copy_namespaces.cap_sys_admin\""), std::string::npos) << out[1];
}

TEST_F(Cli, CheckRejectsUnknownContextFacts) {
  Ran check = clonediff({"check"}, R"({"entry":"fork","context":{"preset":"root","wings":1},"observed":{"result":"ok"}})"
                                   "\n");
  EXPECT_EQ(check.status, 2);
  EXPECT_NE(check.err.find("line 1: context: unknown context fact 'wings'"), std::string::npos) << check.err;
}

TEST_F(Cli, ExplainNamesTheDecidingRuleAndWhereItLives) {
  Ran eperm = clonediff({"explain", "CLONE_NEWIPC|CLONE_SYSVSEM", "--context", "unpriv"});
  EXPECT_EQ(eperm.status, 0) << eperm.err;
  EXPECT_NE(eperm.out.find("result   EPERM"), std::string::npos) << eperm.out;
  EXPECT_NE(eperm.out.find("decided  copy_namespaces.cap_sys_admin in kernel/nsproxy.c: copy_namespaces()"),
            std::string::npos)
      << eperm.out;
  Ran einval = clonediff({"explain", "CLONE_NEWUSER|CLONE_NEWIPC|CLONE_SYSVSEM", "--context", "unpriv"});
  EXPECT_NE(einval.out.find("result   EINVAL"), std::string::npos) << einval.out;
  EXPECT_NE(einval.out.find("copy_namespaces.newipc_sysvsem"), std::string::npos) << einval.out;
  Ran high = clonediff({"explain", "CLONE_VM|0x8000000000000000", "--exit-signal", "0"});
  EXPECT_NE(high.out.find("never reach copy_process()"), std::string::npos) << high.out;
  Ran parent = clonediff({"explain", "CLONE_PARENT", "--context", R"({"preset":"root","leader_exit_signal":0})"});
  EXPECT_NE(parent.out.find("exit_signal=0"), std::string::npos) << parent.out;
  // A preset plus changes, as JSON or by its canonical name.
  for (const std::string context : {R"({"preset":"root","fd_table":"full"})", "root+fd_table_full"}) {
    Ran emfile = clonediff({"explain", "CLONE_PIDFD", "--context", context});
    EXPECT_EQ(emfile.status, 0) << emfile.err;
    EXPECT_NE(emfile.out.find("decided  copy_process.pidfd_emfile in kernel/fork.c"), std::string::npos) << emfile.out;
  }
  Ran unmapped = clonediff({"explain", "CLONE_NEWUSER", "--context", R"({"userns":"unmapped","chrooted":true})"});
  EXPECT_NE(unmapped.out.find("decided  create_user_ns.chroot"), std::string::npos) << unmapped.out;
  Ran bad = clonediff({"explain", "0", "--context", R"({"caps":{"drop":["CAP_NOPE"]}})"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "clonediff explain: context: unknown capability 'CAP_NOPE'\n");
}

// The modelled range: 4.19 .. 6.18. Older kernels are refused wherever a
// profile is read; newer ones are predicted as 6.18 and every report says so.
TEST_F(Cli, KernelsOutsideTheModelledRange) {
  Ran clone3 = clonediff({"explain", "0", "--entry", "clone3", "--kernel", "4.19"});
  EXPECT_EQ(clone3.status, 0) << clone3.err;
  EXPECT_NE(clone3.out.find("result   ENOSYS"), std::string::npos) << clone3.out;
  EXPECT_NE(clone3.out.find("decided  clone3.no_syscall"), std::string::npos) << clone3.out;
  const std::string fork = R"({"id":"f","entry":"fork","context":"root","kernel":"4.14.336",)"
                           R"("observed":{"result":"ENOSYS"}})";
  Ran old = clonediff({"check", "--kernel", "recorded"}, fork + "\n");
  EXPECT_EQ(old.status, 2);
  EXPECT_NE(old.err.find("line 1: Linux 4.14.336 is older than the modelled range 4.19 .. 6.18"), std::string::npos)
      << old.err;
  Ran fixed = clonediff({"check", "--kernel", "4.9"}, fork + "\n");
  EXPECT_EQ(fixed.status, 2);
  EXPECT_EQ(fixed.err, "clonediff check: --kernel: Linux 4.9.0 is older than the modelled range 4.19 .. 6.18\n");
  Ran newer = clonediff({"explain", "0", "--kernel", "6.21.1"});
  EXPECT_EQ(newer.status, 0);
  EXPECT_NE(newer.out.find("note     Linux 6.21.1: newer than the modelled range 4.19 .. 6.18: judged as 6.18"),
            std::string::npos)
      << newer.out;
  Ran judged = clonediff({"check", "--kernel", "6.21.1"},
                         R"({"id":"f","entry":"fork","context":"root","observed":{"result":"EPERM"}})" "\n");
  EXPECT_NE(judged.err.find("(newer than the modelled range 4.19 .. 6.18: judged as 6.18)"), std::string::npos)
      << judged.err;
}

// run --kernel K judges against K (as an emulator's guest judges against the
// host's profile); the records still name the running release.
TEST_F(Cli, RunJudgesAgainstTheProfileItIsGiven) {
  Ran run = clonediff({"run", "--filter", "clone3/pidfd-thread", "--kernel", "6.1.0-50-cloud-amd64", "--json", "-"});
  const auto out = lines(run.out);
  ASSERT_EQ(out.size(), 1u) << run.out << run.err;
  EXPECT_NE(out[0].find("\"kernel_profile\":\"6.1.0-50-cloud-amd64\""), std::string::npos) << out[0];
  EXPECT_EQ(out[0].find("\"kernel\":\"6.1.0-50-cloud-amd64\""), std::string::npos) << out[0];
  // The prediction is 6.1's, whatever this kernel is: CLONE_PIDFD|CLONE_THREAD
  // is refused there (until v6.9).
  EXPECT_NE(out[0].find("\"rule\":\"copy_process.pidfd_thread\""), std::string::npos) << out[0];
}

TEST_F(Cli, KernelsPrintsTheHistoryAndExplainToo) {
  Ran text = clonediff({"kernels"});
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("in releases 4.19 .. 6.18"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("+ flag CLONE_PIDFD"), std::string::npos) << text.out;
  EXPECT_EQ(clonediff({"explain", "--kernel-history"}).out, text.out);
  Ran md = clonediff({"kernels", "--markdown"});
  EXPECT_EQ(md.out.rfind("| release | change | what | kernel change |", 0), 0u) << md.out;
}

TEST_F(Cli, ExplainTakesClone3Requests) {
  Ran tail = clonediff({"explain", "0", "--entry", "clone3", "--size", "96", "--tail", "nonzero"});
  EXPECT_EQ(tail.status, 0) << tail.err;
  EXPECT_NE(tail.out.find("struct clone_args of size 96 (non-zero tail)"), std::string::npos) << tail.out;
  EXPECT_NE(tail.out.find("result   E2BIG"), std::string::npos) << tail.out;
  EXPECT_NE(tail.out.find("decided  clone3.nonzero_tail in lib/usercopy.c: copy_struct_from_user()"), std::string::npos)
      << tail.out;
  Ran zero = clonediff({"explain", "0", "--entry", "clone3", "--size", "96"});
  EXPECT_NE(zero.out.find("result   ok"), std::string::npos) << zero.out;
  Ran tid = clonediff({"explain", "CLONE_NEWPID", "--entry", "clone3", "--set-tid", "2"});
  EXPECT_NE(tid.out.find("alloc_pid.set_tid_no_init"), std::string::npos) << tid.out;
  Ran bad = clonediff({"explain", "0", "--entry", "clone3", "--cgroup", "mine"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("unknown cgroup 'mine'"), std::string::npos) << bad.err;
}

TEST_F(Cli, BadUsageIsOneLineAndStatusTwo) {
  struct Bad {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {{"explain", "CLONE_BOGUS"}, "clonediff explain: unknown flag 'CLONE_BOGUS'\n"},
      {{"explain", "0", "--context", "nobody"}, "clonediff explain: unknown context 'nobody' (presets: " + presets() + ")\n"},
      {{"explain", "0", "--exit-signal"}, "clonediff explain: option '--exit-signal' needs a value\n"},
      {{"run", "--bogus"}, "clonediff run: unknown option '--bogus'\n"},
      {{"run", "--filter", "nothing/like/this"}, "clonediff run: no case id matches 'nothing/like/this'\n"},
      {{"run", "--timeout", "soon"}, "clonediff run: --timeout takes milliseconds from 1 to 86400000, not 'soon'\n"},
      // A deadline past what the clock holds: bad input, not 49 skips.
      {{"run", "--timeout", "9223372036855", "--filter", "legacy/*"},
       "clonediff run: --timeout takes milliseconds from 1 to 86400000, not '9223372036855'\n"},
      {{"run", "--timeout", "0"}, "clonediff run: --timeout takes milliseconds from 1 to 86400000, not '0'\n"},
      {{"run", "--timeout", "-5"}, "clonediff run: --timeout takes milliseconds from 1 to 86400000, not '-5'\n"},
      {{"run", "--target-timeout", "99999999999999999999"},
       "clonediff run: --target-timeout takes seconds from 1 to 86400, not '99999999999999999999'\n"},
      {{"run", "--cases", dir_.string()},
       "clonediff run: cannot read catalogue file '" + dir_.string() + "': Is a directory\n"},
      {{"run", "--cases", path("missing.cases").string()},
       "clonediff run: cannot read catalogue file '" + path("missing.cases").string() + "': No such file or directory\n"},
      {{"run", "--allow-skip", "gvisor", "--filter", "legacy/*"},
       "clonediff run: --allow-skip names 'gvisor', which is not a target of this run (targets: host)\n"},
      {{"run", "--shard", "2/2"}, "clonediff run: --shard takes I/N with 0 <= I < N, not '2/2'\n"},
      {{"run", "--shard", "1"}, "clonediff run: --shard takes I/N with 0 <= I < N, not '1'\n"},
      {{"run", "--filter", "library/*fork", "--shard", "2/3"},
       "clonediff run: shard 2/3 holds none of the 2 selected cases\n"},
      {{"run", "--list", "--json", "x"},
       "clonediff run: --list runs nothing: it takes no --json, --junit, --ktap or --results\n"},
      {{"run", "--list", "--results", "x"},
       "clonediff run: --list runs nothing: it takes no --json, --junit, --ktap or --results\n"},
      {{"run", "--ktap", "--json", "-"},
       "clonediff run: only one of --ktap, --json -, --junit - and --results - can have standard output\n"},
      {{"run", "--junit", "-", "--json", "-"},
       "clonediff run: only one of --ktap, --json -, --junit - and --results - can have standard output\n"},
      {{"run", "--results", "-", "--json", "-"},
       "clonediff run: only one of --ktap, --json -, --junit - and --results - can have standard output\n"},
      {{"run", "--junit", "/nonexistent/dir/x.xml"},
       "clonediff run: cannot write '/nonexistent/dir/x.xml': No such file or directory\n"},
      {{"check", path("missing.jsonl").string()},
       "clonediff check: cannot read '" + path("missing.jsonl").string() + "': No such file or directory\n"},
      {{"check", dir_.string()}, "clonediff check: cannot read '" + dir_.string() + "': Is a directory\n"},
      {{"frobnicate"}, "clonediff: unknown command 'frobnicate' (commands: run, explore, explain, check, diff, contexts, kernels, help)\n"},
      {{"run", "--filter", "nothing/*", "--filter", "nor/this"}, "clonediff run: no case id matches 'nothing/*' or 'nor/this'\n"},
      {{"run", "--filter", "legacy/*", "--exclude", "*"}, "clonediff run: every selected case matches --exclude '*'\n"},
      {{"run", "--json"}, "clonediff run: option '--json' needs a value\n"},
      {{"run", "--json", "a", "--json", "b"}, "clonediff run: option '--json' given twice\n"},
      {{"run", "--ktap=1"}, "clonediff run: option '--ktap' takes no value\n"},
      {{"run", "extra"}, "clonediff run: unexpected argument 'extra'\n"},
      {{"contexts", "--bogus"}, "clonediff contexts: unknown option '--bogus'\n"},
      {{"kernels", "extra"}, "clonediff kernels: unexpected argument 'extra'\n"},
      {{"explain", "0", "--kernel", "2.6"},
       "clonediff explain: --kernel: Linux 2.6.0 is older than the modelled range 4.19 .. 6.18\n"},
      {{"explain", "0", "--kernel", "4.18.0-553.el8_10.x86_64"},
       "clonediff explain: --kernel: Linux 4.18.0 is older than the modelled range 4.19 .. 6.18\n"},
      {{"run", "--kernel", "4.4"},
       "clonediff run: --kernel: Linux 4.4.0 is older than the modelled range 4.19 .. 6.18\n"},
  };
  for (const Bad& b : bad) {
    Ran r = clonediff(b.args);
    EXPECT_EQ(r.status, 2) << b.args[0];
    EXPECT_EQ(r.err, b.message);
  }
}

TEST_F(Cli, ListNeedsNoRoot) {
  // A copy of the binary that uid 65534 may run, run as uid 65534.
  const fs::path dir = path("nobody");
  fs::create_directories(dir);
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);
  const fs::path copy = dir / "clonediff";
  fs::copy_file(CLONEDIFF_BINARY, copy);
  fs::permissions(copy, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
  const std::string setpriv = find_program("setpriv");
  ASSERT_FALSE(setpriv.empty()) << "setpriv (util-linux) is needed to drop to uid 65534";
  const std::vector<std::string> as_nobody = {"--reuid=65534", "--regid=65534", "--clear-groups", copy.string()};
  auto with = [&](std::vector<std::string> args) {
    std::vector<std::string> all = as_nobody;
    all.insert(all.end(), args.begin(), args.end());
    return all;
  };
  Ran listed = run(setpriv, with({"run", "--list", "--filter", "legacy/*"}));
  EXPECT_EQ(listed.status, 0) << listed.err;
  std::size_t legacy = 0;
  const auto catalogue = clonediff::harness::builtin_catalogue();
  ASSERT_TRUE(catalogue.ok());
  for (const auto& c : catalogue.value()) legacy += c.suite == "legacy";
  EXPECT_EQ(lines(listed.out).size(), legacy) << listed.out;
  Ran refused = run(setpriv, with({"run", "--filter", "legacy/*"}));
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("needs root"), std::string::npos) << refused.err;
}

TEST_F(Cli, KtapOwnsStdoutAndTheSummaryGoesToStderr) {
  Ran r = clonediff({"run", "--ktap", "--filter", "library/*fork"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("KTAP version 1\n1..1\n# clonediff run: 2 cases on Linux ", 0), 0u) << r.out;
  // The profile that judged the run, and where it stands against the model's range.
  EXPECT_NE(r.out.find("\n# judged against the model of Linux "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" the modelled range "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  KTAP version 1\n  # Subtest: library\n  1..2\n  ok 1 fork\n  ok 2 vfork\nok 1 library\n"
                       "# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0\n"
                       "# clonediff run: PASS: 2 matched of 2 cases ("),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("\nPASS: 2 matched of 2 cases ("), std::string::npos) << r.err;
}

// A case the harness will not make (a CLONE_VM child on the caller's own
// stack) is skipped with the reason, on every machine.
constexpr const char* kSkippedCase = "case mine/shared-stack clone CLONE_VM stack=none\n";

// Every case skipped is no pass: SKIP, exit status 1 unless --allow-skip host;
// under KTAP, kselftest's KSFT_SKIP either way.
TEST_F(Cli, EveryCaseSkippedIsNoPass) {
  spit(path("skip.cases"), kSkippedCase);
  const std::vector<std::string> run = {"run", "--no-builtin", "--cases", path("skip.cases").string()};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> all = run;
    all.insert(all.end(), more.begin(), more.end());
    return all;
  };
  Ran ktap = clonediff(with({"--ktap"}));
  EXPECT_EQ(ktap.status, 4) << ktap.out << ktap.err;
  EXPECT_NE(ktap.out.find("  ok 1 shared-stack # SKIP a CLONE_VM child without its own stack"), std::string::npos)
      << ktap.out;
  EXPECT_NE(ktap.out.find("ok 1 mine # SKIP every case skipped\n"), std::string::npos) << ktap.out;
  EXPECT_NE(ktap.out.find("# clonediff run: SKIP: 0 matched, 1 skipped of 1 case; every case was skipped"),
            std::string::npos)
      << ktap.out;
  EXPECT_EQ(ktap.out.find("PASS"), std::string::npos) << ktap.out;
  Ran plain = clonediff(run);
  EXPECT_EQ(plain.status, 1) << plain.out << plain.err;
  EXPECT_NE(plain.out.find("\nSKIP: 0 matched, 1 skipped of 1 case; every case was skipped (--allow-skip host if that "
                           "is expected) ("),
            std::string::npos)
      << plain.out;
  EXPECT_EQ(plain.out.find("PASS"), std::string::npos) << plain.out;
  Ran allowed = clonediff(with({"--allow-skip", "host"}));
  EXPECT_EQ(allowed.status, 0) << allowed.out << allowed.err;
  EXPECT_NE(allowed.out.find("\nSKIP: 0 matched, 1 skipped of 1 case; every case was skipped, as --allow-skip host "
                             "allows ("),
            std::string::npos)
      << allowed.out;
  Ran allowed_ktap = clonediff(with({"--allow-skip", "host", "--ktap"}));
  EXPECT_EQ(allowed_ktap.status, 4) << allowed_ktap.out;
  // Among cases that ran and matched, a skip leaves a pass that says so.
  spit(path("some.cases"), std::string(kSkippedCase) + "case mine/vm clone CLONE_VM\n");
  Ran some = clonediff({"run", "--no-builtin", "--cases", path("some.cases").string()});
  EXPECT_EQ(some.status, 0) << some.out << some.err;
  EXPECT_NE(some.out.find("\nPASS: 1 matched, 1 skipped of 2 cases ("), std::string::npos) << some.out;
}

// A caller that does not start in time is the harness failing: an error
// verdict with the reason, never a skip of its context.
TEST_F(Cli, ACallerThatDoesNotStartInTimeIsAnError) {
  const fs::path json = path("late.jsonl");
  Ran r = clonediff({"run", "--timeout", "1", "--filter", "legacy/*", "--json", json.string()});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const auto records = lines(slurp(json));
  ASSERT_FALSE(records.empty());
  for (const std::string& line : records) {
    EXPECT_NE(line.find("\"verdict\":\"error\""), std::string::npos) << line;
    EXPECT_NE(line.find("\"reason\":\"the harness could not start a caller: the caller process for context 'root' "
                        "did not report within 1 ms\""),
              std::string::npos)
        << line;
  }
  EXPECT_NE(r.out.find("\nFAIL: 0 matched, " + std::to_string(records.size()) + " errors of " +
                       std::to_string(records.size()) + " cases ("),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("cannot be built here"), std::string::npos) << r.out;
  Ran ktap = clonediff({"run", "--timeout", "1", "--filter", "legacy/io", "--ktap"});
  EXPECT_EQ(ktap.status, 1) << ktap.out;
  EXPECT_NE(ktap.out.find("not ok 1 io # ERROR the harness could not start a caller"), std::string::npos) << ktap.out;
}

// A context the case file names but nobody knows is bad input where it is
// read (run, run --list), with the file, the line and the known names.
TEST_F(Cli, AnUnknownContextInACaseFileIsBadInput) {
  spit(path("typo.cases"), "case mine/ok clone 0\ncase mine/typo clone 0 context=pidns_iinit\n");
  const std::string message = "clonediff run: " + path("typo.cases").string() +
                              ":2: unknown context 'pidns_iinit' (presets: " + presets() + ")\n";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--cases", path("typo.cases").string(), "--filter", "mine/*"},
        std::vector<std::string>{"run", "--list", "--cases", path("typo.cases").string()}}) {
    Ran r = clonediff(args);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.err, message);
    EXPECT_EQ(r.out, "");
  }
}

// A context as data with an unknown key or capability, or that is not JSON,
// is bad input: one line naming FILE:LINE, exit 2.
TEST_F(Cli, ABadContextAsDataInACaseFileIsBadInput) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{\"caps\":{\"drop\":[\"CAP_SYS_ADMN\"]}}", "context: unknown capability 'CAP_SYS_ADMN'"},
      {"{\"preset\":\"root\",\"fds\":\"full\"}", "context: unknown key \"fds\" (keys: preset, caps, userns, fd_table)"},
      {"{\"preset\":\"root\",", "context '{\"preset\":\"root\",' is not a JSON object (write it without spaces)"},
  };
  for (const auto& [context, why] : bad) {
    spit(path("data.cases"), "case mine/ok clone 0\ncase mine/bad clone 0 context=" + context + "\n");
    Ran r = clonediff({"run", "--list", "--cases", path("data.cases").string()});
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.err, "clonediff run: " + path("data.cases").string() + ":2: " + why + "\n");
    EXPECT_EQ(r.out, "");
  }
}

TEST_F(Cli, JunitFileHasASuitePerGroupAndACasePerCase) {
  spit(path("mix.cases"),
       "case mine/vm-files clone CLONE_VM|CLONE_FILES\n"
       "case mine/nowhere  clone CLONE_VM stack=none\n"
       "case yours/fork    fork  -\n"
       "case yours/vfork   vfork -\n");
  Ran r = clonediff({"run", "--no-builtin", "--cases", path("mix.cases").string(), "--junit", path("run.xml").string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const std::string xml = slurp(path("run.xml"));
  EXPECT_NE(xml.find(R"(<testsuites name="clonediff" tests="4" failures="0" errors="0" time=")"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="yours" tests="2" failures="0" errors="0" skipped="0" time=")"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testcase classname="mine" name="vm-files" time=")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="mine" tests="2" failures="0" errors="0" skipped="1" time=")"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<skipped>a CLONE_VM child without its own stack)"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(<property name="modelled_range" value=")"), std::string::npos) << xml;
  EXPECT_EQ(xml.substr(xml.size() - 14), "</testsuites>\n");
}

TEST_F(Cli, RunTakesUserCatalogueFilesAndFilters) {
  spit(path("mine.cases"),
       "case mine/vm-files clone CLONE_VM|CLONE_FILES\n"
       "case mine/refused  clone CLONE_SIGHAND\n");
  Ran r = clonediff({"run", "--no-builtin", "--cases", path("mine.cases").string()});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PASS: 2 matched of 2 cases"), std::string::npos) << r.out;
  Ran one = clonediff({"run", "--cases", path("mine.cases").string(), "--filter", "mine/ref*", "--json", "-"});
  EXPECT_EQ(one.status, 0) << one.err;
  ASSERT_EQ(lines(one.out).size(), 1u);
  EXPECT_NE(one.out.find("\"result\":\"EINVAL\""), std::string::npos) << one.out;
  EXPECT_NE(one.err.find("PASS: 1 matched of 1 case"), std::string::npos) << one.err;

  spit(path("broken.cases"), "case ok clone 0\ncase bad clone CLONE_VM|NOPE\n");
  Ran broken = clonediff({"run", "--cases", path("broken.cases").string()});
  EXPECT_EQ(broken.status, 2);
  EXPECT_EQ(broken.err, "clonediff run: " + path("broken.cases").string() + ":2: unknown flag 'NOPE'\n");
}

// ---------------------------------------------------------------- shipping

std::vector<std::string> builtin_ids_where(const std::function<bool(const clonediff::harness::CatalogueCase&)>& keep) {
  std::vector<std::string> out;
  const auto catalogue = clonediff::harness::builtin_catalogue();
  for (const auto& c : catalogue.value())
    if (keep(c)) out.push_back(c.id);
  return out;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// One scheme: a pattern that names a context selects that context's cases, as
// the summary groups them; --filter repeats and --exclude takes away.
TEST_F(Cli, FiltersFollowTheIdsAndSuitesTheReportsUse) {
  Ran unpriv = clonediff({"run", "--list", "--filter", "unpriv/*"});
  EXPECT_EQ(unpriv.status, 0) << unpriv.err;
  const auto in_unpriv = builtin_ids_where([](const auto& c) { return c.context == "unpriv"; });
  ASSERT_GT(in_unpriv.size(), 4000u);
  EXPECT_EQ(sorted(lines(unpriv.out)), sorted(in_unpriv));
  Ran two = clonediff({"run", "--list", "--filter", "legacy/*", "--filter", "library/*", "--exclude", "*fork*",
                       "--exclude", "legacy/exit-signal-*"});
  EXPECT_EQ(two.status, 0) << two.err;
  const auto want = builtin_ids_where([](const auto& c) {
    const bool in = c.suite == "legacy" || c.suite == "library";
    const bool out = c.id.find("fork") != std::string::npos || c.id.rfind("legacy/exit-signal-", 0) == 0;
    return c.context == "root" && in && !out;
  });
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(sorted(lines(two.out)), sorted(want));
  for (const auto& id : lines(two.out)) EXPECT_EQ(id.find("fork"), std::string::npos) << id;
}

TEST_F(Cli, VersionNamesTheVersionAndCommit) {
  Ran v = clonediff({"--version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out, clonediff::version_text() + "\n");
  EXPECT_NE(clonediff::commit(), "");
  Ran r = clonediff({"run", "--ktap", "--filter", "library/*fork", "--junit", path("v.xml").string(), "--json",
                     path("v.jsonl").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\n# " + clonediff::version_text() + "\n"), std::string::npos) << r.out;  // KTAP
  EXPECT_NE(r.err.find("\n" + clonediff::version_text() + "\n"), std::string::npos) << r.err;    // the summary
  EXPECT_NE(slurp(path("v.xml")).find(R"(<property name="clonediff_commit" value=")" + std::string(clonediff::commit())),
            std::string::npos);
  for (const std::string& line : lines(slurp(path("v.jsonl"))))
    EXPECT_NE(line.find(R"("clonediff_version":")" + std::string(clonediff::version()) + R"(","clonediff_commit":")" +
                        std::string(clonediff::commit()) + "\""),
              std::string::npos)
        << line;
}

// The options a command's --help lists: its option lines' first words.
std::vector<std::string> help_options(const std::string& help) {
  std::vector<std::string> out;
  for (const std::string& line : lines(help)) {
    if (line.rfind("  -", 0) != 0) continue;
    std::string first = line.substr(2, line.find(' ', 2) - 2);
    for (std::size_t at; (at = first.find(',')) != std::string::npos;) {
      out.push_back(first.substr(0, at));
      first = first.substr(at + 1);
    }
    out.push_back(first);
  }
  return out;
}

// Each command's --help, the man page and the bash completion all list the
// options the parser takes (they are written from its definitions; the
// definitions' own test checks the parser against the help).
TEST_F(Cli, ManPageAndCompletionListWhatEachCommandsHelpLists) {
  const std::string man = slurp(CLONEDIFF_MAN_PAGE);
  ASSERT_FALSE(man.empty()) << CLONEDIFF_MAN_PAGE;
  const std::string completion = CLONEDIFF_COMPLETION;
  std::size_t options = 0;
  for (const char* command : {"run", "explain", "check", "diff", "contexts", "help"}) {
    Ran help = clonediff({command, "--help"});
    EXPECT_EQ(help.status, 0) << command;
    Ran same = clonediff({"help", command});
    EXPECT_EQ(same.out, help.out) << command;
    const auto listed = help_options(help.out);
    EXPECT_FALSE(listed.empty()) << help.out;
    // The command's section of the man page: from its .SS to the next heading.
    const std::size_t from = man.find(".SS \"clonediff " + std::string(command) + " ");
    ASSERT_NE(from, std::string::npos) << command;
    const std::string section = man.substr(from, man.find("\n.S", from + 1) - from);
    for (const std::string& option : listed) {
      ++options;
      std::string troff;
      for (char c : option) troff += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(section.find(troff), std::string::npos) << command << " " << option << " not in\n" << section;
    }
    // What bash completes after `clonediff COMMAND -`.
    Ran completed = run("/bin/bash", {"-c", "source '" + completion + "'; COMP_WORDS=(clonediff " + command +
                                                " -); COMP_CWORD=2; _clonediff; printf '%s\\n' \"${COMPREPLY[@]}\""});
    EXPECT_EQ(completed.status, 0) << completed.err;
    EXPECT_EQ(sorted(lines(completed.out)), sorted(listed)) << command;
  }
  EXPECT_GT(options, 40u);
  Ran contexts = run("/bin/bash", {"-c", "source '" + completion + "'; COMP_WORDS=(clonediff run --context u); "
                                         "COMP_CWORD=3; _clonediff; printf '%s\\n' \"${COMPREPLY[@]}\""});
  EXPECT_EQ(sorted(lines(contexts.out)),
            sorted(std::vector<std::string>{"unpriv", "userns_root", "userns_depth", "userns_quota"}))
      << contexts.out;
  // The man page renders without complaint.
  Ran rendered = run("/usr/bin/man", {"--warnings", "-E", "UTF-8", "-l", CLONEDIFF_MAN_PAGE});
  EXPECT_EQ(rendered.status, 0) << rendered.err;
  EXPECT_EQ(rendered.err, "");
  EXPECT_NE(rendered.out.find("EXIT STATUS"), std::string::npos);
}

TEST_F(Cli, QuietKeepsTheVerdictLine) {
  Ran r = clonediff({"run", "--quiet", "--filter", "library/*fork"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("PASS: 2 matched of 2 cases (", 0), 0u) << r.out;
  EXPECT_EQ(lines(r.out).size(), 1u) << r.out;
  spit(path("skip.cases"), kSkippedCase);
  Ran skipped = clonediff({"run", "--quiet", "--no-builtin", "--cases", path("skip.cases").string()});
  EXPECT_EQ(skipped.out.rfind("skipped (1):\n  mine/shared-stack: a CLONE_VM child without its own stack", 0), 0u)
      << skipped.out;
}

// contexts tries each one as run does: every preset, yes or no with the reason.
TEST_F(Cli, ContextsSaysWhichCanBeBuiltHere) {
  Ran names = clonediff({"contexts", "--names"});
  EXPECT_EQ(names.status, 0);
  std::vector<std::string> presets;
  for (auto p : clonediff::model::caller_preset_names()) presets.emplace_back(p);
  EXPECT_EQ(lines(names.out), presets);
  Ran tried = clonediff({"contexts"});
  EXPECT_EQ(tried.status, 0) << tried.out << tried.err;
  for (const std::string& p : presets) {
    const std::size_t at = tried.out.find("\n  " + p + " ");
    ASSERT_NE(at, std::string::npos) << p << "\n" << tried.out;
    const std::string row = tried.out.substr(at + 1, tried.out.find('\n', at + 1) - at - 1);
    EXPECT_TRUE(row.ends_with(" yes") || row.find(" no: ") != std::string::npos) << row;
  }
  EXPECT_NE(tried.out.find("\n  root" + std::string(27, ' ') + "yes\n"), std::string::npos) << tried.out;
  // The run agrees: a context listed as "no" is one whose cases are skipped.
  for (const std::string& p : presets)
    if (tried.out.find("\n  " + p + std::string(31 - p.size(), ' ') + "no: ") != std::string::npos) {
      Ran run_it = clonediff({"run", "--filter", p + "/*", "--json", "-"});
      EXPECT_EQ(run_it.out.find("\"verdict\":\"match\""), std::string::npos) << p;
      EXPECT_NE(run_it.out.find("cannot be built here"), std::string::npos) << p;
    }
}

// contexts CONTEXT... tries only those: presets, changed contexts as JSON or
// by canonical name (listed by that name); an unknown one is exit 2.
TEST_F(Cli, ContextsTriesTheContextsAskedFor) {
  Ran tried = clonediff({"contexts", R"({"preset":"unpriv","userns":"unmapped"})", "root+fd_table_full", "seccomp"});
  EXPECT_EQ(tried.status, 0) << tried.out << tried.err;
  EXPECT_NE(tried.out.find("clonediff contexts: 3 caller contexts"), std::string::npos) << tried.out;
  for (const char* row : {"\n  unpriv+userns_unmapped         yes\n      uid/gid 65534",
                          "\n  root+fd_table_full             yes\n      uid 0", "\n  seccomp                        yes\n"})
    EXPECT_NE(tried.out.find(row), std::string::npos) << row << "\n" << tried.out;
  EXPECT_EQ(tried.out.find("\n  root "), std::string::npos) << tried.out;
  Ran names = clonediff({"contexts", "--names", "unpriv+userns_unmapped"});
  EXPECT_EQ(names.out, "unpriv+userns_unmapped\n");
  Ran unknown = clonediff({"contexts", "nope"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(unknown.err.rfind("clonediff contexts: unknown context 'nope'", 0), 0u) << unknown.err;
  EXPECT_EQ(unknown.out, "");
}

// ci/clonediff builds in the repository but runs in the caller's directory.
TEST_F(Cli, TheCiWrapperKeepsTheCallersDirectory) {
  const std::string wrapper = std::string(CLONEDIFF_SOURCE_DIR) + "/ci/clonediff";
  Ran ran = run(wrapper, {"run", "--filter", "legacy/io", "--json", "out.jsonl"}, "", std::chrono::seconds(600));
  EXPECT_EQ(ran.status, 0) << ran.out << ran.err;
  EXPECT_EQ(lines(slurp(path("out.jsonl"))).size(), 1u);
  EXPECT_FALSE(fs::exists(fs::path(CLONEDIFF_SOURCE_DIR) / "out.jsonl"));
  Ran checked = run(wrapper, {"check", "out.jsonl"}, "", std::chrono::seconds(600));
  EXPECT_EQ(checked.status, 0) << checked.err;
  EXPECT_NE(checked.err.find("1 records judged"), std::string::npos) << checked.err;
}

}  // namespace
