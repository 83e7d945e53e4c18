// Text from outside (a case file, a record, a command line) shown back to a
// person in a message: control characters, bytes that are not UTF-8 and
// backslashes come out as escapes (\r, \x1b, \\), so that a message is one
// readable line whatever it quotes. Pure.
#pragma once

#include <string>
#include <string_view>

namespace clonediff::sys {

// Whether text is valid UTF-8 with no control characters (C0, DEL, C1).
bool printable_utf8(std::string_view text);

// text with everything printable_utf8() refuses escaped.
std::string escaped(std::string_view text);

}  // namespace clonediff::sys
