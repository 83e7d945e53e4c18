// The parts of targets that need no outer process: target names, the
// initramfs image, the bzImage header, static ELF detection, records coming
// back and being judged, baselines and the per-target verdict.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "harness/targets/baseline.hpp"
#include "harness/targets/bzimage.hpp"
#include "harness/targets/initramfs.hpp"
#include "harness/targets/record_stream.hpp"
#include "harness/targets/static_elf.hpp"
#include "harness/targets/target.hpp"
#include "harness/targets/target_report.hpp"
#include "harness/targets/target_results.hpp"
#include "harness/targets/target_run.hpp"
#include "model/flags.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::targets {
namespace {

using harness::CaseResult;
using harness::CatalogueCase;
using harness::Verdict;

using sys::read_text_or_empty;

TEST(Target, SpecsAndNames) {
  EXPECT_EQ(parse_target("host")->kind, TargetKind::host);
  EXPECT_EQ(parse_target("gvisor")->kind, TargetKind::gvisor);
  EXPECT_EQ(parse_target("qemu-user")->kind, TargetKind::qemu_user);
  auto k = parse_target("kernel:/no/such/vmlinuz-6.1.0-50-cloud-amd64");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->kind, TargetKind::kernel);
  EXPECT_EQ(k->vmlinuz, "/no/such/vmlinuz-6.1.0-50-cloud-amd64");
  // An image that cannot be read is named by its file.
  EXPECT_EQ(target_name(*k), "kernel:vmlinuz-6.1.0-50-cloud-amd64");
  EXPECT_FALSE(parse_target("kernel:").ok());
  EXPECT_EQ(parse_target("qemu").error().message,
            "unknown target 'qemu' (targets: host, kernel:VMLINUZ, gvisor, qemu-user)");
  EXPECT_TRUE(is_emulator(TargetKind::gvisor));
  EXPECT_TRUE(is_emulator(TargetKind::qemu_user));
  EXPECT_FALSE(is_emulator(TargetKind::kernel));
  EXPECT_FALSE(is_emulator(TargetKind::host));
}

// A setup header as the x86 boot protocol lays it out.
std::string fake_bzimage(const std::string& version_text, unsigned protocol = 0x20f) {
  std::string image(0x4000, '\0');
  image.replace(0x202, 4, "HdrS");
  image[0x206] = static_cast<char>(protocol & 0xff);
  image[0x207] = static_cast<char>(protocol >> 8);
  const unsigned at = 0x3000;
  image[0x20e] = static_cast<char>((at - 0x200) & 0xff);
  image[0x20f] = static_cast<char>((at - 0x200) >> 8);
  image.replace(at, version_text.size(), version_text);
  return image;
}

