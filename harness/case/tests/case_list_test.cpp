#include "harness/case/case_list.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

namespace clonediff::harness {
namespace {

// Whether the page holding `p` is mapped in a process forked from this one:
// the child asks mincore(2) (ENOMEM: not mapped) and answers in its exit
// status. Only mincore and _exit run after the fork.
bool mapped_in_a_fork(const void* p) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  void* start = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) & ~(page - 1));
  const pid_t pid = ::fork();
  if (pid == 0) {
    unsigned char resident = 0;
    const int rc = ::mincore(start, 1, &resident);
    ::_exit(rc == 0 ? 10 : errno == ENOMEM ? 20 : 30);
  }
  EXPECT_GT(pid, 0);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 30) << "mincore failed in the fork with another errno";
  return WEXITSTATUS(status) == 10;
}

TEST(CaseList, AForkDoesNotInheritTheCases) {
  CaseList cases(64);
  cases.front().id = "legacy/fork";
  unsigned char resident = 0;
  ASSERT_EQ(::mincore(reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(cases.data()) &
                                              ~static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE) - 1)),
                      1, &resident),
            0)
      << "the storage is mapped here";
  EXPECT_FALSE(mapped_in_a_fork(cases.data()));
  EXPECT_FALSE(mapped_in_a_fork(&cases.back()));
  EXPECT_EQ(cases.front().id, "legacy/fork");  // the parent's copy is untouched
}

TEST(CaseList, AnOrdinaryVectorIsInherited) {
  // The probe above tells the two apart: without MADV_DONTFORK a fork has it.
  std::vector<CatalogueCase> cases(64);
  EXPECT_TRUE(mapped_in_a_fork(cases.data()));
}

TEST(CaseList, CopiesAndGrowsLikeAVector) {
  std::vector<CatalogueCase> selected(3);
  selected[2].id = "unpriv/sweep/CLONE_VM";
  CaseList cases(selected.begin(), selected.end());
  for (int i = 0; i < 100; ++i) cases.push_back(selected[2]);
  ASSERT_EQ(cases.size(), 103u);
  EXPECT_EQ(cases[2].id, "unpriv/sweep/CLONE_VM");
  EXPECT_EQ(cases.back().id, "unpriv/sweep/CLONE_VM");
  EXPECT_FALSE(mapped_in_a_fork(cases.data()));
}

}  // namespace
}  // namespace clonediff::harness
