#include "fuzz/fuzz_inputs.hpp"

#include "harness/records/result_wire.hpp"

namespace clonediff::fuzz {

void result_stream(std::string_view input) { (void)harness::read_result_stream(input); }

}  // namespace clonediff::fuzz
