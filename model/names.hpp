// Names for the numbers the record carries: errno values and signal numbers.
// Pure tables (no strerror/strsignal), so the model stays free of libc state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::model {

// "EINVAL" for 22; "E513" style for numbers without a name here.
std::string errno_name(int err);
// "ok" -> 0, "EINVAL" -> 22, "E513" -> 513.
Result<int> parse_result_name(std::string_view name);
// Short description of an errno for explanations ("Invalid argument").
std::string_view errno_description(int err);

// "SIGCHLD" for 17, "SIGRTMIN+3" for 37, "none" for 0, the number otherwise.
std::string signal_name(long long sig);
// Accepts "SIGCHLD", "CHLD", "17", "0x11", "SIGRTMIN+3".
Result<long long> parse_signal(std::string_view text);

}  // namespace clonediff::model
