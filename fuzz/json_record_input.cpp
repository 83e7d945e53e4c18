#include "fuzz/fuzz_inputs.hpp"

#include "harness/records/json.hpp"
#include "harness/records/judge.hpp"
#include "harness/records/record.hpp"

namespace clonediff::fuzz {

void json_record(std::string_view input) {
  auto value = json::parse(input);
  if (!value) return;
  (void)json::dump(*value);
  (void)harness::record_kernel(*value);
  (void)harness::request_from_json(*value);
  if (const json::Value* context = json::find(*value, "context")) (void)harness::caller_from_json(*context);
  if (const json::Value* observed = json::find(*value, "observed")) (void)harness::outcome_from_json(*observed);
}

}  // namespace clonediff::fuzz
