// Whole files, read and written. A file a user named (a catalogue, a
// baseline, records to check) is read with read_text_file(): a directory, a
// missing or unreadable path is an error naming the path and the system's
// reason, never an empty text. The knobs of /proc and cgroupfs are written
// with write_file(), in one write(2) as they require.
#pragma once

#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::sys {

// "cannot read 'PATH': Is a directory"; `what` goes before the path when
// given: "cannot read catalogue file 'PATH': ...".
Result<std::string> read_text_file(const std::string& path, const std::string& what = "");

// The whole file, or "" if it cannot be read: for tests, and for output files
// whose absence means the program wrote nothing.
std::string read_text_or_empty(const std::string& path);

// Writes text to path, which must exist (a /proc or cgroup file) unless
// `create` (then it is created or truncated). The error is "open PATH: reason"
// or "write PATH: reason", with the errno.
enum class Create { no, yes };
Status write_file(const std::string& path, std::string_view text, Create create = Create::no);

// Removes an empty directory, waiting up to a second while it is busy (a
// cgroup stays busy until its last task is released). Best effort.
void remove_dir_when_free(const std::string& path);

}  // namespace clonediff::sys
