// A small JSON value type, a strict parser and a compact writer, for the
// harness's records and plans.
//
// Contract:
//  - parse() accepts exactly RFC 8259: one value with optional surrounding
//    whitespace (space, tab, CR, LF) and nothing after it. Strings must be valid
//    UTF-8 without raw control characters (< 0x20); escapes are \" \\ \/ \b \f
//    \n \r \t and \uXXXX, where surrogate pairs are combined and encoded to
//    UTF-8 and a lone surrogate is an error. Numbers follow the JSON grammar
//    (no leading zeros, no '+', no NaN/Infinity, no hex). Duplicate object keys
//    are an error, and arrays/objects may nest at most kMaxDepth levels deep.
//  - Numbers keep integers exact: a literal without fraction or exponent is a
//    signed integer if it fits int64, else an unsigned one if it fits uint64,
//    else a double. Doubles that overflow are an error; ones that underflow
//    become zero.
//  - Objects keep insertion order (parse order, or the order of set() and
//    operator[]); dump() writes members in that order. Keys are unique.
//    Equality ignores member order and compares numbers by value (1 == 1.0).
//  - Errors are values, never exceptions: a parse failure is one line of the
//    form "at column C: <problem>", or "at line L, column C: <problem>" when
//    the input contains a newline. Lines and columns are 1-based and count
//    bytes.
//  - dump() writes one line with no spaces, e.g. {"a":1,"b":[true,null]}. It
//    escapes '"', '\\' and control characters and passes other bytes through.
//    Doubles use the shortest form that reads back to the same value and always
//    look like a double (1.5, 100.0, 1e+100); NaN and infinities, which JSON
//    cannot represent, are written as null.
//  - Calling a typed accessor (as_bool, as_string, items, members) on a value of
//    another type is a precondition violation (asserted). Mutators that need an
//    array or an object (push_back, operator[], set) turn a null into one.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "model/result.hpp"

namespace clonediff::json {

inline constexpr int kMaxDepth = 64;

// Integer types that construct a number; character types are deliberately
// excluded so that Value('x') does not silently become 120.
template <typename I>
concept IntegerArg = std::integral<I> && !std::same_as<I, bool> && !std::same_as<I, char> &&
                     !std::same_as<I, wchar_t> && !std::same_as<I, char8_t> &&
                     !std::same_as<I, char16_t> && !std::same_as<I, char32_t>;

class Value {
 public:
  enum class Type { null, boolean, number, string, array, object };
  using Array = std::vector<Value>;
  using Member = std::pair<std::string, Value>;
  using Object = std::vector<Member>;

  Value() = default;
  Value(std::nullptr_t) {}                                  // NOLINT: implicit by design
  Value(bool b) : v_(b) {}                                  // NOLINT
  template <IntegerArg I>
  Value(I i) {                                              // NOLINT
    if constexpr (std::is_signed_v<I>) {
      set_signed(static_cast<long long>(i));
    } else {
      set_unsigned(static_cast<unsigned long long>(i));
    }
  }
  Value(double d) : v_(d) {}                                // NOLINT
  Value(std::string s) : v_(std::move(s)) {}                // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}         // NOLINT
  Value(const char* s) : v_(std::string(s)) {}              // NOLINT

  static Value array() { return Value(Array{}); }
  static Value object() { return Value(Object{}); }

  Type type() const;
  bool is_null() const { return type() == Type::null; }
  bool is_bool() const { return type() == Type::boolean; }
  bool is_number() const { return type() == Type::number; }
  bool is_string() const { return type() == Type::string; }
  bool is_array() const { return type() == Type::array; }
  bool is_object() const { return type() == Type::object; }

  // Numbers. as_int/as_uint answer only for integral values in range (a double
  // such as 3.0 counts; 3.5 does not); anything else, including non-numbers,
  // gives nullopt. as_double converts any number (precondition: is_number()).
  std::optional<long long> as_int() const;
  std::optional<std::uint64_t> as_uint() const;
  double as_double() const;

  bool as_bool() const;
  const std::string& as_string() const;

  // Arrays.
  std::vector<Value>& items();
  const std::vector<Value>& items() const;
  void push_back(Value v);

  // Number of array items or object members; 0 for other types.
  std::size_t size() const;

  // Objects, in insertion order.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  Value& operator[](std::string_view key);  // appends a null member if missing
  void set(std::string key, Value v);       // replaces in place, else appends
  bool erase(std::string_view key);         // true if a member was removed
  const Object& members() const;
  Object& members();

  bool operator==(const Value& other) const;

  // Whether a number is held as an exact integer (signed or unsigned) rather
  // than a double; dump() and equality rely on it, tests may check it.
  bool is_integer() const;

 private:
  explicit Value(Array a) : v_(std::move(a)) {}
  explicit Value(Object o) : v_(std::move(o)) {}
  void set_signed(long long i) { v_ = i; }
  void set_unsigned(unsigned long long u);

  // unsigned long long is used only for values above INT64_MAX, so each
  // integer has one representation.
  std::variant<std::monostate, bool, long long, unsigned long long, double, std::string, Array, Object> v_;
};

Result<Value> parse(std::string_view text);

std::string dump(const Value& v);

}  // namespace clonediff::json
