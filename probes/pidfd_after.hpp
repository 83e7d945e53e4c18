// What the caller sees of its child afterwards, through a pidfd: a case's
// after= scenario (model/request.hpp's AfterArg), observed as traits.
//
// Runs in the caller process, after the call returned; never after clone in
// the child. While-running looks need the child held (the host releases it
// only after the caller's Returned); they do not reap it, except where an old
// kernel's waitid() ignores O_NONBLOCK and blocks (the model says so).
#pragma once

#include <signal.h>

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "model/request.hpp"
#include "probes/trait_bits.hpp"

namespace clonediff::probes {

// While the child runs. pidfd: the one the call returned (-1 if none);
// child: its pid as the caller numbers it; caller_depth: as look_at_pidfd's.
// after=stop leaves the caller with SIGCHLD notices of the stop and the
// continue pending: the caller drains them, they are not the child's exit.
// after=setns and after=reuse fork helpers of the caller's (raw clone, exit
// signal 0, so that no SIGCHLD reaches the caller and a SIG_IGN SIGCHLD does
// not reap them first) and reap them with __WALL before returning; rounds is
// after=reuse's count.
void look_while_running(model::AfterArg after, int pidfd, long child, std::size_t caller_depth,
                        std::uint32_t rounds, TraitBits& t);

// Reaps the child through its pidfd (after=waitid): whether waitid(P_PIDFD,
// WEXITED) reaped it, with its siginfo in `info`; the trait says whether it
// reaped it as exited. False if it did not (no pidfd, nothing to reap, or no P_PIDFD):
// the caller then reaps it as it always does.
bool reap_through_pidfd(int pidfd, long child, siginfo_t& info, TraitBits& t);

// after=leader_exit: the signal the thread that outlives the child's leader
// waits for (harness/caller/child_main.cpp), then leaves on.
inline constexpr int kLastThreadSignal = 43;

// after=leader_exit, once the child was released (its leader then starts a
// thread and leaves alone), before it is reaped: waits until /proc shows the
// leader a zombie with a thread beside it (bounded), polls the pidfd, lets
// the thread go with kLastThreadSignal through the pidfd, and polls again,
// waiting, until the group has gone. Sets pidfd_readable_leader_gone and
// pidfd_readable_group_gone; both stay unknown if the leader was never seen
// alone. Whatever it saw, the thread is sent its signal (by kill() to child,
// its pid as the caller numbers it, where the pidfd cannot send it).
void look_while_leader_gone(int pidfd, long child, TraitBits& t);

// Whether a scenario's looks go through /proc (after=thread: the thread
// pidfd's fdinfo; after=setns: the child's UTS namespace; after=leader_exit:
// the leader's status), which a chrooted caller does not have: there they
// could not answer.
bool looks_through_proc(model::AfterArg after);

// How long a scenario's looks may take at most beyond a case's usual work
// (after=reuse's rounds, after=leader_exit's waits): the host allows it.
std::chrono::milliseconds look_time_limit(model::AfterArg after);

// Once the child is reaped: pidfd_send_signal(pidfd, 0) on it.
void look_after_reap(model::AfterArg after, int pidfd, TraitBits& t);

}  // namespace clonediff::probes
