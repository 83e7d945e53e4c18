// The witnesses on their own, against pairs whose answer is known without the
// model: a task compared with itself shares everything; a fork() child shares
// nothing kcmp can compare.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <optional>

#include "probes/behaviour.hpp"
#include "probes/identity.hpp"
#include "probes/net_look.hpp"
#include "probes/observe.hpp"
#include "probes/sys/check.hpp"
#include "probes/sys/in_forked_process.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::probes {
namespace {

using model::Fact;
using model::Resource;

CallerIdentity self_identity(bool primed) {
  CallerIdentity c;
  c.pid = ::getpid();
  c.ns = *read_ns_inodes(c.pid);
  c.io_context = primed;
  c.sysvsem_undo = primed;
  return c;
}

TEST(Identity, ATaskSharesEverythingWithItself) {
  auto o = observe_identity(self_identity(true), ::getpid());
  ASSERT_TRUE(o.ok()) << o.error().message;
  for (Resource r : model::kResources) EXPECT_EQ(o->kcmp[static_cast<std::size_t>(r)], Fact::yes) << resource_name(r);
  for (model::Ns n : model::kNamespaces) EXPECT_EQ(o->ns_new[static_cast<std::size_t>(n)], Fact::no) << ns_name(n);
  EXPECT_EQ(o->same_tgid, Fact::yes);
  EXPECT_EQ(o->ppid_is_caller, Fact::no);  // our parent is not ourselves
}

TEST(Identity, AnInodeThatChangesBetweenLooksIdentifiesNothing) {
  NsInodes first, second;
  first.ino[0] = second.ino[0] = 4026531840;  // alike: kept
  first.ino[1] = 4026531838;                  // gVisor: a new one per lookup
  second.ino[1] = 4026531999;
  first.ino[2] = 4026531839;  // seen once only
  const NsInodes kept = stable_ns_inodes(first, second);
  EXPECT_EQ(kept.ino[0], first.ino[0]);
  EXPECT_FALSE(kept.ino[1].has_value());
  EXPECT_FALSE(kept.ino[2].has_value());
  EXPECT_FALSE(kept.ino[3].has_value());

  // With the caller's entry unknown, the child's namespace is unknown, not new.
  CallerIdentity c = self_identity(true);
  c.ns = kept;
  auto o = observe_identity(c, ::getpid());
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->ns_new[1], Fact::unknown);
}

// A child whose namespace links cannot be read where the caller's could (a
// zombie has none) is a failed look: an error, never facts left unknown,
// which the comparison would pass over.
TEST(Identity, AChildWhoseNamespacesCannotBeReadIsAnError) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);  // a zombie, not reaped
  auto o = observe_identity(self_identity(true), child);
  ::waitpid(child, nullptr, 0);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.error().message.find("/ns/"), std::string::npos) << o.error().message;
}

// kcmp's refusal keeps its errno, so that observe_identity() can tell an
// implementation without kcmp (ENOSYS: unknown) from a look that failed.
TEST(Identity, AKcmpRefusalKeepsItsErrno) {
  std::string why;
  errno = 0;
  EXPECT_EQ(kcmp_same(::getpid(), std::numeric_limits<pid_t>::max(), Resource::vm, &why), Fact::unknown);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_NE(why.find("kcmp"), std::string::npos) << why;
}

TEST(Identity, EqualNullPointersAreNotSharing) {
  // kcmp says "equal" for io and sysvsem; without priming that may be NULL == NULL.
  auto o = observe_identity(self_identity(false), ::getpid());
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->kcmp[static_cast<std::size_t>(Resource::io)], Fact::unknown);
  EXPECT_EQ(o->kcmp[static_cast<std::size_t>(Resource::sysvsem)], Fact::unknown);
  EXPECT_EQ(o->kcmp[static_cast<std::size_t>(Resource::vm)], Fact::yes);
}

