// `clonediff run --target`, live, on a part of the catalogue: qemu-user and
// gVisor against their checked-in baselines, a Debian kernel booted in qemu
// (when ci/kernels has cached one), a missing target, bad usage. The whole
// catalogue on every target is ci/targets' job (.ci/run).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "cases/tests/cli_support.hpp"

namespace {

using namespace clonediff::cli_support;

const std::string kSource = CLONEDIFF_SOURCE_DIR;
const std::string kGvisorBaseline = kSource + "/cases/baselines/gvisor.txt";
const std::string kQemuUserBaseline = kSource + "/cases/baselines/qemu-user.txt";

bool installed(const std::string& program) { return !find_program(program).empty(); }

// The baseline's lines for the cases whose ids start with `prefix`.
std::vector<std::string> baseline_lines(const std::string& file, const std::string& prefix) {
  std::vector<std::string> out;
  for (const std::string& l : lines(slurp(file)))
    if (l.rfind(prefix, 0) == 0) out.push_back(l);
  return out;
}

class Targets : public Cli {
 protected:
  // The legacy suite on an emulator, against its baseline: as the baseline says.
  void runs_as_its_baseline_says(const std::string& target, const std::string& baseline) {
    const std::size_t expected = baseline_lines(baseline, "legacy/").size();
    ASSERT_GT(expected, 0u);
    Ran r = clonediff({"run", "--target", target, "--filter", "legacy/*", "--baseline", target + "=" + baseline});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find(target + " (baseline " + baseline + "): the divergences are the baseline's, " +
                         std::to_string(expected) + " cases"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("\nPASS: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" of 49 cases; " + target + " diverges as its baseline says ("), std::string::npos) << r.out;
    // The table's verdict agrees with the line's.
    EXPECT_NE(r.out.find("  PASS           Linux "), std::string::npos) << r.out;
    // Grouped by the rule they break, each way with a repro.
    EXPECT_NE(r.out.find(target + ": " + std::to_string(expected) + " divergences from Linux"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  clonediff explain "), std::string::npos) << r.out;
  }

  // The same with a baseline that misses one divergence and lists, for a case
  // that matches, one that does not happen.
  void a_changed_baseline_fails_naming_the_cases(const std::string& target, const std::string& baseline) {
    const std::vector<std::string> legacy = baseline_lines(baseline, "legacy/");
    ASSERT_FALSE(legacy.empty());
    std::string matching;  // a legacy case the baseline does not list
    for (const std::string& id : lines(clonediff({"run", "--list", "--filter", "legacy/*"}).out)) {
      bool listed = false;
      for (const std::string& l : legacy) listed = listed || l.rfind(id + "\t", 0) == 0;
      if (!listed) matching = id;
    }
    ASSERT_FALSE(matching.empty());
    std::string comments;
    std::set<std::string> entries;
    for (const std::string& l : lines(slurp(baseline))) {
      if (l.rfind("#", 0) == 0)
        comments += l + "\n";
      else if (l != legacy.front())
        entries.insert(l);
    }
    entries.insert(matching + "\ttimeout");
    std::string doctored = comments;
    for (const std::string& l : entries) doctored += l + "\n";
    spit(path("doctored.txt"), doctored);
    Ran r = clonediff({"run", "--target", target, "--filter", "legacy/*", "--baseline",
                       target + "=" + path("doctored.txt").string()});
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("2 cases changed against the baseline"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  new divergence:   " + legacy.front()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  no longer:        " + matching + "\ttimeout"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nFAIL: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" of 49 cases; " + target + " does not match the model or its baseline ("), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  FAIL           Linux "), std::string::npos) << r.out;
  }
};

TEST_F(Targets, QemuUserDivergesAsItsBaselineSays) {
  if (!installed("qemu-x86_64")) GTEST_SKIP() << "qemu-x86_64 is not installed (ci/setup targets)";
  runs_as_its_baseline_says("qemu-user", kQemuUserBaseline);
}

TEST_F(Targets, QemuUserWithAChangedBaselineFailsNamingTheCases) {
  if (!installed("qemu-x86_64")) GTEST_SKIP() << "qemu-x86_64 is not installed (ci/setup targets)";
  a_changed_baseline_fails_naming_the_cases("qemu-user", kQemuUserBaseline);
}

TEST_F(Targets, GvisorDivergesAsItsBaselineSays) {
  if (!installed("runsc")) GTEST_SKIP() << "runsc is not installed (ci/setup targets)";
  runs_as_its_baseline_says("gvisor", kGvisorBaseline);
}

TEST_F(Targets, GvisorWithAChangedBaselineFailsNamingTheCases) {
  if (!installed("runsc")) GTEST_SKIP() << "runsc is not installed (ci/setup targets)";
  a_changed_baseline_fails_naming_the_cases("gvisor", kGvisorBaseline);
}

TEST_F(Targets, UpdateBaselinesWritesWhatARunSaw) {
  if (!installed("qemu-x86_64")) GTEST_SKIP() << "qemu-x86_64 is not installed (ci/setup targets)";
  const std::string file = path("new.txt").string();
  Ran r = clonediff({"run", "--target", "qemu-user", "--filter", "legacy/*", "--baseline", "qemu-user=" + file,
                     "--update-baselines"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(baseline_lines(file, "legacy/"), baseline_lines(kQemuUserBaseline, "legacy/"));
  EXPECT_NE(slurp(file).find("# implementation: qemu-x86_64 version "), std::string::npos) << slurp(file);
}

TEST_F(Targets, KtapAndJunitGroupByTargetThenSuite) {
  if (!installed("qemu-x86_64")) GTEST_SKIP() << "qemu-x86_64 is not installed (ci/setup targets)";
  Ran r = clonediff({"run", "--target", "host", "--target", "qemu-user", "--filter", "legacy/io*", "--ktap",
                     "--junit", path("j.xml").string()});
  EXPECT_EQ(r.status, 1) << r.out << r.err;  // qemu-user without a baseline: its divergences fail the run
  EXPECT_NE(r.out.find("1..2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# Subtest: host\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  # Subtest: legacy\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# Subtest: qemu-user\n"), std::string::npos) << r.out;
  // Which profile judged each target, and the verdict, agree with the text.
  EXPECT_NE(r.out.find("\n# host: judged against the model of Linux "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n# qemu-user: judged against the model of Linux "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n# clonediff run: FAIL: "), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("\nFAIL: "), std::string::npos) << r.err;
  const std::string xml = slurp(path("j.xml"));
  EXPECT_NE(xml.find("<testsuite name=\"host/legacy\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"qemu-user/legacy\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"kernel_profile_in_range\" value=\"inside\"/>"), std::string::npos) << xml;
}

// A requested target that does not start fails the run, with the reason, in
// every report; --allow-skip TARGET makes its cases skips instead.
TEST_F(Targets, ATargetThatDoesNotStartFailsTheRunUnlessAllowed) {
  Ran r = clonediff({"run", "--target", "kernel:/no/such/vmlinuz", "--filter", "legacy/io"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(" FAIL           did not start: cannot read the kernel image '/no/such/vmlinuz': No such file"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\nFAIL: 0 matched, 1 error of 1 case; kernel:vmlinuz did not start: cannot read the kernel "
                       "image '/no/such/vmlinuz': No such file or directory ("),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("PASS"), std::string::npos) << r.out;
  Ran ktap = clonediff({"run", "--target", "kernel:/no/such/vmlinuz", "--filter", "legacy/io", "--ktap"});
  EXPECT_EQ(ktap.status, 1) << ktap.out;  // KSFT_FAIL: a failed target is no skip
  EXPECT_NE(ktap.out.find("not ok 1 io # ERROR the target did not start: cannot read the kernel image"),
            std::string::npos)
      << ktap.out;
  EXPECT_NE(ktap.out.find("\n# clonediff run: FAIL: "), std::string::npos) << ktap.out;

  // Allowed, by the name reports use or as --target gave it.
  for (const char* name : {"kernel:vmlinuz", "kernel:/no/such/vmlinuz"}) {
    Ran allowed = clonediff({"run", "--target", "kernel:/no/such/vmlinuz", "--filter", "legacy/io", "--allow-skip", name});
    EXPECT_EQ(allowed.status, 0) << allowed.out << allowed.err;
    EXPECT_NE(allowed.out.find("kernel:vmlinuz: 1 case (legacy/io): the target did not start: cannot read the kernel "
                               "image"),
              std::string::npos)
        << allowed.out;
    EXPECT_NE(allowed.out.find("\nSKIP: 0 matched, 1 skipped of 1 case; kernel:vmlinuz did not start, as "
                               "--allow-skip kernel:vmlinuz allows: cannot read the kernel image"),
              std::string::npos)
        << allowed.out;
  }
  Ran allowed_ktap = clonediff({"run", "--target", "kernel:/no/such/vmlinuz", "--filter", "legacy/io", "--allow-skip",
                                "kernel:vmlinuz", "--ktap"});
  EXPECT_EQ(allowed_ktap.status, 4) << allowed_ktap.out;
  EXPECT_NE(allowed_ktap.out.find("ok 1 io # SKIP the target did not start"), std::string::npos) << allowed_ktap.out;

  // An emulator that is not on PATH, beside a host that runs: the run fails.
  Ran none = run("/usr/bin/env", {"PATH=/nonexistent", CLONEDIFF_BINARY, "run", "--target", "host", "--target",
                                  "gvisor", "--filter", "legacy/io"});
  EXPECT_EQ(none.status, 1) << none.out << none.err;
  EXPECT_NE(none.out.find("\nFAIL: 1 matched, 1 error of 2 cases; gvisor did not start: runsc is not installed "
                          "(Debian package runsc); host matches the model on every case run ("),
            std::string::npos)
      << none.out;
}

// The static clonediff starts no outer targets: asked for one, it says so
// and fails, whatever the output format.
TEST_F(Targets, TheStaticBuildFailsARunOverOuterTargets) {
  const std::string static_binary = std::string(CLONEDIFF_BINARY) + "-static";
  if (!fs::exists(static_binary)) GTEST_SKIP() << "clonediff-static is not built (no libseccomp.a)";
  for (const std::vector<std::string>& more : {std::vector<std::string>{}, std::vector<std::string>{"--ktap"}}) {
    std::vector<std::string> args = {"run", "--target", "gvisor", "--filter", "legacy/io"};
    args.insert(args.end(), more.begin(), more.end());
    Ran r = run(static_binary, args);
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("FAIL: 0 matched, 1 error of 1 case; gvisor did not start: the static clonediff runs "
                                   "no outer targets"),
              std::string::npos)
        << r.out << r.err;
    EXPECT_EQ((r.out + r.err).find("PASS"), std::string::npos) << r.out << r.err;
  }
}

// A target that starts and skips every case is no pass either: a case in
// leader_exit_signal under qemu-user, which makes no clone with exit signal 0.
TEST_F(Targets, ATargetThatSkipsEveryCaseIsNoPass) {
  if (!installed("qemu-x86_64")) GTEST_SKIP() << "qemu-x86_64 is not installed (ci/setup targets)";
  const std::vector<std::string> args = {"run", "--target", "qemu-user", "--context", "leader_exit_signal", "--filter",
                                         "leader_exit_signal/legacy/io"};
  Ran r = clonediff(args);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("\nSKIP: 0 matched, 1 skipped of 1 case; qemu-user skipped every case (--allow-skip qemu-user if "
                       "that is expected) ("),
            std::string::npos)
      << r.out;
  std::vector<std::string> allowed = args;
  allowed.insert(allowed.end(), {"--allow-skip", "qemu-user"});
  Ran ok = clonediff(allowed);
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("qemu-user skipped every case, as --allow-skip qemu-user allows"), std::string::npos) << ok.out;
}

TEST_F(Targets, BadUsage) {
  const auto fails = [&](const std::vector<std::string>& args, const std::string& message) {
    Ran r = clonediff(args);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(r.err, "clonediff run: " + message + "\n");
  };
  fails({"run", "--target", "qemu"}, "unknown target 'qemu' (targets: host, kernel:VMLINUZ, gvisor, qemu-user)");
  fails({"run", "--target", "host", "--baseline", "host=x"}, "--baseline is for gvisor and qemu-user, not host");
  fails({"run", "--target", "host", "--baseline", "gvisor=x"},
        "--baseline names 'gvisor', which is not a --target of this run");
  fails({"run", "--target", "gvisor", "--baseline", "gvisor=/no/such"}, "cannot read baseline '/no/such': No such file or directory");
  fails({"run", "--target", "gvisor", "--update-baselines"},
        "--update-baselines rewrites the files given with --baseline TARGET=FILE");
  fails({"run", "--target", "host", "--target", "host"}, "target 'host' given twice");
}

// A kernel cached by ci/kernels, or nothing.
std::string cached_kernel() {
  const fs::path dir = make_temp_dir();
  Ran r = run_in(dir, kSource + "/ci/kernels", {"--offline"});
  fs::remove_all(dir);
  if (r.status != 0) return "";
  const std::vector<std::string> images = lines(r.out);
  return images.empty() ? "" : images.back();
}

// The cached kernel a kernel target boots, or why none can run here (qemu or
// the kernel missing): then the test skips, saying so.
struct KernelTarget {
  std::string kernel;
  std::string missing;
};
KernelTarget kernel_target() {
  if (!installed("qemu-system-x86_64")) return {"", "qemu-system-x86_64 is not installed (ci/setup targets)"};
  std::string kernel = cached_kernel();
  if (kernel.empty()) return {"", "no Debian kernel cached: run ci/kernels"};
  return {kernel, ""};
}

TEST_F(Targets, ADebianKernelBootsInQemuAndMatchesTheModel) {
  const auto [kernel, missing] = kernel_target();
  if (!missing.empty()) GTEST_SKIP() << missing;
  const std::string json = path("k.jsonl").string();
  Ran r = clonediff({"run", "--target", "host", "--target", "kernel:" + kernel, "--filter", "legacy/*", "--json", json},
                    "", std::chrono::seconds(300));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\nPASS: 98 matched of 98 cases; host, kernel:"), std::string::npos) << r.out;
  std::size_t host = 0, guest = 0;
  for (const std::string& l : lines(slurp(json))) {
    host += l.find("\"target\":\"host\"") != std::string::npos;
    guest += l.find("\"target\":\"kernel:6.") != std::string::npos && l.find("\"verdict\":\"match\"") != std::string::npos;
  }
  EXPECT_EQ(host, 49u);
  EXPECT_EQ(guest, 49u);
}

// The guest turns the pids controller on, so pids_max runs at a cgroup v2
// pids.max there (this project's hosts only have it on v1): every case runs
// and matches, and no record says the limit sat on v1.
TEST_F(Targets, PidsMaxRunsOnCgroupV2InAKernelTarget) {
  const auto [kernel, missing] = kernel_target();
  if (!missing.empty()) GTEST_SKIP() << missing;
  const std::string json = path("pids.jsonl").string();
  Ran r = clonediff({"run", "--target", "kernel:" + kernel, "--filter", "pids_max/contexts/*", "--json", json}, "",
                    std::chrono::seconds(300));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  std::size_t matched = 0;
  for (const std::string& l : lines(slurp(json))) {
    matched += l.find("\"verdict\":\"match\"") != std::string::npos;
    EXPECT_EQ(l.find("\"pids_max_on_cgroup2\":false"), std::string::npos) << l;
  }
  EXPECT_EQ(matched, 4u) << r.out;
}

TEST_F(Targets, AKernelPastItsTargetTimeoutIsKilledAndItsCasesAreErrors) {
  const auto [kernel, missing] = kernel_target();
  if (!missing.empty()) GTEST_SKIP() << missing;
  // One second does not boot it.
  Ran r = clonediff({"run", "--target", "kernel:" + kernel, "--filter", "legacy/io*", "--target-timeout", "1"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(" failed: the guest did not power off within 1 s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(its cases without a record are errors)"), std::string::npos) << r.out;
  // The summary's total row: 2 cases, both errors.
  std::vector<std::string> total;
  for (const std::string& l : lines(r.out))
    if (l.rfind("  total ", 0) == 0) {
      std::istringstream words(l);
      for (std::string w; words >> w;) total.push_back(w);
    }
  EXPECT_EQ(total, (std::vector<std::string>{"total", "2", "0", "0", "0", "0", "0", "2"})) << r.out;
  Ran left = run("/usr/bin/pgrep", {"-f", "qemu-system-x86_64 .*" + kernel});
  EXPECT_NE(left.status, 0) << "a qemu outlived its target: " << left.out;
}

// What the names in `dir` are, one per line ("" when it is empty).
std::string listing(const fs::path& dir) {
  std::string names;
  for (const auto& e : fs::directory_iterator(dir)) names += e.path().filename().string() + "\n";
  return names;
}

// A kernel target's private directory (the initramfs, the unpacked kernel,
// the console) is gone when the run ends: here in a TMPDIR of the test's own.
TEST_F(Targets, AKernelTargetLeavesNothingInTmpdir) {
  const auto [kernel, missing] = kernel_target();
  if (!missing.empty()) GTEST_SKIP() << missing;
  const fs::path tmp = path("tmp");
  fs::create_directory(tmp);
  Ran r = run("/usr/bin/env", {"TMPDIR=" + tmp.string(), CLONEDIFF_BINARY, "run", "--target", "kernel:" + kernel,
                               "--filter", "legacy/io*"},
              "", std::chrono::seconds(300));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\nPASS: 2 matched of 2 cases; kernel:"), std::string::npos) << r.out;
  EXPECT_EQ(listing(tmp), "");
}

// SIGTERM while a guest runs: the guest is killed at once, not awaited to
// its end; the run says so, exits 143, and leaves no qemu and no directory.
TEST_F(Targets, ASignalStopsARunningKernelTargetAtOnce) {
  const auto [kernel, missing] = kernel_target();
  if (!missing.empty()) GTEST_SKIP() << missing;
  const fs::path tmp = path("tmp");
  fs::create_directory(tmp);
  // The whole catalogue takes a guest 13 s or more; the signal comes after 3.
  const std::string script = "TMPDIR=\"$1\" \"$2\" run --target \"kernel:$3\" & p=$!; sleep 3; kill -TERM $p; wait $p";
  Ran r = run("/bin/sh", {"-c", script, "sh", tmp.string(), CLONEDIFF_BINARY, kernel}, "", std::chrono::seconds(300));
  EXPECT_EQ(r.status, 143) << r.out << r.err;
  EXPECT_NE(r.out.find("clonediff was asked to stop while the guest ran: it was killed"), std::string::npos)
      << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("stopped by SIGTERM"), std::string::npos) << r.out << r.err;
  Ran left = run("/usr/bin/pgrep", {"-f", "qemu-system-x86_64 .*" + tmp.string()});
  EXPECT_NE(left.status, 0) << "a qemu outlived its target: " << left.out;
  EXPECT_EQ(listing(tmp), "");
}

}  // namespace