TEST(BzImage, TheReleaseIsTheVersionStringUpToItsFirstSpace) {
  auto r = bzimage_release(fake_bzimage("6.1.0-50-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "6.1.0-50-cloud-amd64");
  EXPECT_FALSE(bzimage_release(std::string(0x4000, '\0')).ok());                    // no HdrS
  EXPECT_FALSE(bzimage_release(fake_bzimage("6.1.0 x", 0x1ff)).ok());               // protocol < 2.00
  EXPECT_FALSE(bzimage_release(fake_bzimage(std::string("\x01\x02", 2) + " x")).ok());  // not text
  EXPECT_FALSE(bzimage_release("short").ok());
}

TEST(StaticElf, TheStaticBuildIsStaticAndThisTestIsNot) {
  EXPECT_FALSE(is_static_elf64(read_text_or_empty("/proc/self/exe")));
  EXPECT_FALSE(is_static_elf64("#!/bin/sh\n"));
#ifndef CLONEDIFF_STATIC_BINARY
  GTEST_SKIP() << "clonediff-static is not built here (CLONEDIFF_STATIC off, or no libseccomp.a)";
#else
  EXPECT_TRUE(is_static_elf64(read_text_or_empty(CLONEDIFF_STATIC_BINARY)));
  EXPECT_FALSE(is_static_elf64(read_text_or_empty(CLONEDIFF_STATIC_BINARY).substr(0, 100)));  // phdrs cut off
#endif
}

// One newc header field: index 0 is ino ... 12 is check (8 hex digits each).
unsigned field(const std::string& a, std::size_t entry_at, int index) {
  return static_cast<unsigned>(std::stoul(a.substr(entry_at + 6 + 8 * static_cast<std::size_t>(index), 8), nullptr, 16));
}

TEST(Initramfs, NewcEntriesArePaddedAndTheArchiveEndsWithTheTrailer) {
  Initramfs fs;
  fs.directory("bin");
  fs.file("bin/xy", "hello", 0755);
  fs.symlink("init", "bin/xy");
  fs.char_device("dev/console", 5, 1);
  const std::string a = fs.archive();
  EXPECT_EQ(a.size() % 4, 0u);
  // The first entry: "070701", a directory "bin" (namesize 4), no data.
  ASSERT_EQ(a.substr(0, 6), "070701");
  EXPECT_EQ(field(a, 0, 1), static_cast<unsigned>(S_IFDIR | 0755));
  EXPECT_EQ(field(a, 0, 6), 0u);
  EXPECT_EQ(field(a, 0, 11), 4u);
  EXPECT_EQ(a.substr(110, 4), std::string("bin\0", 4));
  // 110 + 4 = 114, padded to 116: the file's header.
  const std::size_t file = 116;
  ASSERT_EQ(a.substr(file, 6), "070701");
  EXPECT_EQ(field(a, file, 1), static_cast<unsigned>(S_IFREG | 0755));
  EXPECT_EQ(field(a, file, 6), 5u);  // filesize
  EXPECT_EQ(field(a, file, 11), 7u);
  EXPECT_EQ(a.substr(file + 110, 7), std::string("bin/xy\0", 7));
  EXPECT_EQ(a.substr(file + 117, 3), std::string(3, '\0'));
  EXPECT_EQ(a.substr(file + 120, 5), "hello");  // 110 + 7 = 117, padded to 120
  EXPECT_NE(a.find(std::string("init\0", 5)), std::string::npos);
  const std::size_t dev = a.find(std::string("dev/console\0", 12)) - 110;
  EXPECT_EQ(field(a, dev, 1), static_cast<unsigned>(S_IFCHR | 0600));
  EXPECT_EQ(field(a, dev, 9), 5u);   // rdevmajor
  EXPECT_EQ(field(a, dev, 10), 1u);  // rdevminor
  EXPECT_NE(a.find(std::string("TRAILER!!!\0", 11)), std::string::npos);
  EXPECT_EQ(a.rfind("070701"), a.find(std::string("TRAILER!!!\0", 11)) - 110);
}

TEST(TargetRun, RecordsComeBackWithoutCarriageReturnsAndBadLinesAreCounted) {
  TargetRun run;
  take_records("{\"id\":\"a\"}\r\n\r\n{\"id\":\"b\"}\nnoise\n[1]\n", run);
  ASSERT_EQ(run.records.size(), 2u);
  EXPECT_EQ(json::str(*json::find(run.records[1], "id")), "b");
  EXPECT_EQ(run.bad_lines, 2u);
  EXPECT_EQ(log_tail("a\nb\nc\nd\n\n", 2), "c\nd");
  EXPECT_EQ(log_tail("one", 5), "one");
}

// The guest's init deflates the run's records; the host inflates them. A
// stream cut after a flush still gives every record before the flush; one
// cut anywhere, or corrupt, says so.
TEST(RecordStream, RecordsInflateAsFarAsTheStreamGoes) {
  std::string records;
  for (int i = 0; i < 2000; ++i) records += "{\"id\":\"sweep/case-" + std::to_string(i) + "\",\"verdict\":\"match\"}\n";
  RecordDeflater d;
  ASSERT_TRUE(d.ok());
  std::string wire;
  d.add(records, wire);
  d.flush(wire);
  const std::size_t flushed = wire.size();
  d.add("{\"id\":\"after-the-flush\"}\n", wire);
  d.finish(wire);
  EXPECT_LT(wire.size(), records.size() / 10);

  const InflatedRecords whole = inflate_records(wire);
  EXPECT_EQ(whole.problem, "");
  EXPECT_TRUE(whole.text == records + "{\"id\":\"after-the-flush\"}\n");

  const InflatedRecords cut = inflate_records(std::string_view(wire).substr(0, flushed));
  EXPECT_EQ(cut.problem, "the records' stream ends early");
  EXPECT_EQ(cut.text.size(), records.size());
  EXPECT_TRUE(cut.text == records);
  TargetRun run;
  take_records(cut.text, run);
  EXPECT_EQ(run.records.size(), 2000u);
  EXPECT_EQ(run.bad_lines, 0u);

  EXPECT_EQ(inflate_records("").problem, "no records came over the port");
  std::string corrupt = wire;
  corrupt[flushed / 2] = static_cast<char>(corrupt[flushed / 2] ^ 0x55);
  EXPECT_NE(inflate_records(corrupt).problem.find("corrupt"), std::string::npos) << inflate_records(corrupt).problem;
  EXPECT_EQ(inflate_records(wire + "xx").problem, "2 bytes follow the end of the records' stream");
}

TEST(TargetRun, TheGuestGetsTheHostsSelection) {
  GuestSelection s;
  s.no_builtin = true;
  s.filters = {"legacy/*", "unpriv/*"};
  s.excludes = {"*/exit-signal-*"};
  s.shards = {"1/3", "0/2"};
  s.context = "userns_root";
  s.case_timeout = std::chrono::milliseconds(2000);
  EXPECT_EQ(guest_run_args(s, "/dev/ttyS1", {"/clonediff/cases/0-mine.cases"}),
            (std::vector<std::string>{"run", "--results", "/dev/ttyS1", "--timeout", "2000", "--quiet", "--no-builtin", "--cases",
                                      "/clonediff/cases/0-mine.cases", "--filter", "legacy/*", "--filter", "unpriv/*",
                                      "--exclude", "*/exit-signal-*", "--shard", "1/3", "--shard", "0/2",
                                      "--context", "userns_root"}));
  // An emulator's guest judges against the host's profile, not the release
  // it reports (gVisor: 4.4.0, older than the model knows).
  s.kernel_profile = "6.18.44-fc-v782,pid_max=32768";
  const auto args = guest_run_args(s, "-", {});
  EXPECT_EQ(std::vector<std::string>(args.end() - 2, args.end()),
            (std::vector<std::string>{"--kernel", "6.18.44-fc-v782,pid_max=32768"}));
}

CatalogueCase thread_pidfd_case(const std::string& target) {
  CatalogueCase c;
  c.id = "clone3/pidfd-thread";
  c.suite = "clone3";
  c.request = model::Request{model::Entry::clone3,
                             model::flag::PIDFD | model::flag::VM | model::flag::SIGHAND | model::flag::THREAD, 0};
  c.context = "root";
  c.target = target;
  return c;
}

json::Value thread_pidfd_record(const std::string& kernel, const std::string& observed) {
  return *json::parse(R"({"id":"clone3/pidfd-thread","entry":"clone3","flags":"CLONE_PIDFD|CLONE_VM|CLONE_SIGHAND|CLONE_THREAD",)"
                      R"("exit_signal":0,"context":"root","kernel":")" + kernel + R"(","kernel_profile":")" + kernel +
                      R"(","observed":)" + observed + R"(,"verdict":"match","elapsed_us":42})");
}

