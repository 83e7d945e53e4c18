#include "harness/records/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>

namespace clonediff::json {

// Lets GoogleTest show a Value as JSON in failure messages. Internal linkage,
// so it cannot clash with another test file's printer.
[[maybe_unused]] static void PrintTo(const Value& v, std::ostream* os) { *os << dump(v); }

namespace {

using namespace std::string_literals;

// Parses text that must be valid.
Value must_parse(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << "input: " << text << "\nerror: " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Value();
}

// Parses text that must be rejected and returns the message.
std::string parse_error(std::string_view text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << "input unexpectedly accepted: " << text;
  return r.ok() ? std::string() : r.error().message;
}

// parse(text) then dump() gives text back unchanged.
void expect_round_trip(std::string_view text) {
  auto r = parse(text);
  ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
  EXPECT_EQ(dump(*r), text);
}

std::string nested_arrays(int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); }

// ---------------------------------------------------------------- construction

TEST(JsonValue, ConstructorsPickTheRightType) {
  EXPECT_EQ(Value().type(), Value::Type::null);
  EXPECT_TRUE(Value(nullptr).is_null());
  EXPECT_TRUE(Value(true).is_bool());
  EXPECT_TRUE(Value(false).is_bool());
  EXPECT_FALSE(Value(false).as_bool());
  EXPECT_TRUE(Value(7).is_number());
  EXPECT_TRUE(Value(7LL).is_number());
  EXPECT_TRUE(Value(7ULL).is_number());
  EXPECT_TRUE(Value(std::uint64_t{7}).is_number());
  EXPECT_TRUE(Value(std::int64_t{-7}).is_number());
  EXPECT_TRUE(Value(1.5).is_number());
  EXPECT_TRUE(Value(std::string("s")).is_string());
  EXPECT_TRUE(Value(std::string_view("s")).is_string());
  EXPECT_TRUE(Value::array().is_array());
  EXPECT_TRUE(Value::object().is_object());
  EXPECT_EQ(Value::array().size(), 0U);
  EXPECT_EQ(Value::object().size(), 0U);
}

TEST(JsonValue, StringLiteralIsAStringNotABool) {
  Value v("x");
  EXPECT_TRUE(v.is_string());
  EXPECT_FALSE(v.is_bool());
  EXPECT_EQ(v.as_string(), "x");
  const char* p = "pointer";
  EXPECT_EQ(Value(p).as_string(), "pointer");
  Value assigned = "assigned";
  EXPECT_TRUE(assigned.is_string());
}

TEST(JsonValue, IntegerAccessors) {
  EXPECT_EQ(Value(42).as_int(), 42);
  EXPECT_EQ(Value(-42).as_int(), -42);
  EXPECT_EQ(Value(42).as_uint(), 42U);
  EXPECT_EQ(Value(-1).as_uint(), std::nullopt);
  EXPECT_EQ(Value(3.0).as_int(), 3);
  EXPECT_EQ(Value(3.5).as_int(), std::nullopt);
  EXPECT_EQ(Value(3.5).as_uint(), std::nullopt);
  EXPECT_EQ(Value(-3.0).as_uint(), std::nullopt);
  EXPECT_EQ(Value("3").as_int(), std::nullopt);
  EXPECT_EQ(Value(true).as_int(), std::nullopt);
  EXPECT_EQ(Value().as_uint(), std::nullopt);
  EXPECT_EQ(Value(std::numeric_limits<double>::quiet_NaN()).as_int(), std::nullopt);
  EXPECT_EQ(Value(std::numeric_limits<double>::infinity()).as_uint(), std::nullopt);
  EXPECT_DOUBLE_EQ(Value(7).as_double(), 7.0);
  EXPECT_DOUBLE_EQ(Value(-2.25).as_double(), -2.25);
}

TEST(JsonValue, IntegerAccessorsAtTheBoundaries) {
  constexpr long long kMax = std::numeric_limits<long long>::max();
  constexpr long long kMin = std::numeric_limits<long long>::min();
  constexpr std::uint64_t kUMax = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(Value(kMax).as_int(), kMax);
  EXPECT_EQ(Value(kMin).as_int(), kMin);
  EXPECT_EQ(Value(kMin).as_uint(), std::nullopt);
  EXPECT_EQ(Value(kUMax).as_uint(), kUMax);
  EXPECT_EQ(Value(kUMax).as_int(), std::nullopt);
  EXPECT_EQ(Value(std::uint64_t{1} << 63).as_int(), std::nullopt);
  // An unsigned argument that fits int64 behaves like the signed one.
  EXPECT_EQ(Value(std::uint64_t{5}).as_int(), 5);
  EXPECT_TRUE(Value(std::uint64_t{5}).is_integer());
  // Doubles: 2^63 is the first value outside long long, 2^64 outside uint64.
  EXPECT_EQ(Value(9223372036854775808.0).as_int(), std::nullopt);
  EXPECT_EQ(Value(9223372036854775808.0).as_uint(), std::uint64_t{1} << 63);
  EXPECT_EQ(Value(-9223372036854775808.0).as_int(), kMin);
  EXPECT_EQ(Value(18446744073709551616.0).as_uint(), std::nullopt);
}

// ---------------------------------------------------------------- numbers

TEST(JsonNumbers, Int64BoundariesStayExact) {
  Value max = must_parse("9223372036854775807");
  EXPECT_TRUE(max.is_integer());
  EXPECT_EQ(max.as_int(), std::numeric_limits<long long>::max());
  EXPECT_EQ(dump(max), "9223372036854775807");

  Value min = must_parse("-9223372036854775808");
  EXPECT_TRUE(min.is_integer());
  EXPECT_EQ(min.as_int(), std::numeric_limits<long long>::min());
  EXPECT_EQ(dump(min), "-9223372036854775808");

  // One past int64: unsigned, still exact.
  Value above = must_parse("9223372036854775808");
  EXPECT_TRUE(above.is_integer());
  EXPECT_EQ(above.as_int(), std::nullopt);
  EXPECT_EQ(above.as_uint(), std::uint64_t{9223372036854775808ULL});
  EXPECT_EQ(dump(above), "9223372036854775808");

  // One below int64 min: a double, which rounds to -2^63 (so as_int answers)
  // and keeps its ".0" when written so it reads back as a double.
  Value below = must_parse("-9223372036854775809");
  EXPECT_FALSE(below.is_integer());
  EXPECT_EQ(below.as_double(), -9223372036854775808.0);
  EXPECT_EQ(dump(below), "-9223372036854775808.0");
  EXPECT_FALSE(must_parse(dump(below)).is_integer());
}

TEST(JsonNumbers, Uint64BoundariesStayExact) {
  Value max = must_parse("18446744073709551615");
  EXPECT_TRUE(max.is_integer());
  EXPECT_EQ(max.as_uint(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(max.as_int(), std::nullopt);
  EXPECT_EQ(dump(max), "18446744073709551615");

  Value beyond = must_parse("18446744073709551616");
  EXPECT_FALSE(beyond.is_integer());
  EXPECT_EQ(beyond.as_uint(), std::nullopt);
  EXPECT_DOUBLE_EQ(beyond.as_double(), 18446744073709551616.0);
  EXPECT_EQ(dump(beyond), "18446744073709551616.0");
  EXPECT_FALSE(must_parse(dump(beyond)).is_integer());

  EXPECT_EQ(dump(Value(std::numeric_limits<std::uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(dump(Value(std::numeric_limits<long long>::min())), "-9223372036854775808");
}

TEST(JsonNumbers, NegativesFractionsAndExponents) {
  EXPECT_EQ(must_parse("-42").as_int(), -42);
  EXPECT_EQ(must_parse("0").as_int(), 0);
  Value negative_zero_int = must_parse("-0");
  EXPECT_TRUE(negative_zero_int.is_integer());
  EXPECT_EQ(negative_zero_int.as_int(), 0);

  Value negative_zero = must_parse("-0.0");
  EXPECT_FALSE(negative_zero.is_integer());
  EXPECT_TRUE(std::signbit(negative_zero.as_double()));
  EXPECT_EQ(dump(negative_zero), "-0.0");

  EXPECT_DOUBLE_EQ(must_parse("-12.5e-3").as_double(), -0.0125);
  EXPECT_DOUBLE_EQ(must_parse("2.5E+2").as_double(), 250.0);
  EXPECT_DOUBLE_EQ(must_parse("1E2").as_double(), 100.0);
  EXPECT_DOUBLE_EQ(must_parse("-1e-2").as_double(), -0.01);
  EXPECT_DOUBLE_EQ(must_parse("0.5").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(must_parse("1e308").as_double(), 1e308);

  // A fraction or exponent makes a double even when the value is whole.
  Value whole = must_parse("1E2");
  EXPECT_FALSE(whole.is_integer());
  EXPECT_EQ(whole.as_int(), 100);
  EXPECT_EQ(dump(whole), "100.0");
  EXPECT_FALSE(must_parse("1.0").is_integer());

  // Beyond uint64 without fraction: a double.
  Value huge = must_parse("123456789012345678901234567890");
  EXPECT_FALSE(huge.is_integer());
  EXPECT_DOUBLE_EQ(huge.as_double(), 1.2345678901234568e29);
}

TEST(JsonNumbers, UnderflowIsZeroOverflowIsAnError) {
  Value tiny = must_parse("1e-400");
  EXPECT_EQ(tiny.as_double(), 0.0);
  Value negative_tiny = must_parse("-0.0000001e-400");
  EXPECT_TRUE(std::signbit(negative_tiny.as_double()));
  EXPECT_EQ(parse_error("1e400"), "at column 1: number out of range");
  EXPECT_EQ(parse_error("[-1.5e99999999999999999999]"), "at column 2: number out of range");
  EXPECT_EQ(parse_error("[0.000001e315]"), "at column 2: number out of range");
  // Zero with any exponent is still zero.
  EXPECT_EQ(must_parse("0e99999999").as_double(), 0.0);
}

TEST(JsonNumbers, DumpedDoublesAreShortestAndRoundTrip) {
  EXPECT_EQ(dump(Value(1.5)), "1.5");
  EXPECT_EQ(dump(Value(-1.5)), "-1.5");
  EXPECT_EQ(dump(Value(0.1)), "0.1");
  EXPECT_EQ(dump(Value(0.1 + 0.2)), "0.30000000000000004");
  EXPECT_EQ(dump(Value(1e100)), "1e+100");
  EXPECT_EQ(dump(Value(1e-7)), "1e-07");
  EXPECT_EQ(dump(Value(100.0)), "100.0");
  EXPECT_EQ(dump(Value(0.0)), "0.0");
  EXPECT_EQ(dump(Value(std::numeric_limits<double>::quiet_NaN())), "null");
  EXPECT_EQ(dump(Value(-std::numeric_limits<double>::infinity())), "null");

  const double samples[] = {0.1,
                            1.0 / 3.0,
                            -2.0 / 3.0,
                            5e-324,
                            2.2250738585072014e-308,
                            std::numeric_limits<double>::max(),
                            -std::numeric_limits<double>::max(),
                            123456789.0,
                            9007199254740993.0,
                            1e21,
                            6.02214076e23};
  for (double d : samples) {
    const std::string text = dump(Value(d));
    Value back = must_parse(text);
    EXPECT_FALSE(back.is_integer()) << text;
    EXPECT_EQ(back.as_double(), d) << text;
  }
}

TEST(JsonNumbers, GrammarViolationsAreRejectedWithColumns) {
  EXPECT_EQ(parse_error("01"), "at column 1: leading zeros are not allowed");
  EXPECT_EQ(parse_error("[1,-007]"), "at column 4: leading zeros are not allowed");
  EXPECT_EQ(parse_error("-"), "at column 2: unexpected end of input");
  EXPECT_EQ(parse_error("-a"), "at column 2: expected a digit after '-'");
  EXPECT_EQ(parse_error("--1"), "at column 2: expected a digit after '-'");
  EXPECT_EQ(parse_error("+1"), "at column 1: unexpected character '+', expected a value");
  EXPECT_EQ(parse_error(".5"), "at column 1: unexpected character '.', expected a value");
  EXPECT_EQ(parse_error("1."), "at column 3: unexpected end of input");
  EXPECT_EQ(parse_error("1.e5"), "at column 3: expected a digit after '.'");
  EXPECT_EQ(parse_error("1e"), "at column 3: unexpected end of input");
  EXPECT_EQ(parse_error("1e+"), "at column 4: unexpected end of input");
  EXPECT_EQ(parse_error("[1ex]"), "at column 4: expected a digit in exponent");
  EXPECT_EQ(parse_error("NaN"), "at column 1: unexpected character 'N', expected a value");
  EXPECT_EQ(parse_error("Infinity"), "at column 1: unexpected character 'I', expected a value");
  EXPECT_EQ(parse_error("-Infinity"), "at column 2: expected a digit after '-'");
  EXPECT_EQ(parse_error("0x10"), "at column 2: trailing characters after the value");
  EXPECT_EQ(parse_error("1 2"), "at column 3: trailing characters after the value");
}

// ---------------------------------------------------------------- strings

TEST(JsonStrings, EverySimpleEscape) {
  Value v = must_parse(R"("q\" b\\ s\/ \b \f \n \r \t")");
  EXPECT_EQ(v.as_string(), "q\" b\\ s/ \b \f \n \r \t");
}

TEST(JsonStrings, UnicodeEscapesEncodeToUtf8) {
  EXPECT_EQ(must_parse(R"("\u0041")").as_string(), "A");
  EXPECT_EQ(must_parse(R"("\u007f")").as_string(), "\x7f");
  EXPECT_EQ(must_parse(R"("\u0080")").as_string(), "\xC2\x80");
  EXPECT_EQ(must_parse(R"("\u00e9")").as_string(), "\xC3\xA9");
  EXPECT_EQ(must_parse(R"("\u07FF")").as_string(), "\xDF\xBF");
  EXPECT_EQ(must_parse(R"("\u0800")").as_string(), "\xE0\xA0\x80");
  EXPECT_EQ(must_parse(R"("\u20AC")").as_string(), "\xE2\x82\xAC");
  EXPECT_EQ(must_parse(R"("\uFFFF")").as_string(), "\xEF\xBF\xBF");
  const std::string nul = must_parse(R"("a\u0000b")").as_string();
  EXPECT_EQ(nul, "a\0b"s);
  EXPECT_EQ(nul.size(), 3U);
}

TEST(JsonStrings, SurrogatePairsCombine) {
  EXPECT_EQ(must_parse(R"("\uD83D\uDE00")").as_string(), "\xF0\x9F\x98\x80");  // U+1F600
  EXPECT_EQ(must_parse(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(must_parse(R"("\uD800\uDC00")").as_string(), "\xF0\x90\x80\x80");  // U+10000
  EXPECT_EQ(must_parse(R"("\uDBFF\uDFFF")").as_string(), "\xF4\x8F\xBF\xBF");  // U+10FFFF
  EXPECT_EQ(must_parse(R"("x\uD834\uDD1Ey")").as_string(), "x\xF0\x9D\x84\x9Ey");
}

TEST(JsonStrings, LoneSurrogatesAreErrors) {
  EXPECT_EQ(parse_error(R"("\uD800")"), "at column 2: lone surrogate \\uD800");
  EXPECT_EQ(parse_error(R"("ab\udc00")"), "at column 4: lone surrogate \\uDC00");
  EXPECT_EQ(parse_error(R"("\uD800\u0041")"), "at column 2: lone surrogate \\uD800");
  EXPECT_EQ(parse_error(R"("\uD800\uD800")"), "at column 2: lone surrogate \\uD800");
  EXPECT_EQ(parse_error(R"("\uD800x")"), "at column 2: lone surrogate \\uD800");
  EXPECT_EQ(parse_error(R"("\uD800\n")"), "at column 2: lone surrogate \\uD800");
}

TEST(JsonStrings, BadEscapesAreErrors) {
  EXPECT_EQ(parse_error(R"(["ab\q"])"), "at column 5: invalid escape \\q");
  EXPECT_EQ(parse_error(R"("\x41")"), "at column 2: invalid escape \\x");
  EXPECT_EQ(parse_error(R"("\U0041")"), "at column 2: invalid escape \\U");
  EXPECT_EQ(parse_error("\"\\\x01\""), "at column 2: invalid escape: '\\' followed by byte 0x01");
  EXPECT_EQ(parse_error(R"("\u12G4")"), "at column 2: invalid \\u escape, expected 4 hex digits");
  EXPECT_EQ(parse_error(R"("\u12")"), "at column 2: invalid \\u escape, expected 4 hex digits");
  EXPECT_EQ(parse_error(R"("\u12)"), "at column 6: unexpected end of input");
  EXPECT_EQ(parse_error(R"("\)"), "at column 3: unexpected end of input");
  EXPECT_EQ(parse_error(R"("\uD83D\uDE0)"), "at column 13: unexpected end of input");
}

TEST(JsonStrings, RawControlCharactersAreRejected) {
  EXPECT_EQ(parse_error("\"a\tb\""), "at column 3: raw control character 0x09 in string (must be escaped)");
  EXPECT_EQ(parse_error("[\"\x1f\"]"), "at column 3: raw control character 0x1F in string (must be escaped)");
  EXPECT_EQ(parse_error("\"a\0\""s), "at column 3: raw control character 0x00 in string (must be escaped)");
  EXPECT_EQ(parse_error("\"a\nb\""), "at line 1, column 3: raw control character 0x0A in string (must be escaped)");
  // DEL is not a control character for JSON.
  EXPECT_EQ(must_parse("\"\x7f\"").as_string(), "\x7f");
}

TEST(JsonStrings, Utf8MustBeWellFormed) {
  EXPECT_EQ(must_parse("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"").as_string(), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(parse_error("\"\xFF\""), "at column 2: invalid UTF-8 in string");
  EXPECT_EQ(parse_error("\"a\x80\""), "at column 3: invalid UTF-8 in string");           // stray continuation
  EXPECT_EQ(parse_error("\"\xC0\xAF\""), "at column 2: invalid UTF-8 in string");        // overlong '/'
  EXPECT_EQ(parse_error("\"\xE0\x80\xAF\""), "at column 2: invalid UTF-8 in string");    // overlong
  EXPECT_EQ(parse_error("\"\xED\xA0\x80\""), "at column 2: invalid UTF-8 in string");    // encoded surrogate
  EXPECT_EQ(parse_error("\"\xF4\x90\x80\x80\""), "at column 2: invalid UTF-8 in string");  // above U+10FFFF
  EXPECT_EQ(parse_error("\"\xE2\x82\""), "at column 2: invalid UTF-8 in string");        // truncated
  EXPECT_EQ(parse_error("\"\xE2\x82"), "at column 2: invalid UTF-8 in string");
}

TEST(JsonStrings, UnterminatedString) {
  EXPECT_EQ(parse_error("\"abc"), "at column 5: unexpected end of input");
  EXPECT_EQ(parse_error("{\"abc"), "at column 6: unexpected end of input");
}

TEST(JsonStrings, DumpEscapesQuotesBackslashesAndControls) {
  const std::string raw = "q\" b\\ s/ \b \f \n \r \t \x01 \x1f \x7f"s + '\0';
  EXPECT_EQ(dump(Value(raw)), R"("q\" b\\ s/ \b \f \n \r \t \u0001 \u001f )" "\x7f" R"(\u0000")");
  // Other UTF-8 passes through untouched.
  EXPECT_EQ(dump(Value("\xC3\xA9\xF0\x9F\x98\x80")), "\"\xC3\xA9\xF0\x9F\x98\x80\"");
  // Keys are escaped the same way.
  Value o = Value::object();
  o.set("a\"b\n", 1);
  EXPECT_EQ(dump(o), R"({"a\"b\n":1})");
}

TEST(JsonStrings, EveryAsciiByteRoundTrips) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
  const std::string text = dump(Value(all));
  Value back = must_parse(text);
  EXPECT_EQ(back.as_string(), all);
  EXPECT_EQ(dump(back), text);
}

// ---------------------------------------------------------------- structure and errors

TEST(JsonParse, TopLevelScalarsAndWhitespace) {
  EXPECT_TRUE(must_parse("null").is_null());
  EXPECT_TRUE(must_parse("true").as_bool());
  EXPECT_FALSE(must_parse("false").as_bool());
  EXPECT_EQ(must_parse("\"s\"").as_string(), "s");
  EXPECT_EQ(must_parse(" \t\r\n 42 \n\t\r ").as_int(), 42);
  EXPECT_EQ(dump(must_parse(" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } } ")), R"({"a":[1,2],"b":{}})");
}

TEST(JsonParse, EmptyInput) {
  EXPECT_EQ(parse_error(""), "at column 1: unexpected end of input");
  EXPECT_EQ(parse_error("   "), "at column 4: unexpected end of input");
}

TEST(JsonParse, StructuralErrorsNameTheProblemAndColumn) {
  EXPECT_EQ(parse_error(R"({"flags":"CLONE"1})"), "at column 17: expected ',' or '}' in object");
  EXPECT_EQ(parse_error(R"({"a":1 "b":2})"), "at column 8: expected ',' or '}' in object");
  EXPECT_EQ(parse_error("[1 2]"), "at column 4: expected ',' or ']' in array");
  EXPECT_EQ(parse_error("[1,]"), "at column 4: unexpected character ']', expected a value");
  EXPECT_EQ(parse_error("[,1]"), "at column 2: unexpected character ',', expected a value");
  EXPECT_EQ(parse_error(R"({"a":1,})"), "at column 8: expected a string key in object");
  EXPECT_EQ(parse_error("{a:1}"), "at column 2: expected a string key in object");
  EXPECT_EQ(parse_error(R"({"a" 1})"), "at column 6: expected ':' after object key");
  EXPECT_EQ(parse_error(R"({"a":})"), "at column 6: unexpected character '}', expected a value");
  EXPECT_EQ(parse_error("[1,2"), "at column 5: unexpected end of input");
  EXPECT_EQ(parse_error(R"({"a":1)"), "at column 7: unexpected end of input");
  EXPECT_EQ(parse_error(R"({"a")"), "at column 5: unexpected end of input");
  EXPECT_EQ(parse_error("tru"), "at column 4: unexpected end of input");
  EXPECT_EQ(parse_error("[trux]"), "at column 2: invalid literal, expected 'true'");
  EXPECT_EQ(parse_error("nul"), "at column 4: unexpected end of input");
  EXPECT_EQ(parse_error("[True]"), "at column 2: unexpected character 'T', expected a value");
  EXPECT_EQ(parse_error("'a'"), "at column 1: unexpected character ''', expected a value");
  EXPECT_EQ(parse_error("\xEF\xBB\xBF{}"), "at column 1: unexpected character byte 0xEF, expected a value");
  EXPECT_EQ(parse_error("\f1"), "at column 1: unexpected character byte 0x0C, expected a value");
}

TEST(JsonParse, NothingMayFollowTheValue) {
  EXPECT_EQ(parse_error("[true]]"), "at column 7: trailing characters after the value");
  EXPECT_EQ(parse_error("{} x"), "at column 4: trailing characters after the value");
  EXPECT_EQ(parse_error("null null"), "at column 6: trailing characters after the value");
  EXPECT_EQ(parse_error("truex"), "at column 5: trailing characters after the value");
  EXPECT_EQ(parse_error("1\0"s), "at column 2: trailing characters after the value");
}

TEST(JsonParse, MultiLineInputReportsLineAndColumn) {
  EXPECT_EQ(parse_error("{\n  \"a\": 1,\n  \"a\": 2\n}"), "at line 3, column 3: duplicate key \"a\"");
  EXPECT_EQ(parse_error("[1,\n2,\n]"), "at line 3, column 1: unexpected character ']', expected a value");
  EXPECT_EQ(parse_error("[1,\n2"), "at line 2, column 2: unexpected end of input");
  EXPECT_EQ(parse_error("1\n2"), "at line 2, column 1: trailing characters after the value");
}

TEST(JsonParse, DuplicateKeysAreErrors) {
  EXPECT_EQ(parse_error(R"({"flags":1,"flags":2})"), "at column 12: duplicate key \"flags\"");
  EXPECT_EQ(parse_error(R"({"ab":1,"ab":2})"), "at column 9: duplicate key \"ab\"");
  // Compared after unescaping.
  EXPECT_EQ(parse_error(R"({"a":1,"\u0061":2})"), "at column 8: duplicate key \"a\"");
  EXPECT_EQ(parse_error(R"([{"x":{"k":1,"j":2,"k":3}}])"), "at column 20: duplicate key \"k\"");
  // The same key in different objects is fine, and so are keys differing in case.
  EXPECT_TRUE(parse(R"({"a":{"a":1},"b":{"a":2},"A":3})").ok());
}

TEST(JsonParse, DepthLimit) {
  EXPECT_TRUE(parse(nested_arrays(kMaxDepth)).ok());
  EXPECT_EQ(parse_error(nested_arrays(kMaxDepth + 1)), "at column 65: nesting deeper than 64 levels");

  std::string objects;
  for (int i = 0; i < kMaxDepth; ++i) objects += "{\"a\":";
  objects += "1";
  for (int i = 0; i < kMaxDepth; ++i) objects += "}";
  EXPECT_TRUE(parse(objects).ok());
  EXPECT_EQ(parse_error("[" + objects + "]"), "at column 317: nesting deeper than 64 levels");

  // Far deeper input fails cleanly instead of exhausting the stack.
  const std::string deep(1'000'000, '[');
  EXPECT_EQ(parse_error(deep), "at column 65: nesting deeper than 64 levels");
}

// ---------------------------------------------------------------- round trips and order

TEST(JsonRoundTrip, NestedDocumentsDumpBackIdentically) {
  expect_round_trip("null");
  expect_round_trip("[]");
  expect_round_trip("{}");
  expect_round_trip(R"([[],{},[[]],[{}],{"":{}}])");
  expect_round_trip(
      R"({"name":"clone3","flags":["CLONE_VM","CLONE_FS"],"n":-42,"big":18446744073709551615,)"
      R"("min":-9223372036854775808,"ratio":0.25,"exp":1e+100,"neg":-1.5e-07,"ok":true,"no":false,)"
      R"("none":null,"text":"tab\there \"quoted\" \\ \u0001 )" "\xC3\xA9" R"(","nested":{"empty_array":[],)"
      R"("empty_object":{},"deep":[[[1,2],[3]],{"k":"v","z":[null,true,{"y":0}]}]}})");
}

TEST(JsonRoundTrip, BuiltValueSurvivesDumpAndParse) {
  Value doc = Value::object();
  doc["id"] = 7;
  doc["label"] = "case \"7\"\n";
  doc["when"] = 1.25;
  doc["big"] = std::numeric_limits<std::uint64_t>::max();
  doc["list"].push_back(1);
  doc["list"].push_back(Value::object());
  doc["list"].push_back("\xF0\x9F\x98\x80");
  doc["list"].items()[1]["inner"] = false;

  const std::string text = dump(doc);
  EXPECT_EQ(text,
            R"({"id":7,"label":"case \"7\"\n","when":1.25,"big":18446744073709551615,)"
            R"("list":[1,{"inner":false},")" "\xF0\x9F\x98\x80" R"("]})");
  Value back = must_parse(text);
  EXPECT_EQ(back, doc);
  EXPECT_EQ(dump(back), text);
}

TEST(JsonOrder, DumpKeepsInsertionOrder) {
  Value v = Value::object();
  v.set("z", 1);
  v.set("a", 2);
  v.set("m", 3);
  EXPECT_EQ(dump(v), R"({"z":1,"a":2,"m":3})");

  Value parsed = must_parse(R"({"b":1,"a":2,"c":{"y":1,"x":2}})");
  EXPECT_EQ(dump(parsed), R"({"b":1,"a":2,"c":{"y":1,"x":2}})");
  ASSERT_EQ(parsed.members().size(), 3U);
  EXPECT_EQ(parsed.members()[0].first, "b");
  EXPECT_EQ(parsed.members()[1].first, "a");
  EXPECT_EQ(parsed.members()[2].first, "c");
}

TEST(JsonObject, SubscriptInsertsNullAtTheEnd) {
  Value v;  // null becomes an object on first subscript
  Value& a = v["a"];
  EXPECT_TRUE(v.is_object());
  EXPECT_TRUE(a.is_null());
  EXPECT_EQ(v.size(), 1U);
  v["b"] = 2;
  v["a"] = "first";
  EXPECT_EQ(v.size(), 2U);
  EXPECT_EQ(dump(v), R"({"a":"first","b":2})");
  (void)v["c"];
  EXPECT_EQ(dump(v), R"({"a":"first","b":2,"c":null})");
  v["d"]["e"]["f"] = true;
  EXPECT_EQ(dump(v), R"({"a":"first","b":2,"c":null,"d":{"e":{"f":true}}})");
}

TEST(JsonObject, SetReplacesInPlaceOrAppends) {
  Value v = must_parse(R"({"a":1,"b":2,"c":3})");
  v.set("b", Value("two"));
  EXPECT_EQ(v.size(), 3U);
  EXPECT_EQ(dump(v), R"({"a":1,"b":"two","c":3})");
  v.set("d", Value::array());
  EXPECT_EQ(dump(v), R"({"a":1,"b":"two","c":3,"d":[]})");
  Value n;
  n.set("x", nullptr);
  EXPECT_EQ(dump(n), R"({"x":null})");
}

TEST(JsonObject, FindAndErase) {
  Value v = must_parse(R"({"a":1,"b":2,"c":3})");
  ASSERT_NE(v.find("b"), nullptr);
  EXPECT_EQ(v.find("b")->as_int(), 2);
  EXPECT_EQ(v.find("B"), nullptr);
  EXPECT_EQ(v.find(""), nullptr);
  *v.find("a") = 10;
  EXPECT_EQ(v.find("a")->as_int(), 10);
  const Value& cv = v;
  EXPECT_EQ(cv.find("c")->as_int(), 3);

  EXPECT_TRUE(v.erase("b"));
  EXPECT_FALSE(v.erase("b"));
  EXPECT_EQ(v.size(), 2U);
  EXPECT_EQ(dump(v), R"({"a":10,"c":3})");

  // Not an object: nothing to find or erase.
  EXPECT_EQ(Value(1).find("a"), nullptr);
  EXPECT_EQ(Value::array().find("a"), nullptr);
  Value s("a");
  EXPECT_FALSE(s.erase("a"));
  EXPECT_EQ(s.size(), 0U);
}

TEST(JsonArray, PushBackItemsAndSize) {
  Value v;  // null becomes an array on first push_back
  v.push_back(1);
  v.push_back("two");
  v.push_back(Value::array());
  EXPECT_TRUE(v.is_array());
  EXPECT_EQ(v.size(), 3U);
  v.items()[2].push_back(3.5);
  EXPECT_EQ(dump(v), R"([1,"two",[3.5]])");
  v.items().erase(v.items().begin());
  EXPECT_EQ(dump(v), R"(["two",[3.5]])");
  const Value& cv = v;
  EXPECT_EQ(cv.items().size(), 2U);
}

// ---------------------------------------------------------------- equality

TEST(JsonEquality, NumbersCompareByValue) {
  EXPECT_EQ(Value(1), Value(1.0));
  EXPECT_EQ(Value(1.0), Value(1));
  EXPECT_EQ(must_parse("1"), must_parse("1.0"));
  EXPECT_EQ(must_parse("100"), must_parse("1e2"));
  EXPECT_EQ(Value(0), Value(-0.0));
  EXPECT_NE(Value(1), Value(1.5));
  EXPECT_NE(Value(1), Value(2));
  EXPECT_EQ(Value(std::uint64_t{5}), Value(5LL));
  EXPECT_NE(Value(-1), Value(std::numeric_limits<std::uint64_t>::max()));
  // Exact at the boundaries: 2^63 - 1 is not the double 2^63, 2^64 - 1 is not 2^64.
  EXPECT_NE(Value(std::numeric_limits<long long>::max()), Value(9223372036854775808.0));
  EXPECT_EQ(Value(std::uint64_t{1} << 63), Value(9223372036854775808.0));
  EXPECT_NE(Value(std::numeric_limits<std::uint64_t>::max()), Value(18446744073709551616.0));
  EXPECT_NE(must_parse("9007199254740993"), Value(9007199254740992.0));
  EXPECT_NE(Value(std::numeric_limits<double>::quiet_NaN()), Value(std::numeric_limits<double>::quiet_NaN()));
}

TEST(JsonEquality, TypesMustMatch) {
  EXPECT_EQ(Value(), Value());
  EXPECT_NE(Value(), Value(0));
  EXPECT_NE(Value(0), Value(false));
  EXPECT_NE(Value("1"), Value(1));
  EXPECT_NE(Value(""), Value());
  EXPECT_NE(Value::array(), Value::object());
  EXPECT_EQ(Value(true), Value(true));
  EXPECT_NE(Value(true), Value(false));
  EXPECT_EQ(Value("x"), Value(std::string("x")));
  EXPECT_NE(Value("x"), Value("y"));
}

TEST(JsonEquality, ObjectsIgnoreOrderArraysDoNot) {
  EXPECT_EQ(must_parse(R"({"a":1,"b":[1,2],"c":{"x":1,"y":2}})"),
            must_parse(R"({"c":{"y":2,"x":1.0},"b":[1,2],"a":1})"));
  EXPECT_NE(must_parse(R"({"a":1,"b":2})"), must_parse(R"({"a":1,"b":3})"));
  EXPECT_NE(must_parse(R"({"a":1,"b":2})"), must_parse(R"({"a":1,"c":2})"));
  EXPECT_NE(must_parse(R"({"a":1})"), must_parse(R"({"a":1,"b":2})"));
  EXPECT_NE(must_parse(R"({"a":1,"b":2})"), must_parse(R"({"a":1})"));
  EXPECT_NE(must_parse(R"({"a":null})"), must_parse("{}"));
  EXPECT_NE(must_parse("[1,2]"), must_parse("[2,1]"));
  EXPECT_NE(must_parse("[1,2]"), must_parse("[1,2,3]"));
  EXPECT_EQ(must_parse("[[1],{\"a\":[]}]"), must_parse("[[1.0],{\"a\":[]}]"));
}

}  // namespace
}  // namespace clonediff::json
