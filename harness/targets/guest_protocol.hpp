// What a kernel target's host and its guest agree on: where the guest init
// finds its arguments, where the records go, and how the console says the run
// is over (cli/guest_init.cpp is the guest side, kernel_target.cpp the host's).
#pragma once

namespace clonediff::targets {

// One argument per line: "run", "--json", "/clonediff/records", ...
inline constexpr const char* kGuestArgsFile = "/clonediff/args";
// The run's --results (another command's --json): a FIFO the init makes and
// reads.
inline constexpr const char* kGuestRecordsPipe = "/clonediff/records";
// The second serial port: what the init read from the FIFO, deflated
// (record_stream.hpp), nothing else.
inline constexpr const char* kGuestRecordsDevice = "/dev/ttyS1";
// On the console (the first serial port), followed by the run's exit status.
inline constexpr const char* kGuestExitMarker = "clonediff-guest: exit ";

}  // namespace clonediff::targets