TEST(TargetResults, AKernelTargetIsJudgedAgainstItsOwnProfile) {
  TargetRun run;
  run.status = TargetRun::Status::ran;
  run.records.push_back(thread_pidfd_record("6.1.0-50-cloud-amd64", R"({"result":"EINVAL"})"));
  const JudgedTarget t = judge_target(std::vector{thread_pidfd_case("kernel:6.1.0-50-cloud-amd64")}, run, std::nullopt);
  ASSERT_EQ(t.results.size(), 1u);
  EXPECT_EQ(t.results[0].verdict, Verdict::match);
  EXPECT_EQ(t.results[0].predicted->rule, "copy_process.pidfd_thread");
  EXPECT_EQ(t.profile.release, "6.1.0-50-cloud-amd64");
  EXPECT_EQ(t.reported_kernel, "6.1.0-50-cloud-amd64");
  // The record written back keeps what the target reported.
  const json::Value back = target_record(t.results[0], t);
  EXPECT_EQ(json::str(*json::find(back, "kernel")), "6.1.0-50-cloud-amd64");
  EXPECT_EQ(json::str(*json::find(back, "target")), "kernel:6.1.0-50-cloud-amd64");
  EXPECT_EQ(json::str(*json::find(back, "verdict")), "match");
}

TEST(TargetResults, AnEmulatorIsJudgedAgainstTheGivenProfile) {
  TargetRun run;
  run.status = TargetRun::Status::ran;
  // gVisor reports 4.4.0; it stands in for the running kernel, 6.18 here.
  run.records.push_back(thread_pidfd_record("4.4.0", R"({"result":"ENOSYS"})"));
  const JudgedTarget t =
      judge_target(std::vector{thread_pidfd_case("gvisor")}, run, *model::parse_kernel_spec("6.18.44-fc-v782"));
  ASSERT_EQ(t.results.size(), 1u);
  EXPECT_EQ(t.results[0].verdict, Verdict::mismatch);
  EXPECT_EQ(t.results[0].diff, (std::vector<harness::DiffEntry>{{"result", "ok", "ENOSYS"}}));
  EXPECT_EQ(json::str(*json::find(target_record(t.results[0], t), "kernel")), "4.4.0");
}

