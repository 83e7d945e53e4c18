#include "harness/records/record.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include "harness/records/judge.hpp"
#include "harness/version.hpp"
#include "model/flags.hpp"

namespace clonediff::harness {
namespace {

using model::Fact;

model::Outcome recorded_child() {
  model::Outcome o;
  o.error = 0;
  o.share.fill(Fact::no);
  o[model::Resource::vm] = Fact::yes;
  o[model::Resource::io] = Fact::unknown;
  o[model::Resource::files] = Fact::conflict;
  o.ns_new.fill(Fact::no);
  o[model::Ns::pid] = Fact::yes;
  o[model::Ns::time] = Fact::unknown;
  o.same_tgid = Fact::no;
  o.ppid_is_caller = Fact::yes;
  o.exit_signal = -1;
  return o;
}

TEST(Record, OutcomesRoundTripThroughJson) {
  const model::Outcome o = recorded_child();
  const json::Value j = outcome_to_json(o);
  EXPECT_EQ(json::dump(j),
            R"({"result":"ok","share":{"vm":true,"files":"conflict","fs":false,"sighand":false,"io":"unknown",)"
            R"("sysvsem":false},"ns_new":["pid"],"ns_unknown":["time"],"same_tgid":false,"ppid_is_caller":true,)"
            R"("exit_signal":-1})");
  auto back = outcome_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, o);

  model::Outcome refused;
  refused.error = E2BIG;
  EXPECT_EQ(json::dump(outcome_to_json(refused)), R"({"result":"E2BIG"})");
  EXPECT_EQ(outcome_from_json(outcome_to_json(refused))->error, E2BIG);
}

TEST(Record, ObservationsFromElsewhereMayOmitWhatTheyCouldNotSee) {
  auto o = outcome_from_json(*json::parse(R"({"result":"ok","share":{"vm":true}})"));
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ((*o)[model::Resource::vm], Fact::yes);
  EXPECT_EQ((*o)[model::Resource::files], Fact::unknown);
  EXPECT_EQ((*o)[model::Ns::mnt], Fact::unknown);  // no ns_new list at all
  EXPECT_EQ(o->same_tgid, Fact::unknown);
  EXPECT_FALSE(o->exit_signal.has_value());
  auto listed = outcome_from_json(*json::parse(R"({"result":"ok","ns_new":["net"]})"));
  EXPECT_EQ((*listed)[model::Ns::net], Fact::yes);
  EXPECT_EQ((*listed)[model::Ns::mnt], Fact::no);  // a list was given
}

TEST(Record, BadObservationsNameTheField) {
  const auto error_of = [](const char* text) {
    auto o = outcome_from_json(*json::parse(text));
    return o.ok() ? std::string("(parsed)") : o.error().message;
  };
  EXPECT_NE(error_of(R"({"share":{}})").find("\"result\""), std::string::npos);
  EXPECT_NE(error_of(R"({"result":"EWHAT"})").find("EWHAT"), std::string::npos);
  EXPECT_NE(error_of(R"({"result":"ok","share":{"mm":true}})").find("'mm'"), std::string::npos);
  EXPECT_NE(error_of(R"({"result":"ok","share":{"vm":"yes"}})").find("share.vm"), std::string::npos);
  EXPECT_NE(error_of(R"({"result":"ok","ns_new":["nope"]})").find("'nope'"), std::string::npos);
  EXPECT_NE(error_of(R"({"result":"ok","exit_signal":"SIGCHLD"})").find("exit_signal"), std::string::npos);
}

TEST(Record, ContextsArePresetsOrObjectsOfFacts) {
  auto root = caller_from_json("root");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->cap_sys_admin);
  auto obj = caller_from_json(*json::parse(R"({"preset":"unpriv","leader_exit_signal":0,"chrooted":true})"));
  ASSERT_TRUE(obj.ok()) << obj.error().message;
  EXPECT_FALSE(obj->cap_sys_admin);
  EXPECT_EQ(obj->leader_exit_signal, 0);
  EXPECT_TRUE(obj->chrooted);
  auto defaulted = caller_from_json(*json::parse(R"({"pidns_init":true})"));
  ASSERT_TRUE(defaulted.ok());
  EXPECT_EQ(defaulted->preset, "root");
  EXPECT_TRUE(defaulted->pidns_init);
  EXPECT_FALSE(caller_from_json(*json::parse(R"({"preset":"martian"})")).ok());
  EXPECT_FALSE(caller_from_json(*json::parse(R"({"uid":"zero"})")).ok());
  EXPECT_FALSE(caller_from_json(json::Value(3)).ok());
}

