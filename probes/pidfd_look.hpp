// What the caller sees of the pidfd CLONE_PIDFD gave it: whether it names
// the child (fdinfo's NSpid), whether that NSpid is the child's own, whether
// it is a thread's (PIDFD_THREAD), whether it is close-on-exec, whether it
// polls readable once the child is gone, and what fdinfo's Pid says once the
// child was reaped.
//
// Runs in the caller process, after the call returned; never after clone in
// the child.
#pragma once

#include <cstddef>

#include "probes/trait_bits.hpp"

namespace clonediff::probes {

// fd: the pidfd, -1 if the kernel wrote none; child: its pid as the caller
// numbers it; caller_depth: the caller's pid-namespace level, counted from
// the /proc mount's (fdinfo lists NSpid from there down). Sets pidfd,
// pidfd_thread and pidfd_cloexec, and pidfd_nspid: fdinfo's NSpid is the
// NSpid of /proc/<its first entry>/status, both read through the caller's
// /proc (unknown where fdinfo has no NSpid: before v5.5).
void look_at_pidfd(int fd, long child, std::size_t caller_depth, TraitBits& t);

// After the child was reaped (or, a thread, has left): whether fdinfo's Pid
// is -1. Sets pidfd_pid_cleared; unknown if fdinfo cannot be read.
void look_at_reaped_pidfd(int fd, TraitBits& t);

// Whether a pidfd polls readable now (its process has exited).
bool pidfd_readable(int fd);

}  // namespace clonediff::probes
