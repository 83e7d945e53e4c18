// The model's kernel history: every versioned fact (a flag's first release,
// a refusal rule's or success row's bounds, struct clone_args' sizes, the
// legacy clone flags word) as one change per bound, in release order. This is
// what `clonediff kernels` prints; it is read from the tables themselves, so
// it cannot disagree with them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/kernel.hpp"

namespace clonediff::model {

struct Change {
  KernelVersion release;
  std::string_view kind;  // "flag", "rule", "success", "clone_args", "syscall"
  std::string id;         // "CLONE_PIDFD", "copy_process.pidfd_thread", ...
  bool begins;            // it holds from `release` on; otherwise up to it
  std::string what;       // one line
  std::string_view cite;  // commit id, subject, release
};

// In release order; within a release, in table order (flags, struct sizes,
// the syscall layer, rules, success rows).
std::vector<Change> kernel_history();

// The history as text (a line per change, grouped by release) or as a
// Markdown table (README's).
std::string history_text();
std::string history_markdown();

}  // namespace clonediff::model