TEST(Record, RequestsRoundTripAndAreValidated) {
  json::Value j = json::Value::object();
  const model::Request r{model::Entry::clone, model::flag::VM | (1ULL << 40), 255};
  request_to_json(r, j);
  EXPECT_EQ(json::dump(j), R"({"entry":"clone","flags":"CLONE_VM|0x10000000000","exit_signal":255})");
  auto back = request_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, r);
  auto named = request_from_json(*json::parse(R"({"entry":"clone","flags":"0x3d0f00","exit_signal":"SIGCHLD"})"));
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->flags, 0x3d0f00u);
  EXPECT_EQ(named->exit_signal, 17u);
  EXPECT_FALSE(request_from_json(*json::parse(R"({"flags":"0"})")).ok());
  EXPECT_FALSE(request_from_json(*json::parse(R"({"entry":"clone","flags":"CLONE_NEWTIME"})")).ok());
  EXPECT_FALSE(request_from_json(*json::parse(R"({"entry":"clone","exit_signal":-3})")).ok());
  auto fork = request_from_json(*json::parse(R"({"entry":"fork"})"));
  ASSERT_TRUE(fork.ok());
  EXPECT_EQ(fork->exit_signal, model::kSigchld);
}

TEST(Record, Clone3PointersAndStackSizeReplay) {
  model::Request r{model::Entry::clone3, model::flag::PIDFD, 0xbadc0ded00000000ULL};
  r.clone3.stack_size = 4;
  r.clone3.args = model::ArgsArg::at_guard;
  r.clone3.pidfd_at = model::PointerArg::unmapped;
  r.clone3.parent_tid_at = model::PointerArg::unmapped;
  r.clone3.child_tid_at = model::PointerArg::unmapped;
  r.clone3.set_tid_at = model::PointerArg::unmapped;
  r.clone3.set_tid_size = 1;
  json::Value j = json::Value::object();
  request_to_json(r, j);
  auto back = request_from_json(*json::parse(json::dump(j)));
  ASSERT_TRUE(back.ok()) << back.error().message << " in " << json::dump(j);
  EXPECT_EQ(*back, r) << json::dump(j);
  // Legacy clone's two pointers, at the top level as its stack and tls are.
  model::Request legacy{model::Entry::clone, model::flag::PIDFD | model::flag::CHILD_SETTID, model::kSigchld};
  legacy.clone3.parent_tid_at = model::PointerArg::unmapped;
  legacy.clone3.child_tid_at = model::PointerArg::unmapped;
  json::Value l = json::Value::object();
  request_to_json(legacy, l);
  EXPECT_EQ(json::dump(l), R"({"entry":"clone","flags":"CLONE_PIDFD|CLONE_CHILD_SETTID","exit_signal":17,)"
                           R"("parent_tid":"unmapped","child_tid":"unmapped"})");
  auto legacy_back = request_from_json(*json::parse(json::dump(l)));
  ASSERT_TRUE(legacy_back.ok()) << legacy_back.error().message;
  EXPECT_EQ(*legacy_back, legacy);
  EXPECT_FALSE(request_from_json(*json::parse(R"({"entry":"fork","child_tid":"unmapped"})")).ok());
  // glibc's clone() with its NULLs, and a reaped set_tid entry.
  model::Request glibc{model::Entry::glibc_clone, model::flag::VM, 0};
  glibc.fn = model::FnArg::null;
  glibc.stack = model::StackArg::none;
  json::Value g = json::Value::object();
  request_to_json(glibc, g);
  EXPECT_EQ(json::dump(g), R"({"entry":"glibc_clone","flags":"CLONE_VM","exit_signal":0,"stack":"none","fn":"null"})");
  auto glibc_back = request_from_json(*json::parse(json::dump(g)));
  ASSERT_TRUE(glibc_back.ok()) << glibc_back.error().message;
  EXPECT_EQ(*glibc_back, glibc);
  model::Request reaped{model::Entry::clone3, 0, model::kSigchld};
  reaped.clone3.set_tid = std::vector<model::TidSpec>{{model::TidSpec::Kind::reaped, 0}};
  reaped.clone3.set_tid_size = 1;  // records write it out
  json::Value t = json::Value::object();
  request_to_json(reaped, t);
  EXPECT_NE(json::dump(t).find(R"("set_tid":["reaped"])"), std::string::npos) << json::dump(t);
  auto reaped_back = request_from_json(*json::parse(json::dump(t)));
  ASSERT_TRUE(reaped_back.ok()) << reaped_back.error().message;
  EXPECT_EQ(*reaped_back, reaped);
  // A record without the new keys means what it meant before.
  model::Request plain{model::Entry::clone3, 0, model::kSigchld};
  json::Value p = json::Value::object();
  request_to_json(plain, p);
  EXPECT_EQ(json::dump(p).find("stack_size"), std::string::npos);
  EXPECT_EQ(json::dump(p).find("unmapped"), std::string::npos);
}