TEST(TargetResults, TheRecordWrittenBackKeepsTheFactsItWasJudgedOn) {
  TargetRun run;
  run.status = TargetRun::Status::ran;
  json::Value record = thread_pidfd_record("6.12.111+deb12-cloud-amd64", R"({"result":"EINVAL"})");
  record["context"] = *json::parse(R"({"preset":"root","pid_for_children_differs":true})");
  run.records.push_back(record);
  const JudgedTarget t = judge_target(std::vector{thread_pidfd_case("kernel:6.12.111+deb12-cloud-amd64")}, run, std::nullopt);
  ASSERT_EQ(t.results.size(), 1u);
  EXPECT_EQ(t.results[0].predicted->rule, "copy_process.thread_other_pidns");
  const json::Value back = target_record(t.results[0], t);
  const json::Value* context = json::find(back, "context");
  ASSERT_TRUE(context && context->is_object()) << json::dump(back);
  ASSERT_TRUE(json::find(*context, "pid_for_children_differs"));
  EXPECT_TRUE(json::find(*context, "pid_for_children_differs")->get<bool>());
}

// A results stream (run --results) with the given results, judged like records.
TargetRun ran_with_results(const std::vector<harness::CaseResult>& sent, std::size_t end_count) {
  std::string bytes;
  harness::append_results_header(bytes, "6.1.0-50-cloud-amd64", *model::parse_kernel_spec("6.1.0-50-cloud-amd64"));
  for (const harness::CaseResult& r : sent) harness::append_result_frame(bytes, r);
  harness::append_results_end(bytes, end_count);
  TargetRun run;
  run.status = TargetRun::Status::ran;
  GuestSelection s;
  take_output(s, bytes, run);
  fail_on_broken_results(run);
  return run;
}

harness::CaseResult sent_result(const std::string& id, int error, Verdict verdict) {
  harness::CaseResult r;
  r.spec.id = id;
  r.verdict = verdict;
  r.live = harness::LiveCall{};
  r.live->status = harness::LiveCall::Status::completed;
  r.live->observed.error = error;
  return r;
}

// A result sent without an observation: the call timed out, or crashed.
harness::CaseResult unobserved_result(const std::string& id, Verdict verdict, harness::LiveCall::Status status,
                                      const std::string& reason) {
  harness::CaseResult r;
  r.spec.id = id;
  r.verdict = verdict;
  r.reason = reason;
  r.live = harness::LiveCall{};
  r.live->status = status;
  return r;
}

TEST(TargetResults, AResultsStreamIsJudgedHereNotAsTheTargetSaid) {
  const auto kernel_case = [](const std::string& id) {
    CatalogueCase c = thread_pidfd_case("kernel:6.1.0-50-cloud-amd64");
    c.id = id;
    return c;
  };
  // The target's own verdicts are not taken: EINVAL matches on 6.1 whatever
  // it said, ENOSYS does not.
  const harness::CaseResult timed_out =
      unobserved_result("c", Verdict::timeout, harness::LiveCall::Status::timeout, "the call did not return");
  const TargetRun run = ran_with_results({sent_result("a", EINVAL, Verdict::mismatch), sent_result("b", ENOSYS, Verdict::match),
                                          timed_out, sent_result("stray", EINVAL, Verdict::match)},
                                         4);
  ASSERT_EQ(run.status, TargetRun::Status::ran) << run.reason;
  const JudgedTarget t = judge_target(std::vector{kernel_case("a"), kernel_case("b"), kernel_case("c"), kernel_case("d")},
                                      run, std::nullopt);
  ASSERT_EQ(t.results.size(), 4u);
  EXPECT_EQ(t.profile.release, "6.1.0-50-cloud-amd64");
  EXPECT_EQ(t.reported_kernel, "6.1.0-50-cloud-amd64");
  EXPECT_EQ(t.results[0].verdict, Verdict::match);
  EXPECT_EQ(t.results[0].predicted->rule, "copy_process.pidfd_thread");
  EXPECT_EQ(t.results[1].verdict, Verdict::mismatch);
  EXPECT_EQ(t.results[1].diff, (std::vector<harness::DiffEntry>{{"result", "EINVAL", "ENOSYS"}}));
  EXPECT_EQ(t.results[2].verdict, Verdict::timeout);
  EXPECT_EQ(t.results[2].reason, "the call did not return");
  EXPECT_EQ(t.results[3].verdict, Verdict::error);
  EXPECT_EQ(t.results[3].reason, "the target sent no record for this case");
  EXPECT_EQ(t.notes, std::vector<std::string>{"1 records fit no selected case"});
  // A verdict of match or mismatch with no observation cannot be taken.
  harness::CaseResult claims;
  claims.spec.id = "a";
  claims.verdict = Verdict::match;
  const JudgedTarget c = judge_target(std::vector{kernel_case("a")}, ran_with_results({claims}, 1), std::nullopt);
  EXPECT_EQ(c.results[0].verdict, Verdict::error);
  EXPECT_EQ(c.results[0].reason, "the target's result has no observation and no reason");
}

