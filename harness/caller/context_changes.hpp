// How the caller builds a changed context's changes (model/context_changes.hpp)
// for real, around the preset's own recipe (context_recipe.*):
//  - before the preset's steps, as root: capabilities dropped from the
//    bounding set (PR_CAPBSET_DROP needs CAP_SETPCAP, which a preset may drop;
//    the bounding set survives setuid);
//  - after them: unshare(CLONE_NEWUSER) with no map written, then the
//    effective and permitted drops (capset), which so apply inside that
//    namespace;
//  - around each call: a full descriptor table (FullFdTable).
#pragma once

#include <sys/resource.h>

#include "model/context_changes.hpp"
#include "model/result.hpp"

namespace clonediff::harness {

Status apply_changes_before_preset(const model::ContextChanges& changes);
Status apply_changes_after_preset(const model::ContextChanges& changes);

// RLIMIT_NOFILE's soft limit lowered to the lowest free descriptor, so that
// every number below the limit is in use and the next descriptor the kernel
// reserves fails with EMFILE. Engaged just before the call (after the caller
// received what it needs for it, such as a cgroup descriptor) and released
// right after it: the caller itself takes descriptors to watch the child. The
// child keeps the lowered limit (copy_signal() copies rlimits), and so cannot
// move the files witness's descriptor (dup2 above the limit: EBADF): that
// witness is not observed in such a context. Async-signal-safe: getrlimit,
// setrlimit and fcntl only.
class FullFdTable {
 public:
  explicit FullFdTable(bool wanted);
  FullFdTable(const FullFdTable&) = delete;
  FullFdTable& operator=(const FullFdTable&) = delete;
  ~FullFdTable();  // releases
  // Whether the table is full now: no descriptor free below the soft limit.
  static bool full_now();

 private:
  bool engaged_ = false;
  rlimit saved_{};
};

}  // namespace clonediff::harness