TEST(Identity, AForkChildSharesNoneOfTheKcmpResources) {
  sys::HeldChild child;  // held until the parent has looked
  ASSERT_GT(child.pid(), 0);
  auto o = observe_identity(self_identity(true), child.pid());
  child.reap();
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(o->kcmp[static_cast<std::size_t>(Resource::vm)], Fact::no);
  EXPECT_EQ(o->kcmp[static_cast<std::size_t>(Resource::files)], Fact::no);
  EXPECT_EQ(o->kcmp[static_cast<std::size_t>(Resource::fs)], Fact::no);
  EXPECT_EQ(o->kcmp[static_cast<std::size_t>(Resource::sighand)], Fact::no);
  EXPECT_EQ(o->same_tgid, Fact::no);
  EXPECT_EQ(o->ppid_is_caller, Fact::yes);
  EXPECT_EQ(o->exit_signal, SIGCHLD);
}

// What a fork child starts with equal: cwd, root, ids, the open files (one
// description, so one offset); its parent is not the caller's parent.
TEST(Identity, AForkChildStartsWithTheCallersCopiedStateAndOpenFiles) {
  sys::UniqueFd file(::memfd_create(kOpenFileName, MFD_CLOEXEC));
  ASSERT_TRUE(file);
  sys::HeldChild child;
  ASSERT_GT(child.pid(), 0);
  CallerIdentity caller = self_identity(true);
  read_copied_state(caller);
  auto o = observe_identity(caller, child.pid());
  child.reap();
  ASSERT_TRUE(o.ok()) << o.error().message;
  EXPECT_EQ(caller.open_file_fd, file.get());
  EXPECT_EQ(caller.ppid, ::getppid());
  EXPECT_EQ(o->cwd_copied, Fact::yes);
  EXPECT_EQ(o->root_copied, Fact::yes);
  EXPECT_EQ(o->creds_copied, Fact::yes);
  EXPECT_EQ(o->open_file_shared, Fact::yes);
  EXPECT_EQ(o->ppid_is_callers_parent, Fact::no);
  EXPECT_EQ(o->net_loopback_only_down, Fact::unknown) << "its network namespace is the caller's";
}

// A network namespace: the host's has more than a loopback that is down; a
// new one has only lo, down.
// A task's state once it is `want`, or the last one seen after 5 s of looks.
std::optional<char> await_state(pid_t pid, char want) {
  std::optional<char> state;
  for (int tries = 0; tries < 5000 && (state = task_state(pid)) != want; ++tries) ::usleep(1000);
  return state;
}

// What the host's vfork shortcut rests on (case_host's in_vfork_wait): a
// vfork parent whose child has not yet exited or exec'd sleeps in state D,
// blocked in the creating call. A task sleeping in read() is S instead.
TEST(Identity, AVforkParentSleepsInStateDInsideTheCall) {
  int go[2];
  ASSERT_EQ(::pipe2(go, O_CLOEXEC), 0);
  const pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    ::close(go[1]);
    if (::vfork() == 0) {  // the vfork child: only system calls, then _exit
      char byte;
      (void)!::read(go[0], &byte, 1);
      ::_exit(0);
    }
    ::_exit(0);
  }
  ::close(go[0]);
  const std::optional<char> state = await_state(parent, 'D');
  const auto nr = blocked_in_syscall(parent);
  ::close(go[1]);  // the child reads the end and exits; the parent returns
  int status = 0;
  ASSERT_EQ(::waitpid(parent, &status, 0), parent);
  EXPECT_EQ(state, 'D');
  ASSERT_TRUE(nr.has_value());
  EXPECT_TRUE(*nr == SYS_vfork || *nr == SYS_clone || *nr == SYS_clone3) << *nr;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;

  // A task asleep in read() is S; this one, running, is R.
  int idle[2];
  ASSERT_EQ(::pipe2(idle, O_CLOEXEC), 0);
  const pid_t reader = ::fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    ::close(idle[1]);
    char byte;
    (void)!::read(idle[0], &byte, 1);
    ::_exit(0);
  }
  ::close(idle[0]);
  const std::optional<char> reader_state = await_state(reader, 'S');
  ::close(idle[1]);
  ASSERT_EQ(::waitpid(reader, nullptr, 0), reader);
  EXPECT_EQ(reader_state, 'S');
  EXPECT_EQ(task_state(::getpid()), 'R');
  EXPECT_FALSE(task_state(reader).has_value());  // reaped: nothing to read
}

