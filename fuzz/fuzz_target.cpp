// One libFuzzer target: CLONEDIFF_FUZZ_BODY names the body of fuzz_inputs.hpp
// it feeds (one executable per body, built by fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  clonediff::fuzz::CLONEDIFF_FUZZ_BODY(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