// As a record without an observation does, and as the Runner's result has it.
TEST(TargetResults, AResultWithoutAnObservationKeepsItsPrediction) {
  CatalogueCase c = thread_pidfd_case("kernel:6.1.0-50-cloud-amd64");
  c.id = "a";
  const harness::CaseResult crashed =
      unobserved_result("a", Verdict::crash, harness::LiveCall::Status::crash, "the child killed by SIGSEGV");
  const JudgedTarget t = judge_target(std::vector{c}, ran_with_results({crashed}, 1), std::nullopt);
  ASSERT_EQ(t.results.size(), 1u);
  EXPECT_EQ(t.results[0].verdict, Verdict::crash);
  EXPECT_EQ(t.results[0].reason, "the child killed by SIGSEGV");
  ASSERT_TRUE(t.results[0].predicted);
  EXPECT_EQ(t.results[0].predicted->rule, "copy_process.pidfd_thread");
}

TEST(TargetResults, ACutResultsStreamFailsTheTarget) {
  const TargetRun run = ran_with_results({sent_result("a", EINVAL, Verdict::match)}, 2);
  EXPECT_EQ(run.status, TargetRun::Status::failed);
  EXPECT_NE(run.reason.find("the end frame counts 2 cases, and 1 came"), std::string::npos) << run.reason;
  // What came whole is still judged; the rest is an error with the reason.
  CatalogueCase a = thread_pidfd_case("kernel:6.1.0-50-cloud-amd64"), b = a;
  a.id = "a";
  b.id = "b";
  const JudgedTarget t = judge_target(std::vector{a, b}, run, std::nullopt);
  EXPECT_EQ(t.results[0].verdict, Verdict::match);
  EXPECT_EQ(t.results[1].verdict, Verdict::error);
  EXPECT_NE(t.results[1].reason.find("no record came back: "), std::string::npos) << t.results[1].reason;
}

TEST(TargetResults, EveryCaseGetsAResult) {
  TargetRun failed;
  failed.status = TargetRun::Status::failed;
  failed.reason = "the guest did not power off within 9 s";
  const JudgedTarget f = judge_target(std::vector{thread_pidfd_case("kernel:x")}, failed, std::nullopt);
  ASSERT_EQ(f.results.size(), 1u);
  EXPECT_EQ(f.results[0].verdict, Verdict::error);
  EXPECT_EQ(f.results[0].reason, "no record came back: the guest did not power off within 9 s");

  // A target that did not start: its cases are errors, or skips where the
  // user allowed that (--allow-skip).
  TargetRun not_started;
  not_started.reason = "runsc is not installed (Debian package runsc)";
  const JudgedTarget n = judge_target(std::vector{thread_pidfd_case("gvisor")}, not_started, std::nullopt);
  EXPECT_EQ(n.results[0].verdict, Verdict::error);
  EXPECT_EQ(n.results[0].reason, "the target did not start: runsc is not installed (Debian package runsc)");
  const JudgedTarget s = judge_target(std::vector{thread_pidfd_case("gvisor")}, not_started, std::nullopt, true);
  EXPECT_EQ(s.results[0].verdict, Verdict::skip);
  EXPECT_EQ(s.results[0].reason, "the target did not start: runsc is not installed (Debian package runsc)");

  TargetRun ran;
  ran.status = TargetRun::Status::ran;
  ran.records.push_back(*json::parse(R"({"id":"other","entry":"fork"})"));
  const JudgedTarget r = judge_target(std::vector{thread_pidfd_case("qemu-user")}, ran, std::nullopt);
  EXPECT_EQ(r.results[0].verdict, Verdict::error);
  EXPECT_EQ(r.results[0].reason, "the target sent no record for this case");
  EXPECT_EQ(r.notes, std::vector<std::string>{"1 records fit no selected case"});
}

CaseResult result(const std::string& id, Verdict v, std::vector<harness::DiffEntry> diff = {},
                  const std::string& target = "gvisor") {
  CaseResult r;
  r.spec.id = id;
  r.spec.target = target;
  r.verdict = v;
  r.diff = std::move(diff);
  return r;
}

