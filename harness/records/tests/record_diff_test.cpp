// diff_records(): changes between two result files, classed by the model's
// profiles of the two kernels. Records are written here by hand, as another
// machine or tool might record them.
#include "harness/records/record_diff.hpp"

#include <gtest/gtest.h>

namespace clonediff::harness {
namespace {

json::Value record(const std::string& text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return std::move(v).value();
}

// A clone3 case observed on `kernel` with the given observation.
json::Value clone3_record(const std::string& id, const std::string& flags, int exit_signal, const std::string& kernel,
                          const std::string& observed) {
  return record(R"({"id":")" + id + R"(","entry":"clone3","flags":")" + flags + R"(","exit_signal":)" +
                std::to_string(exit_signal) + R"(,"context":"root","kernel":")" + kernel + R"(","observed":)" +
                observed + "}");
}

constexpr const char* k61 = "6.1.0-50-cloud-amd64";
constexpr const char* k612 = "6.12.111+deb12-cloud-amd64";
constexpr const char* kThreadFlags = "CLONE_PIDFD|CLONE_VM|CLONE_SIGHAND|CLONE_THREAD";
// A thread with a pidfd as 6.12 makes it (observed fields a run records).
constexpr const char* kThreadChild =
    R"({"result":"ok","share":{"vm":true,"files":false,"fs":false,"sighand":true},"ns_new":[],)"
    R"("same_tgid":true,"ppid_is_caller":false,"exit_signal":-1,"pidfd":true,"pidfd_thread":true})";
constexpr const char* kTimeVmChild61 =
    R"({"result":"ok","share":{"vm":true},"ns_new":["time","time_for_children"],"exit_signal":17})";
constexpr const char* kTimeVmChild612 =
    R"({"result":"ok","share":{"vm":true},"ns_new":["time_for_children"],"exit_signal":17})";

RecordSet set(const char* name, std::vector<json::Value> records) { return RecordSet{name, std::move(records)}; }

TEST(RecordDiff, ChangesTheProfilesPredictAreExpectedWithTheRuleBehindThem) {
  const RecordSet a = set("a.jsonl", {clone3_record("pidfd-thread", kThreadFlags, 0, k61, R"({"result":"EINVAL"})"),
                                      clone3_record("newtime-vm", "CLONE_NEWTIME|CLONE_VM", 17, k61, kTimeVmChild61),
                                      clone3_record("plain", "0", 17, k61, R"({"result":"ok","ns_new":[]})")});
  const RecordSet b = set("b.jsonl", {clone3_record("pidfd-thread", kThreadFlags, 0, k612, kThreadChild),
                                      clone3_record("newtime-vm", "CLONE_NEWTIME|CLONE_VM", 17, k612, kTimeVmChild612),
                                      clone3_record("plain", "0", 17, k612, R"({"result":"ok","ns_new":[]})")});
  auto report = diff_records(a, b);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->compared, 3u);
  ASSERT_EQ(report->changes.size(), 2u);
  EXPECT_EQ(report->unexpected(), 0u);

  const CaseChange& thread = report->changes[0];
  EXPECT_EQ(thread.id, "pidfd-thread");
  EXPECT_TRUE(thread.expected);
  EXPECT_EQ(thread.observed, (std::vector<DiffEntry>{{"result", "EINVAL", "ok"}}));
  EXPECT_EQ(thread.rule_a, "copy_process.pidfd_thread");
  EXPECT_EQ(thread.rule_b, "copy_process.ok");
  ASSERT_EQ(thread.causes.size(), 1u);
  EXPECT_EQ(thread.causes[0].id, "copy_process.pidfd_thread");
  EXPECT_NE(thread.causes[0].text.find("83b290c9e3b5"), std::string::npos) << thread.causes[0].text;

  const CaseChange& time = report->changes[1];
  EXPECT_TRUE(time.expected);
  EXPECT_EQ(time.observed, (std::vector<DiffEntry>{{"ns_new.time", "true", "false"}}));
  ASSERT_EQ(time.causes.size(), 1u);
  EXPECT_EQ(time.causes[0].id, "copy_namespaces.timens_vm_child_enters");
  EXPECT_NE(time.causes[0].text.find("holds on 6.1.0, not on 6.12.111"), std::string::npos) << time.causes[0].text;

