#include "probes/sys/printable.hpp"

#include <cstdint>
#include <cstdio>

namespace clonediff::sys {
namespace {

// The length of the UTF-8 sequence at text[i], 0 if it is not a valid one
// (overlong forms, surrogates and code points past U+10FFFF are not).
std::size_t utf8_length(std::string_view text, std::size_t i, std::uint32_t& code) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  std::size_t n = 0;
  std::uint32_t min = 0;
  if (b0 < 0x80) {
    code = b0;
    return 1;
  }
  if ((b0 & 0xe0) == 0xc0) {
    n = 2, code = b0 & 0x1fu, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    n = 3, code = b0 & 0x0fu, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    n = 4, code = b0 & 0x07u, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3fu);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return n;
}

bool is_control(std::uint32_t code) { return code < 0x20 || code == 0x7f || (code >= 0x80 && code < 0xa0); }

}  // namespace

bool printable_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code = 0;
    const std::size_t n = utf8_length(text, i, code);
    if (n == 0 || is_control(code)) return false;
    i += n;
  }
  return true;
}

std::string escaped(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t code = 0;
    const std::size_t n = utf8_length(text, i, code);
    if (n != 0 && !is_control(code) && code != '\\') {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    const unsigned char b = static_cast<unsigned char>(text[i]);
    switch (b) {
      case '\\': out += "\\\\"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", b);
        out += hex;
      }
    }
    i += 1;  // an invalid or control sequence: byte by byte
  }
  return out;
}

}  // namespace clonediff::sys