TEST(Baseline, DivergencesAreMismatchesTimeoutsCrashesAndErrorsInOneLine) {
  EXPECT_EQ(divergence_text(result("a", Verdict::mismatch, {{"result", "ok", "ENOSYS"}})), "result: ok -> ENOSYS");
  EXPECT_EQ(divergence_text(result("a", Verdict::mismatch, {{"share.vm", "true", "false"}, {"exit_signal", "-1", "0"}})),
            "share.vm: true -> false; exit_signal: -1 -> 0");
  EXPECT_EQ(divergence_text(result("a", Verdict::timeout)), "timeout");
  const auto d = divergences_of({result("b", Verdict::crash), result("a", Verdict::match), result("c", Verdict::skip),
                                 result("a2", Verdict::error)});
  EXPECT_EQ(d, (std::vector<BaselineEntry>{{"a2", "error"}, {"b", "crash"}}));
}

TEST(Baseline, FilesRoundTripAndBadOnesAreRefusedByLine) {
  Baseline b{{{"b", "timeout"}, {"a", "result: ok -> EINVAL"}}, "6.18.44-fc-v782", "runsc version 0.0~20221219.0"};
  const std::string text = format_baseline(b, "a header\nof two lines");
  EXPECT_EQ(text,
            "# a header\n# of two lines\n# kernel: 6.18.44-fc-v782\n# implementation: runsc version 0.0~20221219.0\n"
            "a\tresult: ok -> EINVAL\nb\ttimeout\n");
  auto back = parse_baseline(text, "x.txt");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->entries, (std::vector<BaselineEntry>{{"a", "result: ok -> EINVAL"}, {"b", "timeout"}}));
  EXPECT_EQ(back->kernel, "6.18.44-fc-v782");
  EXPECT_EQ(back->implementation, "runsc version 0.0~20221219.0");
  EXPECT_EQ(parse_baseline("b\tx\na\ty\n", "x.txt").error().message, "x.txt:2: ids must be sorted and unique ('a')");
  EXPECT_EQ(parse_baseline("# c\nno tab\n", "x.txt").error().message, "x.txt:2: a line is ID<TAB>DIVERGENCE");
  EXPECT_FALSE(parse_baseline("a\tx\na\tx\n", "x.txt").ok());
}

TEST(Baseline, TheComparisonNamesEveryCaseThatChanged) {
  const std::vector<BaselineEntry> before = {{"gone", "timeout"}, {"same", "result: ok -> EINVAL"}, {"moved", "crash"}};
  const std::vector<BaselineEntry> now = {{"moved", "timeout"}, {"new", "share.vm: true -> false"},
                                          {"same", "result: ok -> EINVAL"}};
  const BaselineComparison c = compare_with_baseline(before, now);
  EXPECT_FALSE(c.equal());
  EXPECT_EQ(c.same, 1u);
  EXPECT_EQ(c.entered, (std::vector<BaselineEntry>{{"new", "share.vm: true -> false"}}));
  EXPECT_EQ(c.left, (std::vector<BaselineEntry>{{"gone", "timeout"}}));
  ASSERT_EQ(c.changed.size(), 1u);
  EXPECT_EQ(c.changed[0].first.divergence, "crash");
  EXPECT_EQ(c.changed[0].second.divergence, "timeout");
  const std::string text = comparison_text(c, "gvisor", "cases/baselines/gvisor.txt");
  EXPECT_NE(text.find("3 cases changed against the baseline (1 as before)"), std::string::npos) << text;
  EXPECT_NE(text.find("new divergence:   new\tshare.vm: true -> false"), std::string::npos) << text;
  EXPECT_NE(text.find("no longer:        gone\ttimeout"), std::string::npos) << text;
  EXPECT_NE(text.find("diverges another way: moved\n    was crash\n    now timeout"), std::string::npos) << text;
  EXPECT_TRUE(compare_with_baseline(now, now).equal());
}

TEST(Baseline, ALineMayNameSeveralWaysAndAnUpdateKeepsThem) {
  EXPECT_TRUE(baseline_allows("crash | timeout", "crash"));
  EXPECT_TRUE(baseline_allows("crash | timeout", "timeout"));
  EXPECT_FALSE(baseline_allows("crash | timeout", "error"));
  EXPECT_FALSE(baseline_allows("crash | timeout", "crash | timeout | error"));
  EXPECT_FALSE(baseline_allows("crash", "crash | timeout"));
  const std::vector<BaselineEntry> before = {{"a", "crash | timeout"}, {"b", "crash | timeout"}};
  const std::vector<BaselineEntry> now = {{"a", "timeout"}, {"b", "error"}, {"c", "crash"}};
  const BaselineComparison c = compare_with_baseline(before, now);
  EXPECT_EQ(c.same, 1u);
  ASSERT_EQ(c.changed.size(), 1u);
  EXPECT_EQ(c.changed[0].second.id, "b");
  EXPECT_EQ(keeping_allowed_ways(before, now),
            (std::vector<BaselineEntry>{{"a", "crash | timeout"}, {"b", "error"}, {"c", "crash"}}));
}