TEST(Record, AfterScenariosReplayAndOldRecordsHaveNone) {
  model::Request r{model::Entry::clone, model::flag::PIDFD, model::kSigchld};
  r.after = model::AfterArg::stop;
  json::Value j = json::Value::object();
  request_to_json(r, j);
  EXPECT_NE(json::dump(j).find("\"after\":\"stop\""), std::string::npos) << json::dump(j);
  auto back = request_from_json(*json::parse(json::dump(j)));
  ASSERT_TRUE(back.ok()) << back.error().message << " in " << json::dump(j);
  EXPECT_EQ(*back, r);
  model::Request plain{model::Entry::clone3, model::flag::PIDFD, model::kSigchld};
  json::Value p = json::Value::object();
  request_to_json(plain, p);
  EXPECT_EQ(json::dump(p).find("after"), std::string::npos);
  auto unmakeable = request_from_json(*json::parse(R"({"entry":"clone3","flags":"0","after":"poll"})"));
  EXPECT_FALSE(unmakeable.ok());
}

TEST(Record, Clone3RequestsReplayExactly) {
  model::Request r{model::Entry::clone3, model::flag::INTO_CGROUP, 0};
  r.stack = model::StackArg::none;
  r.tls = model::TlsArg::harness;
  r.clone3.size = 96;
  r.clone3.tail = model::TailArg::nonzero;
  r.clone3.set_tid = std::vector<model::TidSpec>{{model::TidSpec::Kind::number, 1}, {model::TidSpec::Kind::free, 0}};
  r.clone3.set_tid_size = 1;
  r.clone3.cgroup = model::CgroupArg::harness;
  r.clone3.pidfd_is_parent_tid = true;
  json::Value j = json::Value::object();
  request_to_json(r, j);
  EXPECT_EQ(json::dump(j),
            R"({"entry":"clone3","flags":"CLONE_INTO_CGROUP","exit_signal":0,"clone3":{"size":96,"stack":"none",)"
            R"("tls":"harness","set_tid":[1,"free"],"set_tid_size":1,"cgroup":"harness","tail":"nonzero",)"
            R"("pidfd":"parent_tid"}})");
  auto back = request_from_json(*json::parse(json::dump(j)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  // set_tid_size is written out; reading gives it back explicitly.
  EXPECT_EQ(*back, r);
  // A NULL set_tid with a size, as DESIGN.md's record carries it.
  auto null_tid = request_from_json(*json::parse(R"({"entry":"clone3","flags":"0","exit_signal":17,)"
                                                  R"("clone3":{"size":88,"set_tid":null,"set_tid_size":1}})"));
  ASSERT_TRUE(null_tid.ok()) << null_tid.error().message;
  EXPECT_FALSE(null_tid->clone3.set_tid.has_value());
  EXPECT_EQ(null_tid->clone3.set_tid_size, 1u);
  EXPECT_FALSE(request_from_json(*json::parse(R"({"entry":"clone3","clone3":{"stack":"floating"}})")).ok());
  EXPECT_FALSE(request_from_json(*json::parse(R"({"entry":"clone","clone3":{"size":64}})")).ok());
}

TEST(Record, ContextsCarryTheLiveFactsWhereTheyDifferFromThePreset) {
  model::Caller live = *model::caller_preset("root");
  EXPECT_EQ(json::dump(context_to_json("root", live)), R"("root")");
  live.cap_sys_resource = false;  // a machine whose root lacks it
  live.leader_exit_signal = 0;
  const json::Value j = context_to_json("root", live);
  EXPECT_EQ(json::dump(j), R"({"preset":"root","cap_sys_resource":false,"leader_exit_signal":0})");
  auto back = caller_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  live.preset = "root";
  EXPECT_EQ(*back, live);
}

// A record names the profile it was judged against and, in fields of its
// own, where that stands against the model's range.
TEST(Record, SaysWhereItsProfileStandsAgainstTheModelledRange) {
  CaseResult r;
  r.spec.id = "x";
  r.spec.context = "root";
  r.verdict = Verdict::skip;
  const model::Kernel inside = *model::parse_kernel_spec("6.12.111+deb12-cloud-amd64,pid_max=32768");
  json::Value j = record_to_json(r, inside);
  EXPECT_EQ(json::str(*json::find(j, "kernel_profile")), "6.12.111+deb12-cloud-amd64,pid_max=32768");
  EXPECT_EQ(json::str(*json::find(j, "modelled_range")), model::modelled_range_text());
  EXPECT_EQ(json::str(*json::find(j, "kernel_profile_in_range")), "inside");
  const model::KernelVersion newest = model::modelled_range().newest;
  j = record_to_json(r, *model::parse_kernel_spec(std::to_string(newest.major + 1) + ".1"));
  EXPECT_EQ(json::str(*json::find(j, "kernel_profile_in_range")), "newer");
  // An older profile is refused where one is read (parse_kernel_spec); one
  // made otherwise still says where it stands.
  EXPECT_FALSE(model::parse_kernel_spec("4.4.0").ok());
  j = record_to_json(r, model::kernel_at({4, 4, 0}));
  EXPECT_EQ(json::str(*json::find(j, "kernel_profile_in_range")), "older");
}

// Which clonediff wrote a record: version and commit, right after "target".
TEST(Record, NamesTheClonediffThatWroteIt) {
  CaseResult r;
  r.spec.id = "x";
  r.spec.context = "root";
  r.verdict = Verdict::skip;
  const std::string text = json::dump(record_to_json(r, *model::parse_kernel_spec("6.12")));
  EXPECT_NE(text.find(R"("target":"host","clonediff_version":")" + std::string(version()) +
                      R"(","clonediff_commit":")" + std::string(commit()) + R"(","verdict":"skip")"),
            std::string::npos)
      << text;
}

TEST(Record, DiffsKeepTheirTypes) {
  const std::vector<DiffEntry> diff = {{"share.vm", "true", "conflict"}, {"result", "EINVAL", "ok"}, {"exit_signal", "17", "-1"}};
  EXPECT_EQ(json::dump(diff_to_json(diff)),
            R"([{"field":"share.vm","predicted":true,"observed":"conflict"},)"
            R"({"field":"result","predicted":"EINVAL","observed":"ok"},)"
            R"({"field":"exit_signal","predicted":17,"observed":-1}])");
}

}  // namespace
}  // namespace clonediff::harness

