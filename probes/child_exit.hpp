// What the caller sees of its child leaving: whether it is gone, and whether
// CLONE_CHILD_CLEARTID's clear of the caller's tid word came with a futex
// wake.
//
// Runs in the caller process, after the call returned; never after clone in
// the child.
#pragma once

#include <optional>

namespace clonediff::probes {

// Whether the child has left: for a process, its pidfd polls readable (its
// exit is notified); for a thread of ours, tgkill finds it no more. Both come
// after mm_release(), which clears child_tid. Without a pidfd (gVisor), an
// own child is asked with waitid, another with kill.
bool child_gone(long child, bool is_thread, int child_pidfd);

// Watches the child_tid word until the child has left: true if a futex wake
// came with the clear, false if the word was neither cleared nor woken,
// nothing if it was cleared while nobody slept on it (the wake cannot be
// told: under vfork the caller is suspended until after it).
std::optional<bool> watch_cleartid(int* word, long child, bool is_thread, int child_pidfd);

}  // namespace clonediff::probes
