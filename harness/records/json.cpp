#include "harness/records/json.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <climits>
#include <cmath>
#include <system_error>

namespace clonediff::json {
namespace {

// 2^63 and 2^64, exactly representable as doubles: the half-open bounds of the
// doubles that convert to long long and unsigned long long without overflow.
constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr double kTwoPow64 = 18446744073709551616.0;

bool is_whole(double d) { return std::isfinite(d) && std::trunc(d) == d; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::string_view kHexDigits = "0123456789ABCDEF";
constexpr std::string_view kLowerHexDigits = "0123456789abcdef";

std::string hex_byte(unsigned char c) {
  std::string s = "0x";
  s += kHexDigits[c >> 4];
  s += kHexDigits[c & 0xF];
  return s;
}

// A byte as it should appear in an error message.
std::string describe_byte(unsigned char c) {
  if (c > 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
  return "byte " + hex_byte(c);
}

const Value::Member* find_member(const Value::Object& members, std::string_view key) {
  auto it = std::find_if(members.begin(), members.end(), [&](const Value::Member& m) { return m.first == key; });
  return it == members.end() ? nullptr : &*it;
}

// ---------------------------------------------------------------- writing

void write_string(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20) {
          out += "\\u00";
          out += kLowerHexDigits[c >> 4];
          out += kLowerHexDigits[c & 0xF];
        } else {
          out += ch;
        }
      }
    }
  }
  out += '"';
}

void write_double(std::string& out, double d) {
  if (!std::isfinite(d)) {  // JSON has no spelling for these
    out += "null";
    return;
  }
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), d);
  const std::string_view text(buf.data(), static_cast<std::size_t>(r.ptr - buf.data()));
  out += text;
  // "100" would read back as an integer; keep it recognisably a double.
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
}

void write_number(std::string& out, const Value& v) {
  std::array<char, 32> buf{};
  std::to_chars_result r{};
  if (!v.is_integer()) {
    write_double(out, v.as_double());
    return;
  }
  if (auto i = v.as_int()) {
    r = std::to_chars(buf.data(), buf.data() + buf.size(), *i);
  } else {
    r = std::to_chars(buf.data(), buf.data() + buf.size(), v.as_uint().value_or(0));
  }
  out.append(buf.data(), r.ptr);
}

void write_value(std::string& out, const Value& v) {
  switch (v.type()) {
    case Value::Type::null: out += "null"; return;
    case Value::Type::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Value::Type::number: write_number(out, v); return;
    case Value::Type::string: write_string(out, v.as_string()); return;
    case Value::Type::array: {
      out += '[';
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out += ',';
        first = false;
        write_value(out, item);
      }
      out += ']';
      return;
    }
    case Value::Type::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : v.members()) {
        if (!first) out += ',';
        first = false;
        write_string(out, key);
        out += ':';
        write_value(out, member);
      }
      out += '}';
      return;
    }
  }
}

std::string quoted(std::string_view s) {
  std::string out;
  write_string(out, s);
  return out;
}

// ---------------------------------------------------------------- parsing

// Where an error happened: "at column C", or "at line L, column C" when the
// text has more than one line. Both count bytes from 1.
std::string location(std::string_view text, std::size_t at) {
  const std::size_t bounded = std::min(at, text.size());
  const std::string_view before = text.substr(0, bounded);
  const std::size_t last_newline = before.rfind('\n');
  const std::size_t column = last_newline == std::string_view::npos ? bounded + 1 : bounded - last_newline;
  if (text.find('\n') == std::string_view::npos) return "at column " + std::to_string(column);
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  return "at line " + std::to_string(line) + ", column " + std::to_string(column);
}

