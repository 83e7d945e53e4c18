// Orders sent ahead of their cases (CaseHost::make_call's `ahead`, the
// Runner's `next`): the calls are made before their cases come up, each case
// keeps the verdict and observation it has alone, a failure is charged to the
// case that failed, and any other request first discards what was sent.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "harness/engine/case_host.hpp"
#include "harness/engine/runner.hpp"
#include "model/flags.hpp"
#include "model/kernel.hpp"
#include "probes/running_kernel.hpp"

namespace clonediff::harness {
namespace {

using namespace std::chrono_literals;

// CLONE_SIGHAND without CLONE_VM, and CLONE_THREAD without CLONE_SIGHAND:
// both EINVAL in copy_process() on every kernel modelled.
model::Request refused() { return {model::Entry::clone, model::flag::SIGHAND, model::kSigchld}; }
model::Request refused_too() { return {model::Entry::clone, model::flag::THREAD, model::kSigchld}; }
model::Request created() { return {model::Entry::clone, 0, model::kSigchld}; }

// The processes whose parent is `pid`, from /proc (zombies included).
std::vector<pid_t> children_pids(pid_t pid) {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  while (dirent* e = ::readdir(proc)) {
    const int child = std::atoi(e->d_name);
    if (child <= 0) continue;
    const std::string path = "/proc/" + std::to_string(child) + "/stat";
    if (std::FILE* f = std::fopen(path.c_str(), "r")) {
      char comm[64];
      char state = 0;
      int ppid = 0;
      // pid (comm) state ppid: the harness's processes have no spaces in comm.
      if (std::fscanf(f, "%*d %63s %c %d", comm, &state, &ppid) == 3 && ppid == pid) out.push_back(child);
      std::fclose(f);
    }
  }
  ::closedir(proc);
  return out;
}

int children_of(pid_t pid) { return static_cast<int>(children_pids(pid).size()); }

// The processes whose parent's parent is `pid`.
int grandchildren_of(pid_t pid) {
  int n = 0;
  for (const pid_t child : children_pids(pid)) n += static_cast<int>(children_pids(child).size());
  return n;
}

std::unique_ptr<CaseHost> root_host() {
  auto h = CaseHost::start(CaseHostOptions{"root", 2000ms});
  if (!h) ADD_FAILURE() << h.error().message;
  return h ? std::move(h).value() : nullptr;
}

void expect_refused(const LiveCall& r, int err) {
  ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
  EXPECT_EQ(r.observed.error, err);
}

TEST(OrdersAhead, AreMadeBeforeTheirCasesAndKeepTheirObservations) {
  auto host = root_host();
  ASSERT_TRUE(host);
  const pid_t caller = host->caller_pid();
  const std::vector<CaseHost::OrderAhead> ahead{{refused_too()}, {created()}, {refused()}};
  const LiveCall a = host->make_call(refused(), Fault::none, ahead);
  expect_refused(a, EINVAL);
  const LiveCall b = host->make_call(refused_too());
  expect_refused(b, EINVAL);
  // The third order's call was made before its case came up: its child is
  // there, held.
  EXPECT_EQ(children_of(caller), 1);
  const LiveCall c = host->make_call(created());
  ASSERT_EQ(c.status, LiveCall::Status::completed) << c.note;
  const LiveCall d = host->make_call(refused());
  expect_refused(d, EINVAL);
  EXPECT_EQ(host->caller_pid(), caller);  // one caller made them all

  // The same calls, each sent alone, are observed the same.
  auto alone = root_host();
  ASSERT_TRUE(alone);
  EXPECT_EQ(alone->make_call(refused()).observed, a.observed);
  EXPECT_EQ(alone->make_call(refused_too()).observed, b.observed);
  const LiveCall c_alone = alone->make_call(created());
  EXPECT_EQ(c_alone.observed, c.observed);
  EXPECT_EQ(c_alone.observed.error, 0);
  EXPECT_EQ(alone->make_call(refused()).observed, d.observed);
}

// The caller dies in an order sent ahead while the first case's Returned is
// still held in it: that case is made again alone and keeps its verdict; the
// crash is the second case's.
TEST(OrdersAhead, AFailureIsChargedToTheCaseThatFailed) {
  auto host = root_host();
  ASSERT_TRUE(host);
  const std::vector<CaseHost::OrderAhead> ahead{{refused_too(), Fault::caller_crash_before_call}};
  expect_refused(host->make_call(refused(), Fault::none, ahead), EINVAL);
  const LiveCall crashed = host->make_call(refused_too(), Fault::caller_crash_before_call);
  EXPECT_EQ(crashed.status, LiveCall::Status::crash) << crashed.note;
  expect_refused(host->make_call(refused()), EINVAL);
}

// A later case's child reports while the first case's Returned is still on
// its way (the caller waits 20 ms before it sends it): that Ready stays for
// its own case.
TEST(OrdersAhead, ALaterCasesReadyWaitsForItsCase) {
  auto host = root_host();
  ASSERT_TRUE(host);
  const std::vector<CaseHost::OrderAhead> ahead{{created(), Fault::caller_looks_late}};
  expect_refused(host->make_call(refused(), Fault::none, ahead), EINVAL);
  const LiveCall r = host->make_call(created(), Fault::caller_looks_late);
  ASSERT_EQ(r.status, LiveCall::Status::completed) << r.note;
  EXPECT_EQ(r.observed.error, 0);
}

// A request other than the one sent ahead: the caller goes, its held child
// with it, and the request is made in a fresh one.
TEST(OrdersAhead, AnotherRequestDiscardsWhatWasSent) {
  auto host = root_host();
  ASSERT_TRUE(host);
  const pid_t caller = host->caller_pid();
  const std::vector<CaseHost::OrderAhead> ahead{{created()}};
  expect_refused(host->make_call(refused(), Fault::none, ahead), EINVAL);
  expect_refused(host->make_call(refused_too()), EINVAL);
  EXPECT_NE(host->caller_pid(), caller);
  EXPECT_EQ(::kill(-caller, 0), -1) << "the discarded caller's group is still there";
  EXPECT_EQ(host->make_call(created()).observed.error, 0);
}

// A host that goes while orders it sent ahead wait does not wait for the
// caller to make them: the caller goes at once, and nothing of it stays.
TEST(OrdersAhead, AHostThatGoesTakesItsCallerAtOnce) {
  auto host = root_host();
  ASSERT_TRUE(host);
  const pid_t caller = host->caller_pid();
  const std::vector<CaseHost::OrderAhead> ahead{{created()}, {created()}};
  expect_refused(host->make_call(refused(), Fault::none, ahead), EINVAL);
  const auto start = std::chrono::steady_clock::now();
  host.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms) << "the host waited for a caller busy with orders";
  EXPECT_EQ(::kill(-caller, 0), -1) << "the caller's group outlived its host";
}

// What may go ahead: calls whose order needs nothing prepared just before
// them, and nothing looked at while the child runs.
TEST(OrdersAhead, OnlyPlainRawCallsGoAhead) {
  EXPECT_TRUE(CaseHost::can_send_ahead(refused()));
  EXPECT_TRUE(CaseHost::can_send_ahead({model::Entry::clone, model::flag::VFORK, model::kSigchld}));
  EXPECT_FALSE(CaseHost::can_send_ahead({model::Entry::fork, 0, model::kSigchld}));
  model::Request after = created();
  after.after = model::AfterArg::waitid;
  EXPECT_FALSE(CaseHost::can_send_ahead(after));
  model::Request tids{model::Entry::clone3, 0, model::kSigchld};
  tids.clone3.set_tid = std::vector<model::TidSpec>{model::TidSpec{}};
  EXPECT_FALSE(CaseHost::can_send_ahead(tids));
}

// The Runner sends the next cases of the same context with the first: the
// created one's call is made before its run().
TEST(OrdersAhead, TheRunnerSendsTheNextCasesOfTheSameContext) {
  const auto kernel = probes::running_kernel();
  ASSERT_TRUE(kernel.ok()) << kernel.error().message;
  Runner runner(*kernel);
  std::vector<CatalogueCase> cases(3);
  const model::Request requests[] = {refused(), created(), refused_too()};
  for (std::size_t i = 0; i < cases.size(); ++i) {
    cases[i].id = "ahead/" + std::to_string(i);
    cases[i].suite = "ahead";
    cases[i].context = "root";
    cases[i].request = requests[i];
  }
  const CaseResult first = runner.run(cases[0], Fault::none, std::span(cases).subspan(1));
  ASSERT_EQ(first.verdict, Verdict::match) << first.reason;
  // The second case's call was made with the first: its child, held, is a
  // child of the caller, which is ours.
  EXPECT_EQ(grandchildren_of(::getpid()), 1);
  for (std::size_t i = 1; i < cases.size(); ++i) {
    const CaseResult r = runner.run(cases[i], Fault::none, std::span(cases).subspan(i + 1));
    EXPECT_EQ(r.verdict, Verdict::match) << cases[i].id << ": " << r.reason;
  }
}

}  // namespace
}  // namespace clonediff::harness
