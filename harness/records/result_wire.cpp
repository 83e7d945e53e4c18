#include "harness/records/result_wire.hpp"

#include <cstdint>

#include "harness/records/json.hpp"
#include "harness/records/record.hpp"
#include "model/caller.hpp"

namespace clonediff::harness {
namespace {

// "clonediff results", format 1. A reader of another format refuses it.
constexpr std::string_view kMagic = "CDRES\x01";
constexpr char kResultTag = 'R';
constexpr char kEndTag = 'E';

void put_unsigned(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void put_signed(std::string& out, std::int64_t v) {
  put_unsigned(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}
void put_text(std::string& out, std::string_view s) {
  put_unsigned(out, s.size());
  out.append(s);
}
void put_optional(std::string& out, const std::optional<long long>& v) {
  out.push_back(v ? 1 : 0);
  if (v) put_signed(out, *v);
}
template <std::size_t N>
void put_facts(std::string& out, const std::array<model::Fact, N>& facts) {
  for (model::Fact f : facts) out.push_back(static_cast<char>(f));
}

// Reads what the writer above wrote; the first fault stops it for good, and
// every read after that gives a zero.
class Reader {
 public:
  Reader(std::string_view bytes, std::size_t from) : bytes_(bytes), at_(from) {}

  bool failed() const { return !problem_.empty(); }
  const std::string& problem() const { return problem_; }
  bool at_end() const { return at_ == bytes_.size(); }

  void fail(const std::string& why) {
    if (problem_.empty()) problem_ = why + " at byte " + std::to_string(at_);
  }
  std::uint8_t byte() {
    if (failed()) return 0;
    if (at_ >= bytes_.size()) {
      fail("the stream ends inside a frame");
      return 0;
    }
    return static_cast<std::uint8_t>(bytes_[at_++]);
  }
  std::uint64_t unsigned_number() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = byte();
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    fail("a number longer than 64 bits");
    return 0;
  }
  std::int64_t signed_number() {
    const std::uint64_t z = unsigned_number();
    return static_cast<std::int64_t>(z >> 1) ^ -static_cast<std::int64_t>(z & 1);
  }
  std::string text() {
    const std::uint64_t n = unsigned_number();
    if (failed()) return {};
    if (n > bytes_.size() - at_) {
      fail("a string longer than what is left");
      return {};
    }
    std::string s(bytes_.substr(at_, n));
    at_ += n;
    return s;
  }
  // A value below `limit`, for an enumeration of that many.
  std::uint8_t below(std::uint8_t limit, const char* what) {
    const std::uint8_t v = byte();
    if (v >= limit) fail(std::string("a ") + what + " out of range (" + std::to_string(v) + ")");
    return v;
  }
  bool flag() { return below(2, "flag") != 0; }
  std::optional<long long> optional_number() {
    if (!flag()) return std::nullopt;
    return signed_number();
  }
  template <std::size_t N>
  void facts(std::array<model::Fact, N>& out) {
    for (model::Fact& f : out) f = static_cast<model::Fact>(below(3, "fact"));
  }

 private:
  std::string_view bytes_;
  std::size_t at_;
  std::string problem_;
};

void put_outcome(std::string& out, const model::Outcome& o) {
  put_signed(out, o.error);
  put_facts(out, o.share);
  put_facts(out, o.ns_new);
  out.push_back(static_cast<char>(o.same_tgid));
  out.push_back(static_cast<char>(o.ppid_is_caller));
  put_optional(out, o.exit_signal);
  put_facts(out, o.traits);
  put_optional(out, o.parent_signal);
}

model::Outcome read_outcome(Reader& in) {
  model::Outcome o;
  o.error = static_cast<int>(in.signed_number());
  in.facts(o.share);
  in.facts(o.ns_new);
  o.same_tgid = static_cast<model::Fact>(in.below(3, "fact"));
  o.ppid_is_caller = static_cast<model::Fact>(in.below(3, "fact"));
  o.exit_signal = in.optional_number();
  in.facts(o.traits);
  o.parent_signal = in.optional_number();
  return o;
}

void put_live(std::string& out, const LiveCall& l) {
  out.push_back(static_cast<char>(l.status));
  put_text(out, l.note);
  put_outcome(out, l.observed);
  put_facts(out, l.witnesses.kcmp);
  put_facts(out, l.witnesses.behaviour);
  put_text(out, l.witnesses.kcmp_note);
  put_signed(out, l.returned);
  put_unsigned(out, l.signals);
  out.push_back(l.route ? 1 : 0);
  if (l.route) {
    // Rare (the C library's entries): the request as its record writes it.
    json::Value request = json::Value::object();
    request_to_json(l.route->request, request);
    put_text(out, json::dump(request));
    put_text(out, l.route->text);
  }
  put_unsigned(out, l.other_calls.size());
  for (const std::string& c : l.other_calls) put_text(out, c);
  put_unsigned(out, static_cast<std::uint64_t>(l.elapsed.count() > 0 ? l.elapsed.count() : 0));
}

LiveCall read_live(Reader& in) {
  LiveCall l;
  l.status = static_cast<LiveCall::Status>(in.below(4, "live call status"));
  l.note = in.text();
  l.observed = read_outcome(in);
  in.facts(l.witnesses.kcmp);
  in.facts(l.witnesses.behaviour);
  l.witnesses.kcmp_note = in.text();
  l.returned = in.signed_number();
  l.signals = in.unsigned_number();
  if (in.flag()) {
    const std::string text = in.text();
    auto parsed = json::parse(text);
    auto request = parsed ? request_from_json(*parsed) : Result<model::Request>(make_error("not JSON"));
    if (!request) in.fail("a route that is not a request (" + request.error().message + ")");
    Route route;
    if (request) route.request = *request;
    route.text = in.text();
    l.route = std::move(route);
  }
  const std::uint64_t others = in.unsigned_number();
  for (std::uint64_t i = 0; i < others && !in.failed(); ++i) l.other_calls.push_back(in.text());
  l.elapsed = std::chrono::nanoseconds(static_cast<std::int64_t>(in.unsigned_number()));
  return l;
}

void put_caller(std::string& out, const model::Caller& c) {
  put_text(out, c.preset);
  const auto facts = model::caller_facts();
  put_unsigned(out, facts.size());
  for (const model::CallerFact& f : facts) put_signed(out, f.get(c));
}

model::Caller read_caller(Reader& in) {
  model::Caller c;
  c.preset = in.text();
  const auto facts = model::caller_facts();
  const std::uint64_t n = in.unsigned_number();
  if (n != facts.size())
    in.fail("a caller with " + std::to_string(n) + " facts, not this build's " + std::to_string(facts.size()));
  for (std::size_t i = 0; i < facts.size() && !in.failed(); ++i) {
    const long long v = in.signed_number();
    if (v < facts[i].min || v > facts[i].max)
      in.fail("caller fact " + std::string(facts[i].name) + " out of its range (" + std::to_string(v) + ")");
    else
      facts[i].set(c, v);
  }
  return c;
}

}  // namespace

void append_results_header(std::string& out, const std::string& release, const model::Kernel& profile) {
  out.append(kMagic);
  put_text(out, release);
  put_text(out, model::kernel_spec(profile));
}

void append_result_frame(std::string& out, const CaseResult& r) {
  out.push_back(kResultTag);
  put_text(out, r.spec.id);
  out.push_back(static_cast<char>(r.verdict));
  put_text(out, r.reason);
  out.push_back(r.caller_facts ? 1 : 0);
  if (r.caller_facts) put_caller(out, *r.caller_facts);
  out.push_back(r.live ? 1 : 0);
  if (r.live) put_live(out, *r.live);
}

void append_results_end(std::string& out, std::size_t count) {
  out.push_back(kEndTag);
  put_unsigned(out, count);
}

ResultStream read_result_stream(std::string_view bytes) {
  ResultStream s;
  if (bytes.empty()) {
    s.problem = "no results came back";
    return s;
  }
  if (!bytes.starts_with(kMagic)) {
    s.problem = "the results do not start as clonediff's results stream, format 1";
    return s;
  }
  Reader in(bytes, kMagic.size());
  s.release = in.text();
  const std::string spec = in.text();
  if (!in.failed()) {
    auto profile = model::parse_kernel_spec(spec);
    if (!profile) in.fail("a kernel profile that does not parse (" + profile.error().message + ")");
    else s.profile = *profile;
  }
  while (!in.failed() && !in.at_end()) {
    const std::uint8_t tag = in.byte();
    if (tag == kEndTag) {
      const std::uint64_t count = in.unsigned_number();
      if (!in.failed() && count != s.results.size())
        in.fail("the end frame counts " + std::to_string(count) + " cases, and " + std::to_string(s.results.size()) +
                " came");
      else if (!in.failed() && !in.at_end())
        in.fail("bytes follow the end frame");
      else
        s.ended = !in.failed();
      break;
    }
    if (tag != kResultTag) {
      in.fail("a frame of unknown kind " + std::to_string(tag));
      break;
    }
    CaseResult r;
    r.spec.id = in.text();
    r.verdict = static_cast<Verdict>(in.below(6, "verdict"));
    r.reason = in.text();
    if (in.flag()) r.caller_facts = read_caller(in);
    if (in.flag()) r.live = read_live(in);
    if (!in.failed()) s.results.push_back(std::move(r));
  }
  if (in.failed())
    s.problem = "the results stream is corrupt: " + in.problem();
  else if (!s.ended)
    s.problem = "the results stream ends after " + std::to_string(s.results.size()) + " cases, without its end frame";
  return s;
}

}  // namespace clonediff::harness