// The power of ten of the leading non-zero digit of a grammatical JSON number
// literal, saturated; only its sign matters (to tell overflow from underflow).
long long decimal_order(std::string_view lit) {
  std::size_t i = lit.front() == '-' ? 1 : 0;
  long long int_digits = 0;
  long long index = 0;  // over integer and fraction digits together
  long long first_nonzero = -1;
  auto scan = [&](bool integer_part) {
    for (; i < lit.size() && is_digit(lit[i]); ++i, ++index) {
      if (integer_part) ++int_digits;
      if (first_nonzero < 0 && lit[i] != '0') first_nonzero = index;
    }
  };
  scan(true);
  if (i < lit.size() && lit[i] == '.') {
    ++i;
    scan(false);
  }
  long long exponent = 0;
  if (i < lit.size() && (lit[i] == 'e' || lit[i] == 'E')) {
    ++i;
    const bool negative = i < lit.size() && lit[i] == '-';
    if (i < lit.size() && (lit[i] == '-' || lit[i] == '+')) ++i;
    for (; i < lit.size(); ++i) exponent = std::min(exponent * 10 + (lit[i] - '0'), 1'000'000'000LL);
    if (negative) exponent = -exponent;
  }
  if (first_nonzero < 0) return 0;
  return int_digits - 1 - first_nonzero + exponent;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  auto byte = [&](std::uint32_t b) { out += static_cast<char>(static_cast<unsigned char>(b)); };
  if (cp < 0x80) {
    byte(cp);
  } else if (cp < 0x800) {
    byte(0xC0 | (cp >> 6));
    byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    byte(0xE0 | (cp >> 12));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  } else {
    byte(0xF0 | (cp >> 18));
    byte(0x80 | ((cp >> 12) & 0x3F));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  }
}

bool is_high_surrogate(std::uint32_t cp) { return cp >= 0xD800 && cp <= 0xDBFF; }
bool is_low_surrogate(std::uint32_t cp) { return cp >= 0xDC00 && cp <= 0xDFFF; }

std::string u_escape(std::uint32_t cp) {
  std::string s = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) s += kHexDigits[(cp >> shift) & 0xF];
  return s;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Value> run() {
    skip_whitespace();
    auto value = parse_value(0);
    if (!value.ok()) return value;
    skip_whitespace();
    if (!at_end()) return fail(pos_, "trailing characters after the value");
    return value;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  unsigned char peek_byte() const { return static_cast<unsigned char>(text_[pos_]); }

  Error fail(std::size_t at, std::string_view problem) const {
    return make_error(location(text_, at) + ": " + std::string(problem));
  }
  Error end_of_input() const { return fail(pos_, "unexpected end of input"); }
  // The error for a missing `what` at the current position.
  Error expected(std::string_view what) const { return at_end() ? end_of_input() : fail(pos_, what); }

  void skip_whitespace() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }
  void skip_digits() {
    while (!at_end() && is_digit(peek())) ++pos_;
  }

  Result<Value> parse_value(int depth) {
    if (at_end()) return end_of_input();
    switch (peek()) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': {
        auto s = parse_string();
        if (!s.ok()) return s.error();
        return Value(std::move(s).value());
      }
      case 't': return parse_literal("true", Value(true));
      case 'f': return parse_literal("false", Value(false));
      case 'n': return parse_literal("null", Value());
      default:
        if (peek() == '-' || is_digit(peek())) return parse_number();
        return fail(pos_, "unexpected character " + describe_byte(peek_byte()) + ", expected a value");
    }
  }

  Result<Value> parse_literal(std::string_view word, Value value) {
    const std::size_t start = pos_;
    for (char c : word) {
      if (at_end()) return end_of_input();
      if (peek() != c) return fail(start, "invalid literal, expected '" + std::string(word) + "'");
      ++pos_;
    }
    return value;
  }

  Result<Value> parse_array(int depth) {
    if (depth > kMaxDepth) return fail(pos_, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    ++pos_;  // '['
    Value array = Value::array();
    skip_whitespace();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return array;
    }
    while (true) {
      skip_whitespace();
      auto item = parse_value(depth);
      if (!item.ok()) return item;
      array.push_back(std::move(item).value());
      skip_whitespace();
      if (!at_end() && peek() == ',') {
        ++pos_;
      } else if (!at_end() && peek() == ']') {
        ++pos_;
        return array;
      } else {
        return expected("expected ',' or ']' in array");
      }
    }
  }

  Result<Value> parse_object(int depth) {
    if (depth > kMaxDepth) return fail(pos_, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    ++pos_;  // '{'
    Value object = Value::object();
    skip_whitespace();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return object;
    }
    while (true) {
      skip_whitespace();
      if (at_end() || peek() != '"') return expected("expected a string key in object");
      const std::size_t key_at = pos_;
      auto key = parse_string();
      if (!key.ok()) return key.error();
      if (object.find(*key) != nullptr) return fail(key_at, "duplicate key " + quoted(*key));
      skip_whitespace();
      if (at_end() || peek() != ':') return expected("expected ':' after object key");
      ++pos_;
      skip_whitespace();
      auto member = parse_value(depth);
      if (!member.ok()) return member;
      object.members().emplace_back(std::move(key).value(), std::move(member).value());
      skip_whitespace();
      if (!at_end() && peek() == ',') {
        ++pos_;
      } else if (!at_end() && peek() == '}') {
        ++pos_;
        return object;
      } else {
        return expected("expected ',' or '}' in object");
      }
    }
  }

  Result<Value> parse_number() {
    const std::size_t start = pos_;
    const bool negative = peek() == '-';
    if (negative) ++pos_;
    if (at_end() || !is_digit(peek())) return expected("expected a digit after '-'");
    if (peek() == '0') {
      ++pos_;
      if (!at_end() && is_digit(peek())) return fail(start, "leading zeros are not allowed");
    } else {
      skip_digits();
    }
    bool integral = true;
    if (!at_end() && peek() == '.') {
      integral = false;
      ++pos_;
      if (at_end() || !is_digit(peek())) return expected("expected a digit after '.'");
      skip_digits();
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      integral = false;
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (at_end() || !is_digit(peek())) return expected("expected a digit in exponent");
      skip_digits();
    }
    return number_value(text_.substr(start, pos_ - start), integral, negative, start);
  }

  // Converts a literal already checked against the grammar.
  Result<Value> number_value(std::string_view lit, bool integral, bool negative, std::size_t start) const {
    const char* first = lit.data();
    const char* last = lit.data() + lit.size();
    if (integral) {
      long long i = 0;
      if (auto r = std::from_chars(first, last, i); r.ec == std::errc() && r.ptr == last) return Value(i);
      unsigned long long u = 0;
      if (!negative) {
        if (auto r = std::from_chars(first, last, u); r.ec == std::errc() && r.ptr == last) return Value(u);
      }
    }
    double d = 0.0;
    const auto r = std::from_chars(first, last, d);
    if (r.ec == std::errc::result_out_of_range) {
      if (decimal_order(lit) > 0) return fail(start, "number out of range");
      d = negative ? -0.0 : 0.0;  // underflow: the nearest double is zero
    } else if (r.ec != std::errc() || r.ptr != last) {
      return fail(start, "invalid number");
    }
    return Value(d);
  }

  Result<std::string> parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (at_end()) return end_of_input();
      const unsigned char c = peek_byte();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        if (auto s = parse_escape(out); !s.ok()) return s.error();
      } else if (c < 0x20) {
        return fail(pos_, "raw control character " + hex_byte(c) + " in string (must be escaped)");
      } else if (c < 0x80) {
        out += static_cast<char>(c);
        ++pos_;
      } else if (auto s = copy_utf8_sequence(out); !s.ok()) {
        return s.error();
      }
    }
  }

  Status parse_escape(std::string& out) {
    const std::size_t at = pos_;  // the backslash
    ++pos_;
    if (at_end()) return end_of_input();
    const unsigned char e = peek_byte();
    ++pos_;
    switch (e) {
      case '"': out += '"'; return ok_status();
      case '\\': out += '\\'; return ok_status();
      case '/': out += '/'; return ok_status();
      case 'b': out += '\b'; return ok_status();
      case 'f': out += '\f'; return ok_status();
      case 'n': out += '\n'; return ok_status();
      case 'r': out += '\r'; return ok_status();
      case 't': out += '\t'; return ok_status();
      case 'u': return parse_unicode_escape(at, out);
      default:
        if (e > 0x20 && e < 0x7F) return fail(at, std::string("invalid escape \\") + static_cast<char>(e));
        return fail(at, "invalid escape: '\\' followed by byte " + hex_byte(e));
    }
  }

  // Reads the XXXX of a \uXXXX escape that starts at `at`.
  Result<std::uint32_t> read_hex4(std::size_t at) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_end()) return end_of_input();
      const char c = peek();
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return fail(at, "invalid \\u escape, expected 4 hex digits");
      }
      value = value * 16 + digit;
      ++pos_;
    }
    return value;
  }

  // After "\u" at `at`: one code point, or a surrogate pair written as two
  // escapes.
  Status parse_unicode_escape(std::size_t at, std::string& out) {
    auto first = read_hex4(at);
    if (!first.ok()) return first.error();
    std::uint32_t cp = *first;
    if (is_low_surrogate(cp)) return fail(at, "lone surrogate " + u_escape(cp));
    if (is_high_surrogate(cp)) {
      if (text_.substr(pos_, 2) != "\\u") return fail(at, "lone surrogate " + u_escape(cp));
      const std::size_t second_at = pos_;
      pos_ += 2;
      auto second = read_hex4(second_at);
      if (!second.ok()) return second.error();
      if (!is_low_surrogate(*second)) return fail(at, "lone surrogate " + u_escape(cp));
      cp = 0x10000 + ((cp - 0xD800) << 10) + (*second - 0xDC00);
    }
    append_utf8(out, cp);
    return ok_status();
  }

  // Copies one well-formed multi-byte UTF-8 sequence (no overlong forms, no
  // surrogates, nothing above U+10FFFF).
  Status copy_utf8_sequence(std::string& out) {
    const unsigned char lead = peek_byte();
    std::size_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) second_min = 0xA0;
      if (lead == 0xED) second_max = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) second_min = 0x90;
      if (lead == 0xF4) second_max = 0x8F;
    } else {
      return fail(pos_, "invalid UTF-8 in string");
    }
    if (text_.size() - pos_ < length) return fail(pos_, "invalid UTF-8 in string");
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text_[pos_ + k]);
      const unsigned char lo = k == 1 ? second_min : 0x80;
      const unsigned char hi = k == 1 ? second_max : 0xBF;
      if (c < lo || c > hi) return fail(pos_, "invalid UTF-8 in string");
    }
    out.append(text_.substr(pos_, length));
    pos_ += length;
    return ok_status();
  }
};

}  // namespace

