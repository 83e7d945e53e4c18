#include "harness/explore/coverage.hpp"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "model/flags.hpp"
#include "model/rules.hpp"
#include "model/semantics.hpp"

namespace clonediff::explore {
namespace {

using namespace model::flag;

model::Kernel kernel(int major, int minor, std::optional<bool> unprivileged_userns_clone = std::nullopt) {
  model::Kernel k;
  k.version = {major, minor, 0};
  k.release = std::to_string(major) + "." + std::to_string(minor) + ".0";
  k.unprivileged_userns_clone = unprivileged_userns_clone;
  k.pid_max = 32768;
  return k;
}

// The probe is deterministic for a profile (its seed is fixed) and takes
// about half a second: the profiles the tests here ask for are probed once,
// all at once on first use (the model is pure, so the probes can run side by
// side), and kept for every test.
const Reachability& reachability(const model::Kernel& k) {
  static const std::map<std::string, Reachability> made = [] {
    const std::vector<model::Kernel> profiles = {kernel(6, 18), kernel(6, 1, true), kernel(6, 1, false),
                                                 kernel(6, 12, true)};
    std::vector<std::future<Reachability>> probes;
    for (const model::Kernel& p : profiles)
      probes.push_back(std::async(std::launch::async, [p] { return probe_reachability(p); }));
    std::map<std::string, Reachability> out;
    for (std::size_t i = 0; i < profiles.size(); ++i) out.emplace(model::kernel_spec(profiles[i]), probes[i].get());
    return out;
  }();
  static const Reachability none;
  const auto it = made.find(model::kernel_spec(k));
  if (it == made.end()) {
    ADD_FAILURE() << "no probe of " << model::kernel_spec(k) << ": add the profile to reachability()";
    return none;
  }
  return it->second;
}

const CoverageRow& row_of(const RuleCoverage& c, std::string_view id) {
  for (const CoverageRow& r : c.rows())
    if (r.id == id) return r;
  static CoverageRow none;
  ADD_FAILURE() << "no row " << id;
  return none;
}

TEST(Coverage, EveryRuleSuccessAndSemanticHasARow) {
  const auto rows = coverage_rows();
  // Every refusal rule, the one success, and each versioned semantic (the
  // bounded success rows: timens, the pidfd_after rows of after= (setns included), and fdinfo's NSpid and cleared Pid).
  EXPECT_EQ(rows.size(), model::refusal_rules().size() + 1 + model::versioned_semantics().size());
  EXPECT_EQ(model::versioned_semantics().size(), 9u) << "a new bounded success row: update this test";
  EXPECT_EQ(rows.front().id, model::refusal_rules().front().id);
}

TEST(Coverage, CountsDecidedMatchedDivergedAndPassed) {
  RuleCoverage c;
  const model::Caller root = *model::caller_preset("root");
  const model::Kernel k = kernel(6, 18);
  // NEWNS|FS: refused by copy_process.newns_fs, after every clone3 rule passed.
  auto refused = model::predict(model::Request{model::Entry::clone, NEWNS | FS, 17}, root, k);
  c.add(*refused, harness::Verdict::match);
  c.add(*refused, harness::Verdict::mismatch);
  // A CLONE_VM child entering a new time namespace: ok, and the semantic.
  auto created = model::predict(model::Request{model::Entry::clone3, VM | NEWTIME, 17}, root, k);
  c.add(*created, harness::Verdict::match);
  EXPECT_EQ(c.cases(), 3u);
  EXPECT_EQ(row_of(c, "copy_process.newns_fs").decided, 2u);
  EXPECT_EQ(row_of(c, "copy_process.newns_fs").matched, 1u);
  EXPECT_EQ(row_of(c, "copy_process.newns_fs").diverged, 1u);
  EXPECT_EQ(row_of(c, "copy_process.newns_fs").passed, 1u);  // checked for the created child, not fired
  EXPECT_EQ(row_of(c, "clone3.size_above_page").passed, 3u);
  EXPECT_EQ(row_of(c, "copy_process.ok").decided, 1u);
  EXPECT_EQ(row_of(c, "copy_namespaces.timens_vm_child_enters").decided, 1u);
  EXPECT_EQ(row_of(c, "pids_can_fork.pids_max").passed, 1u);
  RuleCoverage twice = c;
  twice.merge(c);
  EXPECT_EQ(row_of(twice, "copy_process.newns_fs").decided, 4u);
  EXPECT_EQ(twice.cases(), 6u);
}

TEST(Coverage, ReachabilityNamesVersionBoundsAndKnobs) {
  const Reachability& on_6_18 = reachability(kernel(6, 18));
  ASSERT_TRUE(on_6_18.unreachable.count("copy_process.timens_shared_vm"));
  EXPECT_NE(on_6_18.unreachable.at("copy_process.timens_shared_vm").find("2b5f9dad32ed"), std::string::npos);
  ASSERT_TRUE(on_6_18.unreachable.count("copy_process.pidfd_thread"));
  EXPECT_NE(on_6_18.unreachable.at("copy_process.pidfd_thread").find("83b290c9e3b5"), std::string::npos);
  ASSERT_TRUE(on_6_18.unreachable.count("copy_process.debian_unprivileged_userns_clone"));
  EXPECT_NE(on_6_18.unreachable.at("copy_process.debian_unprivileged_userns_clone").find("unprivileged_userns_clone=0"),
            std::string::npos);
  ASSERT_TRUE(on_6_18.unreachable.count("alloc_pid.set_tid_range"));
  EXPECT_NE(on_6_18.unreachable.at("alloc_pid.set_tid_range").find("7863dcc72d0f"), std::string::npos);
  // The rest: rules whose version range ends before 6.18, and rules only a
  // kernel knob set otherwise reaches; nothing unreachable for want of a case.
  std::set<std::string> ended, knobs;
  for (const auto& [id, why] : on_6_18.unreachable) {
    if (why.starts_with("not in 6.18.0: ")) ended.insert(id);
    else if (why.starts_with("needs ")) knobs.insert(id);
    else ADD_FAILURE() << id << ": " << why;
  }
  EXPECT_EQ(ended, (std::set<std::string>{"alloc_pid.set_tid_capability_sys_admin", "alloc_pid.set_tid_range",
                                          "clone3.no_syscall", "copy_process.pidfd_parent_settid",
                                          "copy_process.pidfd_thread", "copy_process.rlimit_nproc_before_creds",
                                          "copy_process.timens_shared_vm",
                                          "legacy_clone_args_valid.pidfd_parent_settid"}));
  EXPECT_EQ(knobs, (std::set<std::string>{"copy_process.debian_unprivileged_userns_clone",
                                          "copy_cgroup_ns.max_cgroup_namespaces", "copy_ipcs.max_ipc_namespaces",
                                          "copy_mnt_ns.max_mnt_namespaces", "copy_net_ns.max_net_namespaces",
                                          "copy_time_ns.max_time_namespaces", "copy_utsname.max_uts_namespaces",
                                          "create_pid_namespace.max_pid_namespaces"}));
  ASSERT_TRUE(on_6_18.unreachable.count("copy_net_ns.max_net_namespaces"));
  EXPECT_EQ(on_6_18.unreachable.at("copy_net_ns.max_net_namespaces"),
            "needs the kernel knob user.max_net_namespaces=0 (this kernel: not 0)");
  // On Debian's 6.1 the two version-bounded rules hold; the knob is still 1.
  const Reachability& on_6_1 = reachability(kernel(6, 1, true));
  EXPECT_FALSE(on_6_1.unreachable.count("copy_process.timens_shared_vm"));
  EXPECT_FALSE(on_6_1.unreachable.count("copy_process.pidfd_thread"));
  EXPECT_TRUE(on_6_1.unreachable.count("copy_process.debian_unprivileged_userns_clone"));
  EXPECT_TRUE(on_6_1.unreachable.count("alloc_pid.set_tid_range_pidns"));
  EXPECT_FALSE(reachability(kernel(6, 1, false)).unreachable.count("copy_process.debian_unprivileged_userns_clone"));
}

TEST(Coverage, AContextThatCannotBeBuiltMakesItsRulesUnreachableHere) {
  Reachability reach;
  reach.reached_in["pids_can_fork.pids_max"] = {"pids_max"};
  reach.reached_in["copy_process.ok"] = {"root", "pids_max"};
  const std::map<std::string, std::string> unbuildable = {{"pids_max", "no pids controller"}};
  const auto here = unreachable_here(reach, unbuildable);
  ASSERT_TRUE(here.count("pids_can_fork.pids_max"));
  EXPECT_NE(here.at("pids_can_fork.pids_max").find("no pids controller"), std::string::npos);
  EXPECT_FALSE(here.count("copy_process.ok"));
}

// What CI requires of the catalogue, on the model alone: every rule that can
// decide a case on a kernel the model knows is decided by some catalogue case
// there (predicted with its context preset's facts). The live check is
// explore_live_tests' (run --require-coverage).
TEST(Coverage, TheCatalogueDecidesEveryReachableRule) {
  auto catalogue = harness::builtin_catalogue();
  ASSERT_TRUE(catalogue);
  for (const model::Kernel& k : {kernel(6, 1, true), kernel(6, 1, false), kernel(6, 12, true), kernel(6, 18)}) {
    RuleCoverage c;
    for (const harness::CatalogueCase& cc : *catalogue) {
      auto p = model::predict(cc.request, *model::caller_preset(cc.context), k);
      ASSERT_TRUE(p);
      c.add(*p, harness::Verdict::match);
    }
    const auto missing = undecided_reachable(c, reachability(k), {});
    std::string names;
    for (const std::string& id : missing) names += " " + id;
    EXPECT_TRUE(missing.empty()) << k.version.str() << ":" << names;
  }
}

TEST(Coverage, TheTableSaysWhatIsNotReachableAndWhatWasNeverDecided) {
  RuleCoverage c;
  Reachability reach;
  reach.unreachable["copy_process.pidfd_thread"] = "not in 6.18.0: removed by 83b290c9e3b5";
  for (const CoverageRow& r : coverage_rows())
    if (r.id != "copy_process.pidfd_thread") reach.reached_in[r.id] = {"root"};
  const std::string text = coverage_text(c, reach, {});
  EXPECT_NE(text.find("not reachable here (1):\n  copy_process.pidfd_thread: not in 6.18.0"), std::string::npos) << text;
  EXPECT_NE(text.find("reachable here and never decided"), std::string::npos);
  EXPECT_NE(text.find("0 of " + std::to_string(coverage_rows().size() - 1) + " rules reachable here decided"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace clonediff::explore
