// A prober without kcmp (as under gVisor, where it is ENOSYS): a seccomp
// filter makes kcmp fail with ENOSYS in a forked prober process. The kcmp
// witness must then say `unknown` with its reason, never `false`, and the
// behavioural witness must still decide the sharing facts it covers.
#include <gtest/gtest.h>
#include <seccomp.h>

#include <cerrno>

#include "cases/tests/seccomp_refusal.hpp"
#include "harness/engine/case_host.hpp"
#include "harness/case/compare.hpp"
#include "model/flags.hpp"
#include "model/predict.hpp"
#include "probes/running_kernel.hpp"
#include "probes/sys/check.hpp"
#include "probes/sys/in_forked_process.hpp"

namespace clonediff::harness {
namespace {

using model::Fact;
using model::Resource;

// In a forked prober.
TEST(MissingWitness, KcmpUnavailableMeansUnknownAndBehaviourStillSpeaks) {
  const sys::ForkedEnd end = sys::in_forked_process([] {
    CLONEDIFF_CHECK(refuse_in_this_process(SCMP_SYS(kcmp), ENOSYS));
    auto host = CaseHost::start(CaseHostOptions{});
    CLONEDIFF_CHECK(host.ok());
    const model::Request request{model::Entry::clone, model::flag::VM | model::flag::FILES, model::kSigchld};
    LiveCall r = (*host)->make_call(request);
    CLONEDIFF_CHECK(r.status == LiveCall::Status::completed);
    for (Resource res : model::kResources) CLONEDIFF_CHECK(r.witnesses.kcmp[static_cast<std::size_t>(res)] == Fact::unknown);
    CLONEDIFF_CHECK(r.witnesses.kcmp_note.find("kcmp") != std::string::npos);
    // The behavioural witness decides what it covers ...
    CLONEDIFF_CHECK(r.observed[Resource::vm] == Fact::yes && r.observed[Resource::files] == Fact::yes);
    CLONEDIFF_CHECK(r.observed[Resource::fs] == Fact::no && r.observed[Resource::sighand] == Fact::no);
    CLONEDIFF_CHECK(r.observed[Resource::io] == Fact::no);
    // ... and what nobody could see stays unknown.
    CLONEDIFF_CHECK(r.observed[Resource::sysvsem] == Fact::unknown);
    // Unknown never makes a mismatch.
    auto kernel = probes::running_kernel();
    CLONEDIFF_CHECK(kernel.ok());
    auto predicted = model::predict(request, (*host)->caller_facts(), *kernel);
    CLONEDIFF_CHECK(predicted && diff_outcomes(predicted->outcome, r.observed).empty());
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

}  // namespace
}  // namespace clonediff::harness
