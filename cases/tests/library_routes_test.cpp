// The C library's entries under the supervisor: the call glibc really made is
// recorded; refusing clone3 (ENOSYS) moves glibc to legacy clone without
// changing the child; and without user notification the cases are skipped,
// with the reason, never run unsupervised.
#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "cases/tests/seccomp_refusal.hpp"
#include "harness/engine/runner.hpp"
#include "model/flags.hpp"
#include "probes/running_kernel.hpp"
#include "probes/sys/check.hpp"
#include "probes/sys/in_forked_process.hpp"

namespace clonediff::harness {
namespace {

using namespace model::flag;

CatalogueCase library_case(model::Entry entry, bool clone3_enosys) {
  CatalogueCase c;
  c.id = std::string("library/") + std::string(model::entry_name(entry)) + (clone3_enosys ? "-clone3-enosys" : "");
  c.suite = "library";
  c.context = "root";
  c.request = model::Request{entry, 0, model::kSigchld};
  c.clone3_enosys = clone3_enosys;
  return c;
}

Runner& runner() {
  static Runner r(*probes::running_kernel());
  return r;
}

class Routes : public ::testing::TestWithParam<model::Entry> {};

TEST_P(Routes, RefusingClone3ChangesTheRouteNotTheChild) {
  const CaseResult direct = runner().run(library_case(GetParam(), false));
  const CaseResult fallback = runner().run(library_case(GetParam(), true));
  ASSERT_EQ(direct.verdict, Verdict::match) << direct.reason;
  ASSERT_EQ(fallback.verdict, Verdict::match) << fallback.reason;
  ASSERT_TRUE(direct.live->route && fallback.live->route);
  // Never clone3 once it is refused.
  EXPECT_NE(fallback.live->route->request.entry, model::Entry::clone3) << fallback.live->route->text;
  const model::Outcome& a = direct.live->observed;
  const model::Outcome& b = fallback.live->observed;
  EXPECT_EQ(a.share, b.share);
  EXPECT_EQ(a.ns_new, b.ns_new);
  EXPECT_EQ(a.same_tgid, b.same_tgid);
  EXPECT_EQ(a.ppid_is_caller, b.ppid_is_caller);
  EXPECT_EQ(a.exit_signal, b.exit_signal);
  EXPECT_EQ(a.parent_signal, b.parent_signal);
  // The flags glibc asks for are the same on both routes.
  EXPECT_EQ(direct.live->route->request.flags, fallback.live->route->request.flags);
}

INSTANTIATE_TEST_SUITE_P(Library, Routes,
                         ::testing::Values(model::Entry::fork, model::Entry::vfork, model::Entry::pthread_create,
                                           model::Entry::posix_spawn, model::Entry::system),
                         [](const ::testing::TestParamInfo<model::Entry>& p) {
                           return std::string(model::entry_name(p.param));
                         });

TEST(Routes, TheRecordedCallsAreGlibcs) {
  const CaseResult thread = runner().run(library_case(model::Entry::pthread_create, false));
  ASSERT_TRUE(thread.live && thread.live->route);
  EXPECT_EQ(thread.live->route->request.entry, model::Entry::clone3);
  EXPECT_EQ(thread.live->route->request.flags & (VM | SIGHAND | THREAD | SETTLS), VM | SIGHAND | THREAD | SETTLS);
  EXPECT_EQ(thread.live->observed.same_tgid, model::Fact::yes);
  const CaseResult spawn = runner().run(library_case(model::Entry::posix_spawn, false));
  ASSERT_TRUE(spawn.live && spawn.live->route);
  EXPECT_EQ(spawn.live->route->request.flags & (VM | VFORK), VM | VFORK);
  EXPECT_EQ(spawn.live->observed[model::Trait::caller_suspended], model::Fact::yes);
  const CaseResult vfork = runner().run(library_case(model::Entry::vfork, false));
  ASSERT_TRUE(vfork.live && vfork.live->route);
  EXPECT_EQ(vfork.live->route->request.entry, model::Entry::vfork);
}

// glibc's clone(): a NULL fn or stack is refused by glibc itself, and the
// supervisor sees no call; otherwise the clone call is recorded, and the
// child's exit status is its function's return value.
TEST(Routes, GlibcCloneRefusesNullsWithoutASystemCall) {
  for (model::FnArg fn : {model::FnArg::null, model::FnArg::harness}) {
    CatalogueCase c = library_case(model::Entry::glibc_clone, false);
    c.request.fn = fn;
    c.request.stack = fn == model::FnArg::null ? model::StackArg::harness : model::StackArg::none;
    const CaseResult r = runner().run(c);
    ASSERT_EQ(r.verdict, Verdict::match) << r.reason;
    ASSERT_TRUE(r.live);
    EXPECT_EQ(r.live->returned, -EINVAL);
    EXPECT_FALSE(r.live->route) << "glibc made " << r.live->route->text;
    EXPECT_EQ(r.predicted->rule, fn == model::FnArg::null ? "glibc_clone.null_fn" : "glibc_clone.null_stack");
  }
  const CaseResult made = runner().run(library_case(model::Entry::glibc_clone, false));
  ASSERT_EQ(made.verdict, Verdict::match) << made.reason;
  ASSERT_TRUE(made.live->route);
  EXPECT_EQ(made.live->route->request.entry, model::Entry::clone);
  EXPECT_EQ(made.live->observed[model::Trait::exit_status_from_fn], model::Fact::yes);
  EXPECT_EQ(made.predicted->outcome[model::Trait::exit_status_from_fn], model::Fact::yes);
}

// In a forked process whose seccomp() is ENOSYS: the supervisor cannot be
// installed.
TEST(Routes, WithoutUserNotificationTheCasesAreSkippedWithTheReason) {
  const sys::ForkedEnd end = sys::in_forked_process([] {
    CLONEDIFF_CHECK(refuse_in_this_process(SCMP_SYS(seccomp), ENOSYS));
    Runner local(*probes::running_kernel());
    const CaseResult r = local.run(library_case(model::Entry::fork, false));
    CLONEDIFF_CHECK(r.verdict == Verdict::skip);
    CLONEDIFF_CHECK(r.reason.find("seccomp supervisor cannot be used") != std::string::npos);
    CLONEDIFF_CHECK(!r.live);  // never run unsupervised
    // Raw entries need no supervisor and still run.
    CatalogueCase raw = library_case(model::Entry::fork, false);
    raw.request = model::Request{model::Entry::clone, VM, model::kSigchld};
    CLONEDIFF_CHECK(local.run(raw).verdict == Verdict::match);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

}  // namespace
}  // namespace clonediff::harness