TargetSpec spec_of(const std::string& text) { return *parse_target(text); }

using harness::RunVerdict;

const model::Kernel& kernel_6_18() {
  static const model::Kernel k = *model::parse_kernel_spec("6.18.44-fc-v782");
  return k;
}

void ran(TargetReport& report, const std::string& name) {
  report.end(name, std::chrono::seconds(1), kernel_6_18(), "6.18.44-fc-v782", "", TargetRun::Status::ran, "", {});
}

TEST(TargetReport, LinuxTargetsMustMatchAndEmulatorsMustEqualTheirBaselines) {
  TargetReport report;
  report.begin(spec_of("host"), "host");
  report.add(result("x", Verdict::match, {}, "host"));
  ran(report, "host");
  report.begin(spec_of("gvisor"), "gvisor");
  report.set_baseline("gvisor", "g.txt", Baseline{{{"x", "result: ok -> ENOSYS"}, {"not-run", "timeout"}}, "", ""});
  report.add(result("x", Verdict::mismatch, {{"result", "ok", "ENOSYS"}}));
  report.add(result("y", Verdict::skip));
  ran(report, "gvisor");
  // Only the cases that ran are held to the baseline: "not-run" is not missed.
  EXPECT_EQ(report.verdict(), RunVerdict::pass);
  EXPECT_NE(report.baselines_text().find("the divergences are the baseline's, 1 case"), std::string::npos)
      << report.baselines_text();
  EXPECT_EQ(report.verdict_line(std::chrono::seconds(2), "1 matched, 1 mismatched, 1 skipped of 3 cases"),
            "PASS: 1 matched, 1 mismatched, 1 skipped of 3 cases; host matches the model on every case run; gvisor "
            "diverges as its baseline says (2.0 s)\n");
  EXPECT_EQ(report.as_baseline("gvisor").entries, (std::vector<BaselineEntry>{{"x", "result: ok -> ENOSYS"}}));

  report.begin(spec_of("qemu-user"), "qemu-user");  // no baseline: any divergence fails
  report.add(result("x", Verdict::timeout, {}, "qemu-user"));
  ran(report, "qemu-user");
  EXPECT_EQ(report.verdict(), RunVerdict::fail);
  EXPECT_EQ(report.verdict_line(std::chrono::seconds(1), "C"),
            "FAIL: C; qemu-user does not match the model or its baseline; host matches the model on every case run; "
            "gvisor diverges as its baseline says (1.0 s)\n");
}

TEST(TargetReport, AKernelTargetWithADivergenceFails) {
  TargetReport report;
  report.begin(spec_of("kernel:/boot/vmlinuz-6.1.0"), "kernel:6.1.0");
  report.add(result("x", Verdict::mismatch, {{"ns_new.time", "true", "false"}}, "kernel:6.1.0"));
  ran(report, "kernel:6.1.0");
  EXPECT_EQ(report.verdict(), RunVerdict::fail);
  EXPECT_NE(report.table().find("kernel:6.1.0"), std::string::npos);
  EXPECT_NE(report.table().find(" FAIL "), std::string::npos) << report.table();
}

// A target that did not start fails the run, saying why, in the table, the
// failures and the verdict line; allowed (--allow-skip), it is a skip, and a
// run of nothing but skips is SKIP, never PASS.
TEST(TargetReport, ATargetThatDidNotStartFailsUnlessAllowed) {
  const auto report_of = [](bool allowed) {
    TargetReport report;
    report.begin(spec_of("host"), "host");
    report.add(result("x", Verdict::match, {}, "host"));
    ran(report, "host");
    report.begin(spec_of("gvisor"), "gvisor", allowed);
    report.set_baseline("gvisor", "g.txt", Baseline{{{"x", "result: ok -> ENOSYS"}}, "", ""});
    report.add(result("x", allowed ? Verdict::skip : Verdict::error));
    report.end("gvisor", std::chrono::seconds(0), kernel_6_18(), "", "", TargetRun::Status::not_started,
               "runsc is not installed (Debian package runsc)", {});
    return report;
  };
  const TargetReport refused = report_of(false);
  EXPECT_EQ(refused.verdict("gvisor"), RunVerdict::fail);
  EXPECT_EQ(refused.verdict(), RunVerdict::fail);
  EXPECT_EQ(refused.baselines_text(), "");  // nothing ran to compare
  EXPECT_NE(refused.table().find("FAIL           did not start: runsc is not installed"), std::string::npos)
      << refused.table();
  EXPECT_NE(refused.failures_text().find("gvisor did not start: runsc is not installed (Debian package runsc)\n"
                                         "  (its cases are errors; --allow-skip gvisor makes them skips)"),
            std::string::npos)
      << refused.failures_text();
  EXPECT_EQ(refused.verdict_line(std::chrono::seconds(1), "C"),
            "FAIL: C; gvisor did not start: runsc is not installed (Debian package runsc); host matches the model on "
            "every case run (1.0 s)\n");

  const TargetReport allowed = report_of(true);
  EXPECT_EQ(allowed.verdict("gvisor"), RunVerdict::skip);
  EXPECT_EQ(allowed.verdict(), RunVerdict::pass);
  EXPECT_TRUE(allowed.skips_allowed());
  EXPECT_EQ(allowed.failures_text(), "");
  EXPECT_NE(allowed.table().find("SKIP, allowed  did not start"), std::string::npos) << allowed.table();
  EXPECT_EQ(allowed.verdict_line(std::chrono::seconds(1), "C"),
            "PASS: C; gvisor did not start, as --allow-skip gvisor allows: runsc is not installed (Debian package "
            "runsc); host matches the model on every case run (1.0 s)\n");
}

