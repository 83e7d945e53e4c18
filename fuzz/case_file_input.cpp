#include "fuzz/fuzz_inputs.hpp"

#include "harness/case/catalogue.hpp"

namespace clonediff::fuzz {

// A bound far below the default, so that one input cannot expand to a
// million cases and time the fuzzer out: the bound itself is what is tested.
constexpr std::size_t kMaxCases = 1000;

void case_file(std::string_view input) { (void)harness::parse_catalogue(input, "fuzz.cases", kMaxCases); }

}  // namespace clonediff::fuzz
