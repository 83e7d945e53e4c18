#include "harness/records/json.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <iterator>
#include <unordered_set>
#include <utility>

namespace clonediff::json {
namespace {

// 2^63 and 2^64, exactly representable as doubles: the half-open bounds of the
// doubles that convert to long long and unsigned long long without overflow.
constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr double kTwoPow64 = 18446744073709551616.0;

// An input iterator over the text that publishes, through `cursor`, how far
// nlohmann's lexer has read: the handler's own errors (a repeated key, too
// deep) need a position, which nlohmann gives only to its own.
class ReadingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  ReadingIterator(const char* at, const char** cursor) : at_(at), cursor_(cursor) {}
  reference operator*() const { return *at_; }
  ReadingIterator& operator++() {
    ++at_;
    if (cursor_) *cursor_ = at_;
    return *this;
  }
  ReadingIterator operator++(int) {
    ReadingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const ReadingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const ReadingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char** cursor_;
};

// "at column C", or "at line L, column C" when the text has more than one
// line; both count bytes from 1.
std::string location(std::string_view text, std::size_t at) {
  const std::size_t bounded = std::min(at, text.size());
  const std::string_view before = text.substr(0, bounded);
  const std::size_t last_newline = before.rfind('\n');
  const std::size_t column = last_newline == std::string_view::npos ? bounded + 1 : bounded - last_newline;
  if (text.find('\n') == std::string_view::npos) return "at column " + std::to_string(column);
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  return "at line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Where the token nlohmann stopped in starts: it reports an error after
// reading the byte that did not fit (`end` bytes read). That byte, or the run
// of literal characters it ends ("tru]" of a bad "true", "no" of "{not"), is
// the token.
std::size_t token_start(std::string_view text, std::size_t end) {
  const auto literal = [](char c) {
    return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '"' && std::string_view("{}[],:").find(c) == std::string_view::npos;
  };
  end = std::min(end, text.size());
  if (end == 0) return 0;
  std::size_t i = end - 1;
  if (!literal(text[i]) && i > 0 && literal(text[i - 1])) --i;  // the byte that ended a bad literal
  if (!literal(text[i])) return i;
  while (i > 0 && literal(text[i - 1])) --i;
  return i;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse
// error at line 1, column 3: " head (the position is ours), bytes outside
// ASCII written as \xNN so that the message stays one clean line.
std::string problem_of(const char* what) {
  std::string_view s(what);
  if (s.starts_with("[json.exception.")) s.remove_prefix(std::min(s.size(), s.find("] ") + 2));
  if (s.starts_with("parse error")) s.remove_prefix(std::min(s.size(), s.find(": ") + 2));
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
      continue;
    }
    constexpr std::string_view hex = "0123456789abcdef";
    out += "\\x";
    out += hex[b >> 4];
    out += hex[b & 0xF];
  }
  return out;
}

// The start of the string token that ends just before `end` (its closing
// quote is end[-1]): the opening quote is the first '"' before that which no
// odd run of backslashes escapes.
std::size_t string_start(std::string_view text, std::size_t end) {
  std::size_t i = end >= 2 ? end - 2 : 0;
  while (i > 0) {
    if (text[i] == '"') {
      std::size_t backslashes = 0;
      while (backslashes < i && text[i - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return i;
    }
    --i;
  }
  return 0;
}

// nlohmann's SAX interface, building an ordered_json as nlohmann's own DOM
// builder does (a stack of the containers being filled), plus a key set per
// open object. Members are appended to the object's vector directly: the key
// set has already ruled out a repeat, and ordered_map's own insertion would
// search the members first (quadratic in the object's size).
class Builder {
 public:
  using number_integer_t = Value::number_integer_t;
  using number_unsigned_t = Value::number_unsigned_t;
  using number_float_t = Value::number_float_t;
  using string_t = Value::string_t;
  using binary_t = Value::binary_t;

  Builder(std::string_view text, const char* const* cursor) : text_(text), cursor_(cursor) {}

  bool null() { return add(Value(nullptr)); }
  bool boolean(bool b) { return add(Value(b)); }
  bool number_integer(number_integer_t i) { return add(Value(i)); }
  bool number_unsigned(number_unsigned_t u) { return add(Value(u)); }
  bool number_float(number_float_t d, const string_t& /*literal*/) { return add(Value(d)); }
  bool string(string_t& s) { return add(Value(std::move(s))); }
  bool binary(binary_t& /*bytes*/) { return fail(read_so_far(), "binary data"); }  // not in JSON text
  bool start_object(std::size_t /*elements*/) { return open(Value::object()); }
  bool start_array(std::size_t /*elements*/) { return open(Value::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(string_t& k) {
    Level& top = stack_.back();
    if (!top.keys.insert(k).second) {
      const std::string field = path() + (stack_.size() > 1 ? "." : "") + k;
      return fail(string_start(text_, read_so_far()),
                  "duplicate key " + Value(k).dump(-1, ' ', false, Value::error_handler_t::replace) + " (field " +
                      field + ")");
    }
    top.pending_key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::detail::exception& ex) {
    if (!error_) error_ = make_error(location(text_, token_start(text_, position)) + ": " + problem_of(ex.what()));
    return false;
  }

  Result<Value> result() && {
    if (error_) return *error_;
    return std::move(root_);
  }

 private:
  struct Level {
    Value* container = nullptr;
    std::unordered_set<std::string> keys;  // an object's keys so far
    std::string pending_key;               // the key whose value comes next
  };

  std::size_t read_so_far() const { return static_cast<std::size_t>(*cursor_ - text_.data()); }

  bool fail(std::size_t at, const std::string& problem) {
    error_ = make_error(location(text_, at) + ": " + problem);
    return false;
  }

  // Adds a value where the open container wants it; returns where it went.
  Value* place(Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Level& top = stack_.back();
    if (top.container->is_array()) {
      auto& items = top.container->get_ref<Value::array_t&>();
      items.push_back(std::move(v));
      return &items.back();
    }
    std::vector<std::pair<const std::string, Value>>& members = top.container->get_ref<Object&>();
    members.emplace_back(std::move(top.pending_key), std::move(v));
    return &members.back().second;
  }

  bool add(Value v) {
    place(std::move(v));
    return true;
  }

  bool open(Value container) {
    if (stack_.size() >= static_cast<std::size_t>(kMaxDepth))
      return fail(read_so_far() - 1, "nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    Value* where = place(std::move(container));
    stack_.push_back(Level{where, {}, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  // Where the innermost open container sits: "observed.share", "diff[0]".
  std::string path() const {
    std::string out;
    for (std::size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Value& parent = *stack_[i].container;
      if (parent.is_array()) {
        out += "[" + std::to_string(parent.size() - 1) + "]";
      } else {
        out += (out.empty() ? "" : ".") + parent.get_ref<const Object&>().back().first;
      }
    }
    return out;
  }

  std::string_view text_;
  const char* const* cursor_;
  Value root_;
  std::vector<Level> stack_;
  std::optional<Error> error_;
};

}  // namespace

Result<Value> parse(std::string_view text) {
  const char* cursor = text.data();
  Builder builder(text, &cursor);
  Value::sax_parse(ReadingIterator(text.data(), &cursor), ReadingIterator(text.data() + text.size(), nullptr),
                   &builder, nlohmann::detail::input_format_t::json, /*strict=*/true, /*ignore_comments=*/false);
  return std::move(builder).result();
}

std::vector<Line> parse_lines(std::string_view text) {
  std::vector<Line> out;
  std::size_t number = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    out.push_back(Line{number, parse(line)});
  }
  return out;
}

std::string dump(const Value& v) { return v.dump(-1, ' ', false, Value::error_handler_t::replace); }

const Value* find(const Value& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (const auto& [name, value] : object.get_ref<const Object&>())
    if (name == key) return &value;
  return nullptr;
}

Value* find(Value& object, std::string_view key) {
  return const_cast<Value*>(find(static_cast<const Value&>(object), key));
}

const Object& members(const Value& object) {
  assert(object.is_object());
  return object.get_ref<const Object&>();
}

const std::string& str(const Value& v) {
  assert(v.is_string());
  return v.get_ref<const std::string&>();
}

std::optional<long long> as_int(const Value& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<long long>();
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<long long>(u);
    return std::nullopt;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && d >= -kTwoPow63 && d < kTwoPow63) return static_cast<long long>(d);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> as_uint(const Value& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    const auto i = v.get<long long>();
    if (i >= 0) return static_cast<std::uint64_t>(i);
    return std::nullopt;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && d >= 0.0 && d < kTwoPow64) return static_cast<std::uint64_t>(d);
  }
  return std::nullopt;
}

}  // namespace clonediff::json