namespace clonediff::harness {
namespace {

// A record of glibc's clone() carries the clone call glibc made; `check`
// predicts that call as the wrapper's, as the Runner did when it ran it
// (request_to_predict()): its child exits with fn's return value, so an
// observation that says otherwise is a mismatch, not an unknown.
TEST(Judge, GlibcCloneRecordsArePredictedAsTheWrapper) {
  auto record = json::parse(
      R"json({"id":"x","entry":"glibc_clone","flags":"0","exit_signal":17,"context":"root",)json"
      R"json("observed":{"result":"ok","exit_status_from_fn":false,)json"
      R"json("route":{"entry":"clone","flags":"0","exit_signal":17,"text":"clone(exit SIGCHLD, own stack)"}}})json");
  ASSERT_TRUE(record);
  auto judged = judge_record(*record, *model::parse_kernel_spec("6.12.111,pid_max=32768"));
  ASSERT_TRUE(judged) << judged.error().message;
  EXPECT_EQ(judged->verdict, Verdict::mismatch);
  EXPECT_EQ(judged->diff, (std::vector<DiffEntry>{{"exit_status_from_fn", "true", "false"}}));
  // Any other entry's recorded route is predicted as it was made.
  const Route made{model::Request{model::Entry::clone, 0, 17}, "clone(...)"};
  EXPECT_EQ(request_to_predict(model::Request{model::Entry::fork, 0, 17}, made).entry, model::Entry::clone);
  EXPECT_EQ(request_to_predict(model::Request{model::Entry::glibc_clone, 0, 17}, made).entry, model::Entry::glibc_clone);
  EXPECT_EQ(request_to_predict(model::Request{model::Entry::glibc_clone, 0, 17}, std::nullopt).entry,
            model::Entry::glibc_clone);
}

}  // namespace
}  // namespace clonediff::harness
