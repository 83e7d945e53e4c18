// The C library's entries under the supervisor: the call glibc really made is
// recorded; refusing clone3 (ENOSYS) moves glibc to legacy clone without
// changing the child; and without user notification the cases are skipped,
// with the reason, never run unsupervised.
#include <gtest/gtest.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "harness/engine/runner.hpp"
#include "probes/running_kernel.hpp"
#include "model/flags.hpp"

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
  ASSERT_TRUE(direct.run->route && fallback.run->route);
  // Never clone3 once it is refused.
  EXPECT_NE(fallback.run->route->request.entry, model::Entry::clone3) << fallback.run->route->text;
  const model::Outcome& a = direct.run->observed;
  const model::Outcome& b = fallback.run->observed;
  EXPECT_EQ(a.share, b.share);
  EXPECT_EQ(a.ns_new, b.ns_new);
  EXPECT_EQ(a.same_tgid, b.same_tgid);
  EXPECT_EQ(a.ppid_is_caller, b.ppid_is_caller);
  EXPECT_EQ(a.exit_signal, b.exit_signal);
  EXPECT_EQ(a.parent_signal, b.parent_signal);
  // The flags glibc asks for are the same on both routes.
  EXPECT_EQ(direct.run->route->request.flags, fallback.run->route->request.flags);
}

INSTANTIATE_TEST_SUITE_P(Library, Routes,
                         ::testing::Values(model::Entry::fork, model::Entry::vfork, model::Entry::pthread_create,
                                           model::Entry::posix_spawn, model::Entry::system),
                         [](const ::testing::TestParamInfo<model::Entry>& p) {
                           return std::string(model::entry_name(p.param));
                         });

TEST(Routes, TheRecordedCallsAreGlibcs) {
  const CaseResult thread = runner().run(library_case(model::Entry::pthread_create, false));
  ASSERT_TRUE(thread.run && thread.run->route);
  EXPECT_EQ(thread.run->route->request.entry, model::Entry::clone3);
  EXPECT_EQ(thread.run->route->request.flags & (VM | SIGHAND | THREAD | SETTLS), VM | SIGHAND | THREAD | SETTLS);
  EXPECT_EQ(thread.run->observed.same_tgid, model::Fact::yes);
  const CaseResult spawn = runner().run(library_case(model::Entry::posix_spawn, false));
  ASSERT_TRUE(spawn.run && spawn.run->route);
  EXPECT_EQ(spawn.run->route->request.flags & (VM | VFORK), VM | VFORK);
  EXPECT_EQ(spawn.run->observed[model::Trait::caller_suspended], model::Fact::yes);
  const CaseResult vfork = runner().run(library_case(model::Entry::vfork, false));
  ASSERT_TRUE(vfork.run && vfork.run->route);
  EXPECT_EQ(vfork.run->route->request.entry, model::Entry::vfork);
}

// Runs in a forked process whose seccomp() is ENOSYS: the supervisor cannot be
// installed. Returns an exit code naming the first failed check.
int run_without_user_notification() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(seccomp), 0) != 0 || seccomp_load(ctx) != 0)
    return 10;
  seccomp_release(ctx);
  Runner local(*probes::running_kernel());
  const CaseResult r = local.run(library_case(model::Entry::fork, false));
  if (r.verdict != Verdict::skip) return 11;
  if (r.reason.find("seccomp supervisor cannot be used") == std::string::npos) return 12;
  if (r.run) return 13;  // never run unsupervised
  // Raw entries need no supervisor and still run.
  CatalogueCase raw = library_case(model::Entry::fork, false);
  raw.request = model::Request{model::Entry::clone, VM, model::kSigchld};
  if (local.run(raw).verdict != Verdict::match) return 14;
  return 0;
}

TEST(Routes, WithoutUserNotificationTheCasesAreSkippedWithTheReason) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) ::_exit(run_without_user_notification());
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failed check " << WEXITSTATUS(status);
}

}  // namespace
}  // namespace clonediff::harness
