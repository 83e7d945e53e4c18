// What each fuzz target does with one input: the readers clonediff points at
// text it did not write. A body must not crash, hang, leak or trip a
// sanitizer on any input; what it returns is not checked (a bad input is
// refused with an error, which is fine). The libFuzzer targets (fuzz_target.cpp,
// built by ci/fuzz) and the regression test of the normal suite
// (fuzz_regression_test.cpp: every seed and every crash input found) call
// the same bodies.
#pragma once

#include <string_view>

namespace clonediff::fuzz {

// One JSON record as check and diff read it: parsed, written back, and its
// kernel, request and context read.
void json_record(std::string_view input);
// A case file (cases/README.cases.md), as run --cases reads it.
void case_file(std::string_view input);
// A record file as `clonediff check` judges it: each line parsed and judged
// against a fixed profile and against its own recorded kernel.
void check_records(std::string_view input);
// `clonediff explain` with the input's lines as its arguments: parsed by the
// command line, and the explanation made.
void explain_args(std::string_view input);
// A target's results stream (run --results), as the host reads it back.
void result_stream(std::string_view input);

}  // namespace clonediff::fuzz
