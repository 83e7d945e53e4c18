// Kernel profiles: the model predicts Debian's 6.1 and 6.12 and the running
// 6.18, and what changed between them. Version knowledge lives in the model
// (VersionRange with a citation); these tests check that every bound is
// cited and that the profiles differ exactly where the kernel changed.
#include <gtest/gtest.h>

#include "model/explain.hpp"
#include "model/flags.hpp"
#include "model/predict.hpp"
#include "model/rules.hpp"
#include "model/semantics.hpp"

namespace clonediff::model {
namespace {

using namespace flag;

Kernel debian_6_1() { return *parse_kernel_spec("6.1.0-50-cloud-amd64,unprivileged_userns_clone=1"); }
Kernel debian_6_12() { return *parse_kernel_spec("6.12.111+deb12-cloud-amd64,unprivileged_userns_clone=1"); }
Kernel host_6_18() { return *parse_kernel_spec("6.18.44-fc-v782"); }

Prediction predict_on(const Kernel& k, Request r, std::string_view preset = "root") {
  auto p = predict(r, *caller_preset(preset), k);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return std::move(p).value();
}

// 7863dcc72d0f (v6.14): set_tid is checked against the pid_max of each
// entry's own pid namespace, and a namespace below the initial one starts at
// PID_MAX_LIMIT (d385c8bceb14); before, against the one kernel.pid_max.
TEST(KernelProfile, SetTidMeetsItsOwnNamespacesPidMaxSince6_14) {
  Request r{Entry::clone3, 0, kSigchld};
  r.clone3.set_tid = std::vector<TidSpec>{{TidSpec::Kind::number, 32768}};
  Kernel k612 = debian_6_12(), k618 = host_6_18();
  k612.pid_max = k618.pid_max = 32768;
  const Prediction old_kernel = predict_on(k612, r, "pidns_init");
  EXPECT_EQ(old_kernel.rule, "alloc_pid.set_tid_range");
  const Prediction new_kernel = predict_on(k618, r, "pidns_init");
  EXPECT_EQ(new_kernel.rule, "copy_process.ok");
  // In the initial namespace both check kernel.pid_max.
  EXPECT_EQ(predict_on(k612, r).outcome.error, EINVAL);
  EXPECT_EQ(predict_on(k618, r).rule, "alloc_pid.set_tid_range_pidns");
}

TEST(KernelProfile, EveryVersionBoundCitesTheChangeBehindIt) {
  const auto cited = [](const VersionRange& v, std::string_view id) {
    if (v.since != KernelVersion{0, 0, 0}) {
      EXPECT_FALSE(v.introduced.empty()) << id << ": since " << v.since.str();
    }
    if (v.until) {
      EXPECT_FALSE(v.change.empty()) << id << ": until " << v.until->str();
      EXPECT_LT(v.since, *v.until) << id;
    }
  };
  for (const Rule& r : refusal_rules()) cited(r.versions, r.id);
  for (const Semantic& s : versioned_semantics()) {
    EXPECT_TRUE(s.versions.bounded()) << s.id << ": a semantic that holds everywhere belongs in predict.cpp";
    cited(s.versions, s.id);
    EXPECT_FALSE(s.what.empty()) << s.id;
    EXPECT_FALSE(s.otherwise.empty()) << s.id;
  }
}

// modelled_range() is the one statement of which kernels the model knows. No
// bound lies above its newest version, so a newer kernel meets every rule and
// semantic exactly as the newest does: reports may say "judged as" it.
TEST(KernelProfile, NoVersionBoundLiesAboveTheNewestModelled) {
  const KernelVersion newest = modelled_range().newest;
  const KernelVersion top{newest.major, newest.minor, 0};
  EXPECT_LE(modelled_range().oldest, newest);
  const auto within = [&](const VersionRange& v, std::string_view id) {
    EXPECT_LE(v.since, top) << id << ": since " << v.since.str() << " is past the modelled range";
    if (v.until) {
      EXPECT_LE(*v.until, top) << id << ": until " << v.until->str() << " is past the modelled range";
    }
  };
  for (const Rule& r : refusal_rules()) within(r.versions, r.id);
  for (const Semantic& s : versioned_semantics()) within(s.versions, s.id);
}

TEST(KernelProfile, ReportsSayWhereAVersionStandsAgainstTheModelledRange) {
  const ModelledRange r = modelled_range();
  EXPECT_EQ(place_in_modelled_range(r.oldest), RangePlace::inside);
  EXPECT_EQ(place_in_modelled_range(KernelVersion{r.newest.major, r.newest.minor, 99}), RangePlace::inside);
  EXPECT_EQ(place_in_modelled_range(KernelVersion{r.newest.major, r.newest.minor + 1, 0}), RangePlace::newer);
  EXPECT_EQ(place_in_modelled_range(KernelVersion{r.newest.major + 1, 0, 0}), RangePlace::newer);
  EXPECT_EQ(place_in_modelled_range(KernelVersion{r.oldest.major - 1, 99, 0}), RangePlace::older);
  const std::string range = std::to_string(r.oldest.major) + "." + std::to_string(r.oldest.minor) + " .. " +
                            std::to_string(r.newest.major) + "." + std::to_string(r.newest.minor);
  EXPECT_EQ(modelled_range_text(), range);
  EXPECT_EQ(modelled_range_note(r.newest), "inside the modelled range " + range);
  EXPECT_EQ(modelled_range_note(KernelVersion{r.newest.major + 1, 2, 3}),
            "newer than the modelled range " + range + ": judged as " + std::to_string(r.newest.major) + "." +
                std::to_string(r.newest.minor));
  EXPECT_EQ(modelled_range_note(KernelVersion{2, 6, 32}), "older than the modelled range " + range + ": not checked against it");
}

// A kernel newer than the newest modelled is predicted as the newest.
TEST(KernelProfile, ANewerKernelIsPredictedAsTheNewestModelled) {
  const KernelVersion n = modelled_range().newest;
  Kernel newest = kernel_at({n.major, n.minor, 0});
  Kernel newer = kernel_at({n.major + 1, 0, 0});
  const std::uint64_t flags[] = {0, VM, VM | SIGHAND | THREAD, NEWUSER | NEWPID, NEWNS | FS, PARENT | VFORK | VM,
                                 NEWIPC | SYSVSEM, PIDFD, PIDFD | DETACHED, NEWTIME | VM, PIDFD | VM | SIGHAND | THREAD};
  for (std::string_view preset : {"root", "unpriv", "pidns_init"})
    for (std::uint64_t f : flags) {
      const Request r{Entry::clone3, f, (f & THREAD) ? 0u : kSigchld};
      const Prediction a = predict_on(newest, r, preset);
      const Prediction b = predict_on(newer, r, preset);
      EXPECT_EQ(a.outcome, b.outcome) << format_flags(f) << " " << preset;
      EXPECT_EQ(a.rule, b.rule) << format_flags(f) << " " << preset;
    }
}

TEST(KernelProfile, SpecsReadReleasesAndKnobs) {
  const Kernel k = debian_6_1();
  EXPECT_EQ(k.version, (KernelVersion{6, 1, 0}));
  EXPECT_EQ(k.release, "6.1.0-50-cloud-amd64");
  EXPECT_EQ(k.unprivileged_userns_clone, true);
  EXPECT_EQ(kernel_spec(k), "6.1.0-50-cloud-amd64,unprivileged_userns_clone=1");
  auto plain = parse_kernel_spec("6.12");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->version, (KernelVersion{6, 12, 0}));
  EXPECT_FALSE(plain->unprivileged_userns_clone.has_value());
  EXPECT_EQ(kernel_spec(*plain), "6.12");
  auto pid_max = parse_kernel_spec("6.18.1,pid_max=32768,unprivileged_userns_clone=0");
  ASSERT_TRUE(pid_max.ok());
  EXPECT_EQ(pid_max->pid_max, 32768);
  EXPECT_EQ(pid_max->unprivileged_userns_clone, false);
  EXPECT_EQ(kernel_spec(*pid_max), "6.18.1,unprivileged_userns_clone=0,pid_max=32768");
  EXPECT_FALSE(parse_kernel_spec("linux").ok());
  EXPECT_FALSE(parse_kernel_spec("6.1,unprivileged_userns_clone=2").ok());
  EXPECT_FALSE(parse_kernel_spec("6.1,no_such_knob=1").ok());
  EXPECT_FALSE(parse_kernel_spec("6.1,unprivileged_userns_clone").ok());
}

// CLONE_PIDFD|CLONE_THREAD: refused until v6.9 (83b290c9e3b5).
TEST(KernelProfile, ThreadPidfdsArriveWithV6_9) {
  const Request r{Entry::clone3, PIDFD | VM | SIGHAND | THREAD, 0};
  EXPECT_EQ(predict_on(debian_6_1(), r).rule, "copy_process.pidfd_thread");
  const Prediction on_6_12 = predict_on(debian_6_12(), r);
  EXPECT_EQ(on_6_12.outcome.error, 0);
  EXPECT_EQ(on_6_12.outcome[Trait::pidfd_thread], Fact::yes);
  EXPECT_EQ(predict_on(host_6_18(), r).outcome, on_6_12.outcome);
}

// CLONE_NEWTIME|CLONE_VM: the child entered the new time namespace until v6.2
// (2b5f9dad32ed); since then only its time_for_children is new.
TEST(KernelProfile, AClonevmChildLeftTheNewTimeNamespaceWithV6_2) {
  for (std::uint64_t flags : {NEWTIME | VM, NEWTIME | VM | SIGHAND | THREAD}) {
    const Request r{Entry::clone3, flags, (flags & THREAD) ? 0u : kSigchld};
    const Prediction old = predict_on(debian_6_1(), r);
    ASSERT_EQ(old.outcome.error, 0) << format_flags(flags);
    EXPECT_EQ(old.outcome[Ns::time], Fact::yes) << format_flags(flags);
    EXPECT_EQ(old.outcome[Ns::time_for_children], Fact::yes);
    EXPECT_EQ(old.semantics, std::vector<std::string>{std::string(semantic::kTimensVmChildEnters)});
    const Prediction now = predict_on(debian_6_12(), r);
    EXPECT_EQ(now.outcome[Ns::time], Fact::no) << format_flags(flags);
    EXPECT_EQ(now.outcome[Ns::time_for_children], Fact::yes);
    EXPECT_EQ(now.semantics, old.semantics);
  }
  // Without CLONE_VM the child enters it on every version, and no versioned
  // semantic is involved.
  for (const Kernel& k : {debian_6_1(), debian_6_12(), host_6_18()}) {
    const Prediction p = predict_on(k, Request{Entry::clone3, NEWTIME, kSigchld});
    EXPECT_EQ(p.outcome[Ns::time], Fact::yes) << k.release;
    EXPECT_TRUE(p.semantics.empty());
  }
}

// Outside the two changes above, 6.1, 6.12 and 6.18 predict alike: a sample
// of the sweep's flags, both presets.
TEST(KernelProfile, TheProfilesAgreeElsewhere) {
  const std::uint64_t flags[] = {0, VM, VM | SIGHAND | THREAD, NEWUSER | NEWPID, NEWNS | FS, PARENT | VFORK | VM,
                                 NEWIPC | SYSVSEM, PIDFD, PIDFD | DETACHED, NEWTIME, CLEAR_SIGHAND};
  for (std::string_view preset : {"root", "unpriv"})
    for (std::uint64_t f : flags) {
      const Request r{Entry::clone3, f, (f & THREAD) ? 0u : kSigchld};
      const Prediction a = predict_on(debian_6_1(), r, preset);
      EXPECT_EQ(a.outcome, predict_on(debian_6_12(), r, preset).outcome) << format_flags(f) << " " << preset;
      EXPECT_EQ(a.outcome, predict_on(host_6_18(), r, preset).outcome) << format_flags(f) << " " << preset;
    }
}

TEST(KernelProfile, ExplainSaysWhyARuleIsNotInThisKernel) {
  const Request r{Entry::clone3, PIDFD | VM | SIGHAND | THREAD, 0};
  const Caller c = *caller_preset("root");
  const Kernel k = host_6_18();
  const std::string text = explain(r, c, k, predict_on(k, r));
  EXPECT_NE(text.find("n/a   copy_process.pidfd_thread  (not in 6.18.44: removed by 83b290c9e3b5"), std::string::npos)
      << text;
  EXPECT_NE(text.find("model    Linux 6.18.44 (6.18.44-fc-v782)"), std::string::npos) << text;
  // Below a rule's first version, the change that introduced it.
  Kernel old = *parse_kernel_spec("5.1");
  const std::string before = explain(Request{Entry::clone, PIDFD | DETACHED, kSigchld}, c, old,
                                     predict_on(old, Request{Entry::clone, PIDFD | DETACHED, kSigchld}));
  EXPECT_NE(before.find("(not in 5.1.0: b3e583825266 \"clone: add CLONE_PIDFD\" (v5.2))"), std::string::npos) << before;
}

TEST(KernelProfile, ExplainNamesTheVersionedSemantic) {
  const Request r{Entry::clone3, NEWTIME | VM, kSigchld};
  const Caller c = *caller_preset("root");
  const std::string old = explain(r, c, debian_6_1(), predict_on(debian_6_1(), r));
  EXPECT_NE(old.find("version  copy_namespaces.timens_vm_child_enters"), std::string::npos) << old;
  EXPECT_NE(old.find("until 6.2.0: ended by 2b5f9dad32ed"), std::string::npos) << old;
  const std::string now = explain(r, c, debian_6_12(), predict_on(debian_6_12(), r));
  EXPECT_NE(now.find("a CLONE_VM child stays in the caller's time namespace"), std::string::npos) << now;
}

}  // namespace
}  // namespace clonediff::model
