// The cases a target of a run takes, held where no fork inherits them.
//
// Every caller process is forked from the clonediff process that holds the
// run's cases, and each case that creates a child forks its caller again:
// every page the caller inherits is a page-table entry each of those forks
// copies, and under qemu's TCG that is most of what a fork costs. The callers
// never read the cases, so their storage is mapped apart and marked
// MADV_DONTFORK: a fork leaves it out. Contract: no code that runs in a
// forked process (a caller, a child, a spawn helper) touches a CaseList; one
// that did would fault, and its case would end as an error verdict.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <vector>

#include "harness/case/catalogue.hpp"

namespace clonediff::harness {

// Each allocation its own anonymous mapping, not inherited across fork; for
// a few large blocks (a vector's storage), not for many small ones.
template <typename T>
struct UninheritedAllocator {
  using value_type = T;
  UninheritedAllocator() = default;
  template <typename U>
  explicit UninheritedAllocator(const UninheritedAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    void* p = ::mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    // Without it the mapping is an ordinary one: the cost this avoids
    // returns, nothing breaks; so a refusal is not an error.
    (void)::madvise(p, n * sizeof(T), MADV_DONTFORK);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept { ::munmap(p, n * sizeof(T)); }

  template <typename U>
  bool operator==(const UninheritedAllocator<U>&) const noexcept { return true; }
};

using CaseList = std::vector<CatalogueCase, UninheritedAllocator<CatalogueCase>>;

}  // namespace clonediff::harness
