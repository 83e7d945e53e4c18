// JSON for the records: nlohmann::ordered_json as the value type, a strict
// reader and a one-line writer around it, and accessors that never throw.
//
// Contract:
//  - parse() reads exactly one RFC 8259 value (nlohmann's lexer: UTF-8
//    checked, no comments, nothing after the value) and, beyond what
//    nlohmann checks, rejects a key repeated in one object and nesting deeper
//    than kMaxDepth. Time and memory are linear in the input: keys are checked
//    against a hash set per object and members appended without a search, so
//    an object of 200,000 keys costs what 200,000 array items do.
//  - Errors are values, never exceptions: one line "at column C: <problem>",
//    or "at line L, column C: <problem>" when the input has a newline (1-based,
//    counting bytes; C is where the offending token starts). A repeated key
//    names its field by path: `duplicate key "vm" (field observed.share.vm)`.
//  - Integers stay exact: a literal without fraction or exponent is a signed
//    64-bit integer if negative, an unsigned one if not, a double only past
//    the 64-bit ranges; a double that overflows is an error.
//  - Objects keep their members in input order (or insertion order, through
//    operator[]), and dump() writes them in that order: one line, no spaces,
//    '"', '\\' and control characters escaped, other bytes as they are; bytes
//    that are not UTF-8 (which no parsed value holds) become U+FFFD.
//  - parse_lines() is the reader of JSON lines (`check`, `diff`, a target's
//    records): a pure function from text to records, the fuzzing entry point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/result.hpp"

namespace clonediff::json {

using Value = nlohmann::ordered_json;
using Object = Value::object_t;

inline constexpr int kMaxDepth = 64;

Result<Value> parse(std::string_view text);

// One line of a JSON lines text: its 1-based number and what it held. Lines
// with nothing but spaces, tabs and carriage returns are left out.
struct Line {
  std::size_t number = 0;
  Result<Value> value;
};
std::vector<Line> parse_lines(std::string_view text);

std::string dump(const Value& v);

// The member `key` of an object; null for a missing key or a non-object.
const Value* find(const Value& object, std::string_view key);
Value* find(Value& object, std::string_view key);

// The members of an object in order (precondition: is_object()).
const Object& members(const Value& object);

// The string of a string value (precondition: is_string()).
const std::string& str(const Value& v);

// An integral number in range as a signed or unsigned 64-bit integer (a
// double such as 3.0 counts; 3.5 does not); nullopt for anything else.
std::optional<long long> as_int(const Value& v);
std::optional<std::uint64_t> as_uint(const Value& v);

}  // namespace clonediff::json