  const std::string text = diff_text(*report, a, b);
  EXPECT_NE(text.find("2 differ: 2 expected, 0 unexpected"), std::string::npos) << text;
  EXPECT_NE(text.find("PASS: no unexpected changes"), std::string::npos) << text;
}

// A change that comes from the kernel's vocabulary: a flag one kernel does
// not define yet. The cause is the flag, with the commit that added it.
TEST(RecordDiff, AFlagOneKernelLacksIsTheCause) {
  const RecordSet a = set("a.jsonl", {clone3_record("clear-sighand", "CLONE_CLEAR_SIGHAND", 17, "5.4.0-200-generic",
                                                    R"({"result":"EINVAL"})")});
  const RecordSet b = set("b.jsonl", {clone3_record("clear-sighand", "CLONE_CLEAR_SIGHAND", 17, "5.10.0-30-amd64",
                                                    R"({"result":"ok","ns_new":[],"exit_signal":17})")});
  auto report = diff_records(a, b);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_EQ(report->changes.size(), 1u);
  const CaseChange& c = report->changes[0];
  EXPECT_TRUE(c.expected);
  EXPECT_EQ(c.rule_a, "clone3.unknown_flags");
  ASSERT_EQ(c.causes.size(), 1u);
  EXPECT_EQ(c.causes[0].id, "CLONE_CLEAR_SIGHAND");
  EXPECT_NE(c.causes[0].text.find("holds on 5.10.0, not on 5.4.0: b612e5df4587"), std::string::npos)
      << c.causes[0].text;
}

TEST(RecordDiff, AChangeTheModelDoesNotPredictIsUnexpected) {
  // The same kernel on both sides, and the child stopped sharing the mm.
  const RecordSet a = set("a", {clone3_record("vm", "CLONE_VM", 17, k612, R"({"result":"ok","share":{"vm":true}})")});
  const RecordSet b = set("b", {clone3_record("vm", "CLONE_VM", 17, k612, R"({"result":"ok","share":{"vm":false}})")});
  auto report = diff_records(a, b);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->changes.size(), 1u);
  const CaseChange& c = report->changes[0];
  EXPECT_FALSE(c.expected);
  EXPECT_TRUE(c.predicted.empty());
  EXPECT_NE(c.note.find("predicts no change"), std::string::npos) << c.note;
  EXPECT_EQ(c.explain_b, "CLONE_VM --entry clone3 --exit-signal 17 --context root --kernel '6.12.111+deb12-cloud-amd64'");
  const std::string text = diff_text(*report, a, b);
  EXPECT_NE(text.find("1 differ: 0 expected, 1 unexpected"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL: 1 unexpected changes"), std::string::npos) << text;
}

TEST(RecordDiff, AChangeThatDidNotHappenIsUnexpected) {
  // 6.12's records claim the 6.1 behaviour: predicted to change, observed alike.
  const RecordSet a = set("a", {clone3_record("t", kThreadFlags, 0, k61, R"({"result":"EINVAL"})")});
  const RecordSet b = set("b", {clone3_record("t", kThreadFlags, 0, k612, R"({"result":"EINVAL"})")});
  auto report = diff_records(a, b);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->changes.size(), 1u);
  EXPECT_FALSE(report->changes[0].expected);
  EXPECT_TRUE(report->changes[0].observed.empty());
  EXPECT_NE(report->changes[0].note.find("not observed"), std::string::npos);
}

TEST(RecordDiff, AnotherChangeThanPredictedIsUnexpected) {
  // Predicted EINVAL -> ok; observed EINVAL -> EPERM.
  const RecordSet a = set("a", {clone3_record("t", kThreadFlags, 0, k61, R"({"result":"EINVAL"})")});
  const RecordSet b = set("b", {clone3_record("t", kThreadFlags, 0, k612, R"({"result":"EPERM"})")});
  auto report = diff_records(a, b);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->changes.size(), 1u);
  EXPECT_FALSE(report->changes[0].expected);
  EXPECT_NE(report->changes[0].note.find("B does not match its profile"), std::string::npos) << report->changes[0].note;
}

TEST(RecordDiff, KernelsCanBeGivenInsteadOfRecorded) {
  // Both records say 6.12; judged as 6.1 and 6.12 the change is expected.
  const RecordSet a = set("a", {clone3_record("t", kThreadFlags, 0, k612, R"({"result":"EINVAL"})")});
  const RecordSet b = set("b", {clone3_record("t", kThreadFlags, 0, k612, kThreadChild)});
  auto as_recorded = diff_records(a, b);
  ASSERT_TRUE(as_recorded.ok());
  EXPECT_EQ(as_recorded->unexpected(), 1u);
  DiffOptions o;
  o.kernel_a = *model::parse_kernel_spec("6.1");
  auto as_given = diff_records(a, b, o);
  ASSERT_TRUE(as_given.ok());
  EXPECT_EQ(as_given->expected(), 1u);
  EXPECT_EQ(as_given->unexpected(), 0u);
}

TEST(RecordDiff, CasesOnOneSideOrWithoutObservationsAreListedNotCompared) {
  const RecordSet a = set("a", {clone3_record("both", "0", 17, k61, R"({"result":"ok"})"),
                                clone3_record("only-a", "0", 17, k61, R"({"result":"ok"})"),
                                record(R"({"id":"skipped","entry":"clone3","flags":"0","verdict":"skip"})")});
  const RecordSet b = set("b", {clone3_record("both", "0", 17, k612, R"({"result":"ok"})"),
                                clone3_record("skipped", "0", 17, k612, R"({"result":"ok"})"),
                                clone3_record("only-b", "0", 17, k612, R"({"result":"ok"})")});
  auto report = diff_records(a, b);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->compared, 1u);
  EXPECT_TRUE(report->changes.empty());
  EXPECT_EQ(report->only_a, std::vector<std::string>{"only-a"});
  EXPECT_EQ(report->only_b, std::vector<std::string>{"only-b"});
  ASSERT_EQ(report->not_compared.size(), 1u);
  EXPECT_EQ(report->not_compared[0], "skipped: a has no observation (skip)");
}

TEST(RecordDiff, BadRecordsAreErrorsNamingThem) {
  const RecordSet dup = set("d", {clone3_record("x", "0", 17, k61, R"({"result":"ok"})"),
                                  clone3_record("x", "0", 17, k61, R"({"result":"ok"})")});
  EXPECT_EQ(diff_records(dup, dup).error().message, "d: id 'x' appears twice");
  const RecordSet bad = set("bad", {clone3_record("x", "CLONE_NOPE", 17, k61, R"({"result":"ok"})")});
  const RecordSet good = set("good", {clone3_record("x", "0", 17, k61, R"({"result":"ok"})")});
  auto r = diff_records(bad, good);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("bad: x: ", 0), 0u) << r.error().message;
}

}  // namespace
}  // namespace clonediff::harness
