#include "fuzz/fuzz_inputs.hpp"

#include "harness/records/json.hpp"
#include "harness/records/judge.hpp"
#include "model/kernel.hpp"

namespace clonediff::fuzz {

void check_records(std::string_view input) {
  static const auto fixed = model::parse_kernel_spec("6.1");
  for (json::Line& line : json::parse_lines(input)) {
    if (!line.value) continue;
    json::Value against_fixed = *line.value;
    if (fixed) (void)harness::judge_record(against_fixed, *fixed);
    if (auto own = harness::record_kernel(*line.value)) {
      json::Value against_own = *line.value;
      if (harness::judge_record(against_own, *own)) (void)json::dump(against_own);
    }
  }
}

}  // namespace clonediff::fuzz
