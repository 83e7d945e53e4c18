// A prober without kcmp (as under gVisor, where it is ENOSYS): a seccomp
// filter makes kcmp fail with ENOSYS in a forked prober process. The kcmp
// witness must then say `unknown` with its reason, never `false`, and the
// behavioural witness must still decide the sharing facts it covers.
#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "harness/engine/case_host.hpp"
#include "harness/case/compare.hpp"
#include "model/flags.hpp"
#include "model/predict.hpp"
#include "probes/running_kernel.hpp"

namespace clonediff::harness {
namespace {

using model::Fact;
using model::Resource;

// Runs in the forked prober; returns an exit code naming the first failed check.
int probe_without_kcmp() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(kcmp), 0) != 0 || seccomp_load(ctx) != 0)
    return 10;
  seccomp_release(ctx);

  auto host = CaseHost::start(CaseHostOptions{});
  if (!host) return 11;
  const model::Request request{model::Entry::clone, model::flag::VM | model::flag::FILES, model::kSigchld};
  CaseRun r = (*host)->run(request);
  if (r.status != CaseRun::Status::completed) return 12;
  for (Resource res : model::kResources)
    if (r.witnesses.kcmp[static_cast<std::size_t>(res)] != Fact::unknown) return 20 + static_cast<int>(res);
  if (r.witnesses.kcmp_note.find("kcmp") == std::string::npos) return 13;
  // The behavioural witness decides what it covers ...
  if (r.observed[Resource::vm] != Fact::yes || r.observed[Resource::files] != Fact::yes) return 14;
  if (r.observed[Resource::fs] != Fact::no || r.observed[Resource::sighand] != Fact::no) return 15;
  if (r.observed[Resource::io] != Fact::no) return 16;
  // ... and what nobody could see stays unknown.
  if (r.observed[Resource::sysvsem] != Fact::unknown) return 17;
  // Unknown never makes a mismatch.
  auto kernel = probes::running_kernel();
  if (!kernel) return 18;
  auto predicted = model::predict(request, (*host)->caller(), *kernel);
  if (!predicted || !diff_outcomes(predicted->outcome, r.observed).empty()) return 19;
  return 0;
}

TEST(MissingWitness, KcmpUnavailableMeansUnknownAndBehaviourStillSpeaks) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(probe_without_kcmp());
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the prober died";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failed check " << WEXITSTATUS(status)
                                    << " (10-11 set-up, 12 case, 13 note, 14-17 facts, 20+ a kcmp fact not unknown)";
}

}  // namespace
}  // namespace clonediff::harness
