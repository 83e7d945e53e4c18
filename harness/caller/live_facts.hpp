// The facts about the live caller that the model needs, read in the caller
// itself, never assumed from the context's name: the one reader of each fact
// the caller can see (the host adds what only it can see, engine/case_host.cpp).
#pragma once

#include <string_view>

#include "model/caller.hpp"

namespace clonediff::harness {

// From /proc/self, capget, rlimits and namespace ioctls, after enter_context().
// Where the kernel shows no stable namespace identity (a /proc/self/ns link
// stat() cannot read, or whose inode changes between two looks, as under
// gVisor), the facts drawn from it are the ones the context was built to have
// (model::caller_preset()). Facts read elsewhere keep the model's defaults:
// the signal sets, the uid in the initial namespace and chroot (the host), the
// io context and SysV undo list (the caller's priming), and fd_table_full
// (caller_process.cpp reads it with the table filled as each call finds it).
model::Caller read_live_facts(std::string_view context);

}  // namespace clonediff::harness
