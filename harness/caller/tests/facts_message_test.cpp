// The caller's facts cross the wire as numbers in the order of
// model::caller_facts(): every fact, whatever it is, comes back as it went.
#include <gtest/gtest.h>

#include "harness/caller/wire.hpp"
#include "model/caller.hpp"

namespace clonediff::harness {
namespace {

// Every fact set to `ones` (booleans true, numbers 2, 3, ...) or to zero: a
// fact the packing dropped comes back 0, one the unpacking dropped as the
// model's default, and one of the two passes differs from each.
void expect_round_trip(bool ones) {
  model::Caller sent;
  long long n = 2;
  for (const model::CallerFact& f : model::caller_facts()) f.set(sent, !ones ? 0 : f.boolean ? 1 : n++);
  if (ones) sent.signals_blocked = ~std::uint64_t{0};  // the top bit survives the signed trip
  auto back = caller_from_facts_msg(facts_msg(sent), "unpriv");
  ASSERT_TRUE(back.ok()) << back.error().message;
  for (const model::CallerFact& f : model::caller_facts())
    EXPECT_EQ(f.get(*back), f.get(sent)) << f.name << (ones ? " (ones)" : " (zeros)");
  EXPECT_EQ(back->preset, "unpriv");
}

TEST(FactsMessage, EveryFactComesBackAsItWent) {
  expect_round_trip(true);
  expect_round_trip(false);
}

TEST(FactsMessage, AnotherBuildsFactsAreAProtocolError) {
  FactsMsg m = facts_msg(model::Caller{});
  m.fact_count -= 1;
  auto back = caller_from_facts_msg(m, "root");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("facts, not"), std::string::npos) << back.error().message;
}

}  // namespace
}  // namespace clonediff::harness
