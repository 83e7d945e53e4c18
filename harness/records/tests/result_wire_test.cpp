#include "harness/records/result_wire.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "model/flags.hpp"

namespace clonediff::harness {
namespace {

using model::Fact;

model::Kernel profile() { return *model::parse_kernel_spec("6.12.111+deb12-cloud-amd64,pid_max=4194304"); }

// A result with every field away from its default.
CaseResult rich_result() {
  CaseResult r;
  r.spec.id = "library/posix-spawn";
  r.verdict = Verdict::mismatch;
  r.reason = "a reason";
  model::Caller caller = *model::caller_preset("unpriv");
  caller.userns_level = 3;
  caller.signals_blocked = 0x8000000000000001ull;
  r.caller_facts = caller;
  LiveCall l;
  l.status = LiveCall::Status::completed;
  l.note = "what could not be seen";
  l.observed.error = 0;
  l.observed[model::Resource::vm] = Fact::yes;
  l.observed[model::Resource::io] = Fact::no;
  l.observed[model::Ns::time] = Fact::yes;
  l.observed.same_tgid = Fact::no;
  l.observed.ppid_is_caller = Fact::yes;
  l.observed.exit_signal = -1;
  l.observed[model::Trait::pidfd] = Fact::yes;
  l.observed.parent_signal = 17;
  l.witnesses.kcmp[0] = Fact::yes;
  l.witnesses.behaviour[5] = Fact::no;
  l.witnesses.kcmp_note = "kcmp: Function not implemented";
  l.returned = -123456789012;
  l.signals = 0xffffffffffffffffull;
  model::Request made{model::Entry::clone, model::flag::VFORK | model::flag::VM, 17};
  made.stack = model::StackArg::none;
  l.route = Route{made, "clone(CLONE_VM|CLONE_VFORK, exit SIGCHLD)"};
  l.other_calls = {"wait4", "system call 999"};
  l.elapsed = std::chrono::nanoseconds(123456789);
  r.live = l;
  return r;
}

std::string stream_of(const std::vector<CaseResult>& results) {
  std::string s;
  append_results_header(s, "6.12.111+deb12-cloud-amd64", profile());
  for (const CaseResult& r : results) append_result_frame(s, r);
  append_results_end(s, results.size());
  return s;
}

TEST(ResultWire, ResultsRoundTripWhole) {
  CaseResult refused;
  refused.spec.id = "sweep/0";
  refused.verdict = Verdict::match;
  refused.live = LiveCall{};
  refused.live->status = LiveCall::Status::completed;
  refused.live->observed.error = EINVAL;
  CaseResult skipped;
  skipped.spec.id = "pidns_depth/contexts/fork";
  skipped.verdict = Verdict::skip;
  skipped.reason = "context 'pidns_depth' cannot be built here";

  const CaseResult rich = rich_result();
  const ResultStream s = read_result_stream(stream_of({rich, refused, skipped}));
  ASSERT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_TRUE(s.ended);
  EXPECT_EQ(s.release, "6.12.111+deb12-cloud-amd64");
  ASSERT_TRUE(s.profile);
  EXPECT_EQ(model::kernel_spec(*s.profile), model::kernel_spec(profile()));
  ASSERT_EQ(s.results.size(), 3u);

  const CaseResult& back = s.results[0];
  EXPECT_EQ(back.spec.id, rich.spec.id);
  EXPECT_EQ(back.verdict, rich.verdict);
  EXPECT_EQ(back.reason, rich.reason);
  ASSERT_TRUE(back.caller_facts);
  EXPECT_EQ(*back.caller_facts, *rich.caller_facts);
  ASSERT_TRUE(back.live);
  EXPECT_EQ(back.live->status, rich.live->status);
  EXPECT_EQ(back.live->note, rich.live->note);
  EXPECT_EQ(back.live->observed, rich.live->observed);
  EXPECT_EQ(back.live->witnesses.kcmp, rich.live->witnesses.kcmp);
  EXPECT_EQ(back.live->witnesses.behaviour, rich.live->witnesses.behaviour);
  EXPECT_EQ(back.live->witnesses.kcmp_note, rich.live->witnesses.kcmp_note);
  EXPECT_EQ(back.live->returned, rich.live->returned);
  EXPECT_EQ(back.live->signals, rich.live->signals);
  ASSERT_TRUE(back.live->route);
  EXPECT_EQ(back.live->route->request, rich.live->route->request);
  EXPECT_EQ(back.live->route->text, rich.live->route->text);
  EXPECT_EQ(back.live->other_calls, rich.live->other_calls);
  EXPECT_EQ(back.live->elapsed, rich.live->elapsed);
  // Not sent: the host predicts and compares again.
  EXPECT_FALSE(back.predicted);

  EXPECT_EQ(s.results[1].live->observed.error, EINVAL);
  EXPECT_FALSE(s.results[1].caller_facts);
  EXPECT_FALSE(s.results[2].live);
  EXPECT_EQ(s.results[2].reason, skipped.reason);
}

TEST(ResultWire, ACutStreamKeepsWhatCameWholeAndSaysSo) {
  const std::string whole = stream_of({rich_result(), rich_result()});
  std::string one;
  append_results_header(one, "6.12.111+deb12-cloud-amd64", profile());
  append_result_frame(one, rich_result());

  // Cut between frames: the first result, and no end.
  ResultStream s = read_result_stream(one);
  EXPECT_EQ(s.results.size(), 1u);
  EXPECT_FALSE(s.ended);
  EXPECT_EQ(s.problem, "the results stream ends after 1 cases, without its end frame");
  // Cut inside the second frame: the first result only.
  s = read_result_stream(std::string_view(whole).substr(0, one.size() + 20));
  EXPECT_EQ(s.results.size(), 1u);
  EXPECT_FALSE(s.ended);
  EXPECT_TRUE(s.problem.starts_with("the results stream is corrupt: a string longer than what is left at byte "))
      << s.problem;
  s = read_result_stream(std::string_view(whole).substr(0, whole.size() - 3));
  EXPECT_EQ(s.results.size(), 1u);
  EXPECT_NE(s.problem.find("the stream ends inside a frame"), std::string::npos) << s.problem;

  EXPECT_EQ(read_result_stream("").problem, "no results came back");
  EXPECT_NE(read_result_stream("{\"id\":\"a\"}\n").problem.find("format 1"), std::string::npos);
}

TEST(ResultWire, CorruptValuesAreRefused) {
  std::string s;
  append_results_header(s, "r", profile());
  const std::size_t frame = s.size();
  CaseResult r;
  r.spec.id = "a";
  r.verdict = Verdict::match;
  append_result_frame(s, r);
  append_results_end(s, 1);
  ASSERT_TRUE(read_result_stream(s).problem.empty());

  std::string bad_verdict = s;
  bad_verdict[frame + 3] = 6;  // tag, id length, 'a', verdict
  EXPECT_NE(read_result_stream(bad_verdict).problem.find("a verdict out of range (6)"), std::string::npos)
      << read_result_stream(bad_verdict).problem;

  std::string bad_count = s;
  bad_count.back() = 2;
  EXPECT_NE(read_result_stream(bad_count).problem.find("the end frame counts 2 cases, and 1 came"), std::string::npos);

  EXPECT_NE(read_result_stream(s + "x").problem.find("bytes follow the end frame"), std::string::npos);

  std::string bad_tag = s;
  bad_tag[frame] = 'Q';
  EXPECT_NE(read_result_stream(bad_tag).problem.find("a frame of unknown kind"), std::string::npos);

  // A fact that is none of no, yes and unknown.
  CaseResult live = rich_result();
  live.live->observed[model::Trait::pidfd] = static_cast<Fact>(3);
  std::string three;
  append_results_header(three, "r", profile());
  append_result_frame(three, live);
  append_results_end(three, 1);
  EXPECT_NE(read_result_stream(three).problem.find("a fact out of range (3)"), std::string::npos)
      << read_result_stream(three).problem;
}

TEST(ResultWire, CallerFactsOutOfTheirRangeAreRefused) {
  CaseResult r = rich_result();
  r.caller_facts->pidns_level = -5;
  const std::string s = stream_of({r});
  EXPECT_NE(read_result_stream(s).problem.find("caller fact"), std::string::npos) << read_result_stream(s).problem;
}

}  // namespace
}  // namespace clonediff::harness