// ---------------------------------------------------------------- Value

Value::Type Value::type() const {
  if (std::holds_alternative<std::monostate>(v_)) return Type::null;
  if (std::holds_alternative<bool>(v_)) return Type::boolean;
  if (std::holds_alternative<std::string>(v_)) return Type::string;
  if (std::holds_alternative<Array>(v_)) return Type::array;
  if (std::holds_alternative<Object>(v_)) return Type::object;
  return Type::number;
}

bool Value::is_integer() const {
  return std::holds_alternative<long long>(v_) || std::holds_alternative<unsigned long long>(v_);
}

void Value::set_unsigned(unsigned long long u) {
  if (u <= static_cast<unsigned long long>(LLONG_MAX)) {
    v_ = static_cast<long long>(u);
  } else {
    v_ = u;
  }
}

std::optional<long long> Value::as_int() const {
  if (const auto* i = std::get_if<long long>(&v_)) return *i;
  if (const auto* u = std::get_if<unsigned long long>(&v_)) {
    if (*u <= static_cast<unsigned long long>(LLONG_MAX)) return static_cast<long long>(*u);
    return std::nullopt;
  }
  if (const auto* d = std::get_if<double>(&v_)) {
    if (is_whole(*d) && *d >= -kTwoPow63 && *d < kTwoPow63) return static_cast<long long>(*d);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> Value::as_uint() const {
  if (const auto* i = std::get_if<long long>(&v_)) {
    if (*i >= 0) return static_cast<std::uint64_t>(*i);
    return std::nullopt;
  }
  if (const auto* u = std::get_if<unsigned long long>(&v_)) return static_cast<std::uint64_t>(*u);
  if (const auto* d = std::get_if<double>(&v_)) {
    if (is_whole(*d) && *d >= 0.0 && *d < kTwoPow64) return static_cast<std::uint64_t>(*d);
  }
  return std::nullopt;
}

double Value::as_double() const {
  assert(is_number());
  if (const auto* i = std::get_if<long long>(&v_)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<unsigned long long>(&v_)) return static_cast<double>(*u);
  if (const auto* d = std::get_if<double>(&v_)) return *d;
  return 0.0;
}

bool Value::as_bool() const {
  assert(is_bool());
  const auto* b = std::get_if<bool>(&v_);
  return b != nullptr && *b;
}

const std::string& Value::as_string() const {
  assert(is_string());
  static const std::string empty;
  const auto* s = std::get_if<std::string>(&v_);
  return s != nullptr ? *s : empty;
}

std::vector<Value>& Value::items() {
  assert(is_array());
  if (!is_array()) v_ = Array{};  // release builds: keep the reference valid
  return *std::get_if<Array>(&v_);
}

const std::vector<Value>& Value::items() const {
  assert(is_array());
  static const Array empty;
  const auto* a = std::get_if<Array>(&v_);
  return a != nullptr ? *a : empty;
}

void Value::push_back(Value v) {
  if (is_null()) v_ = Array{};
  items().push_back(std::move(v));
}

std::size_t Value::size() const {
  if (const auto* a = std::get_if<Array>(&v_)) return a->size();
  if (const auto* o = std::get_if<Object>(&v_)) return o->size();
  return 0;
}

const Value* Value::find(std::string_view key) const {
  const auto* o = std::get_if<Object>(&v_);
  if (o == nullptr) return nullptr;
  const Member* m = find_member(*o, key);
  return m != nullptr ? &m->second : nullptr;
}

Value* Value::find(std::string_view key) { return const_cast<Value*>(std::as_const(*this).find(key)); }

Value& Value::operator[](std::string_view key) {
  if (is_null()) v_ = Object{};
  if (Value* existing = find(key)) return *existing;
  Object& o = members();
  o.emplace_back(std::string(key), Value());
  return o.back().second;
}

void Value::set(std::string key, Value v) {
  if (is_null()) v_ = Object{};
  if (Value* existing = find(key)) {
    *existing = std::move(v);
  } else {
    members().emplace_back(std::move(key), std::move(v));
  }
}

bool Value::erase(std::string_view key) {
  auto* o = std::get_if<Object>(&v_);
  if (o == nullptr) return false;
  auto it = std::find_if(o->begin(), o->end(), [&](const Member& m) { return m.first == key; });
  if (it == o->end()) return false;
  o->erase(it);
  return true;
}

const Value::Object& Value::members() const {
  assert(is_object());
  static const Object empty;
  const auto* o = std::get_if<Object>(&v_);
  return o != nullptr ? *o : empty;
}

Value::Object& Value::members() {
  assert(is_object());
  if (!is_object()) v_ = Object{};  // release builds: keep the reference valid
  return *std::get_if<Object>(&v_);
}

namespace {

// Numbers are equal when they denote the same value, whatever their storage.
bool numbers_equal(const Value& a, const Value& b) {
  if (!a.is_integer() && !b.is_integer()) return a.as_double() == b.as_double();
  if (!a.is_integer() || !b.is_integer()) {
    const Value& integer = a.is_integer() ? a : b;
    const Value& floating = a.is_integer() ? b : a;
    if (auto i = integer.as_int()) return floating.as_int() == i;
    return floating.as_uint() == integer.as_uint();
  }
  if (auto i = a.as_int()) return b.as_int() == i;
  return b.as_uint() == a.as_uint();
}

bool objects_equal(const Value::Object& a, const Value::Object& b) {
  if (a.size() != b.size()) return false;
  return std::all_of(a.begin(), a.end(), [&](const Value::Member& m) {
    const Value::Member* other = find_member(b, m.first);
    return other != nullptr && other->second == m.second;
  });
}

}  // namespace

bool Value::operator==(const Value& other) const {
  if (type() != other.type()) return false;
  switch (type()) {
    case Type::null: return true;
    case Type::boolean: return as_bool() == other.as_bool();
    case Type::number: return numbers_equal(*this, other);
    case Type::string: return as_string() == other.as_string();
    case Type::array: return items() == other.items();
    case Type::object: return objects_equal(members(), other.members());
  }
  return false;
}

// ---------------------------------------------------------------- entry points

Result<Value> parse(std::string_view text) { return Parser(text).run(); }

std::string dump(const Value& v) {
  std::string out;
  write_value(out, v);
  return out;
}

}  // namespace clonediff::json