TEST(TargetReport, ATargetThatSkipsEveryCaseIsASkip) {
  TargetReport report;
  report.begin(spec_of("host"), "host");
  report.add(result("x", Verdict::match, {}, "host"));
  ran(report, "host");
  report.begin(spec_of("qemu-user"), "qemu-user");
  report.add(result("x", Verdict::skip, {}, "qemu-user"));
  ran(report, "qemu-user");
  EXPECT_EQ(report.verdict(), RunVerdict::skip);
  EXPECT_FALSE(report.skips_allowed());
  EXPECT_EQ(report.verdict_line(std::chrono::seconds(1), "C"),
            "SKIP: C; qemu-user skipped every case (--allow-skip qemu-user if that is expected); host matches the "
            "model on every case run (1.0 s)\n");
  EXPECT_NE(report.table().find(" SKIP "), std::string::npos) << report.table();
  EXPECT_EQ(harness::run_exit_status(report.verdict(), report.skips_allowed(), false), 1);
  EXPECT_EQ(harness::run_exit_status(report.verdict(), report.skips_allowed(), true), 4);

  TargetReport allowed;
  allowed.begin(spec_of("qemu-user"), "qemu-user", true);
  allowed.add(result("x", Verdict::skip, {}, "qemu-user"));
  ran(allowed, "qemu-user");
  EXPECT_EQ(allowed.verdict(), RunVerdict::skip);  // nothing ran at all
  EXPECT_TRUE(allowed.skips_allowed());
  EXPECT_EQ(harness::run_exit_status(allowed.verdict(), allowed.skips_allowed(), false), 0);
  EXPECT_EQ(harness::run_exit_status(allowed.verdict(), allowed.skips_allowed(), true), 4);
}

// The table says which profile judged each target and where it stands
// against the model's range.
TEST(TargetReport, TheTableSaysWhereEachProfileStandsAgainstTheModelledRange) {
  TargetReport report;
  report.begin(spec_of("host"), "host");
  report.add(result("x", Verdict::match, {}, "host"));
  ran(report, "host");
  EXPECT_NE(report.table().find("  the model knows Linux " + model::modelled_range_text() +
                                "; every profile above is inside it\n"),
            std::string::npos)
      << report.table();
  const model::KernelVersion newest = model::modelled_range().newest;
  const std::string newer = std::to_string(newest.major + 1) + ".0.0";
  report.begin(spec_of("kernel:/boot/vmlinuz-x"), "kernel:" + newer);
  report.add(result("x", Verdict::match, {}, "kernel:" + newer));
  report.end("kernel:" + newer, std::chrono::seconds(1), *model::parse_kernel_spec(newer), newer, "",
             TargetRun::Status::ran, "", {});
  EXPECT_NE(report.table().find("  kernel:" + newer + ": Linux " + newer + " is newer than the modelled range " +
                                model::modelled_range_text() + ": judged as "),
            std::string::npos)
      << report.table();
}

TEST(TargetReport, SkipsAreGroupedByReason) {
  TargetReport report;
  report.begin(spec_of("gvisor"), "gvisor");
  for (const char* id : {"a", "b", "c", "d"}) {
    CaseResult r = result(id, Verdict::skip);
    r.reason = "the seccomp supervisor cannot be used here";
    report.add(r);
  }
  EXPECT_EQ(report.skips_text(), "\nskipped, by reason:\n  gvisor: 4 cases: the seccomp supervisor cannot be used here\n");
}

}  // namespace
}  // namespace clonediff::targets