TEST(NetLook, ANewNetworkNamespaceHoldsOnlyLoopbackDown) {
  EXPECT_EQ(loopback_only_down(::getpid()), Fact::no);
  int ready[2];
  int hold[2];
  ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(hold, O_CLOEXEC), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(hold[1]);  // else its own copy keeps the read below from ever ending
    ::close(ready[0]);
    const char ok = ::unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
    (void)!::write(ready[1], &ok, 1);
    char c;
    (void)!::read(hold[0], &c, 1);  // until the parent closes its end
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(hold[0]);
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  const Fact seen = loopback_only_down(pid);
  ::close(hold[1]);
  ::close(ready[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(ok, 'y') << "unshare(CLONE_NEWNET) failed in the child";
  EXPECT_EQ(seen, Fact::yes);
}

// In a forked process: the baseline changes umask, ioprio, a signal.
TEST(Behaviour, SeesItsOwnChangesAsSharedAndRestoresTheBaseline) {
  const sys::ForkedEnd end = sys::in_forked_process([] {
    auto base = BehaviourBaseline::establish();
    CLONEDIFF_CHECK(base && base->intact());
    BehaviourPlan plan = base->plan(0x5eed);
    unsigned acted = behaviour_act(plan);  // "the child" is ourselves: full sharing
    CLONEDIFF_CHECK(acted == (acted_bit(Resource::vm) | acted_bit(Resource::files) | acted_bit(Resource::fs) |
                              acted_bit(Resource::sighand) | acted_bit(Resource::io)));
    CLONEDIFF_CHECK(!base->intact());  // the baseline check must notice the change
    auto seen = base->observe_and_restore(plan, acted);
    for (Resource r : {Resource::vm, Resource::files, Resource::fs, Resource::sighand, Resource::io})
      CLONEDIFF_CHECK(seen[static_cast<std::size_t>(r)] == Fact::yes);
    CLONEDIFF_CHECK(seen[static_cast<std::size_t>(Resource::sysvsem)] == Fact::unknown);
    CLONEDIFF_CHECK(base->intact());
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

TEST(Behaviour, AForkChildsChangesStayInTheChild) {
  const sys::ForkedEnd end = sys::in_forked_process([] {
    auto base = BehaviourBaseline::establish();
    CLONEDIFF_CHECK(base.ok());
    BehaviourPlan plan = base->plan(0x77);
    auto report = sys::pipe_pair();
    CLONEDIFF_CHECK(report.ok());
    pid_t inner = ::fork();
    if (inner == 0) {
      unsigned acted = behaviour_act(plan);
      (void)::write(report->second.get(), &acted, sizeof acted);
      ::_exit(0);
    }
    unsigned acted = 0;
    CLONEDIFF_CHECK(::read(report->first.get(), &acted, sizeof acted) == sizeof acted);
    ::waitpid(inner, nullptr, 0);
    auto seen = base->observe_and_restore(plan, acted);
    for (Resource r : {Resource::vm, Resource::files, Resource::fs, Resource::sighand, Resource::io})
      CLONEDIFF_CHECK(seen[static_cast<std::size_t>(r)] == Fact::no);
  });
  EXPECT_TRUE(end.passed()) << end.account();
}

TEST(Combine, WitnessesAgreeFillInOrConflict) {
  EXPECT_EQ(combine(Fact::yes, Fact::yes), Fact::yes);
  EXPECT_EQ(combine(Fact::no, Fact::unknown), Fact::no);
  EXPECT_EQ(combine(Fact::unknown, Fact::yes), Fact::yes);
  EXPECT_EQ(combine(Fact::unknown, Fact::unknown), Fact::unknown);
  EXPECT_EQ(combine(Fact::yes, Fact::no), Fact::conflict);
  EXPECT_EQ(combine(Fact::conflict, Fact::unknown), Fact::conflict);
}

}  // namespace
}  // namespace clonediff::probes
