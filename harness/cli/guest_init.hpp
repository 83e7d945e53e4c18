// The static clonediff as the init of a kernel target's initramfs
// (targets/kernel_target.cpp builds the image; targets/guest_protocol.hpp
// holds what the two sides agree on). As pid 1 named /init it
// mounts what the harness needs, runs `clonediff` with the arguments in
// /clonediff/args (one per line) as a child, with its summary on the console
// and its JSON records on the second serial port, then powers the machine
// off. The host reads the end of the run from the console line
// "clonediff-guest: exit STATUS".
#pragma once

#include "harness/targets/guest_protocol.hpp"

namespace clonediff::cli {

// Whether this process is a guest init: pid 1, started as /init.
bool is_guest_init(int argc, char** argv);

// Never returns: powers the machine off.
[[noreturn]] void guest_init_main();

}  // namespace clonediff::cli
