// When the harness spins before it blocks: only while spinning pays.
#include <gtest/gtest.h>

#include "harness/caller/wire.hpp"

namespace clonediff::harness {
namespace {

// Spins a whole window, `paid` of them answered within the spin.
void spin_window(SpinRecord& record, unsigned paid) {
  for (unsigned i = 0; i < SpinRecord::kWindow; ++i) {
    ASSERT_TRUE(record.worth_trying()) << "spin " << i;
    record.spun(i < paid);
  }
}

TEST(SpinRecord, SpinsWhileOneSpinInFourPays) {
  SpinRecord record;
  for (int window = 0; window < 4; ++window) spin_window(record, SpinRecord::kWindow / 4);
  EXPECT_TRUE(record.worth_trying());
}

TEST(SpinRecord, RestsAfterAWindowThatDidNotPayThenTriesAgain) {
  SpinRecord record;
  spin_window(record, SpinRecord::kWindow / 4 - 1);
  for (unsigned i = 0; i < SpinRecord::kRest; ++i) ASSERT_FALSE(record.worth_trying()) << "wait " << i;
  EXPECT_TRUE(record.worth_trying());
  // A window that pays again keeps it spinning.
  spin_window(record, SpinRecord::kWindow);
  EXPECT_TRUE(record.worth_trying());
}

}  // namespace
}  // namespace clonediff::harness
