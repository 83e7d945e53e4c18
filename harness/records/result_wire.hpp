// The results a target's clonediff sends its host (`run --results`): what
// each case came to there, without the prediction, the comparison or any
// formatting, which the host redoes (targets/target_results.hpp). Under TCG
// or qemu-user the guest's CPU is dear, and a JSON record per case cost the
// guest more than the run's own system calls; this stream is binary, about a
// tenth of the size, and made without allocation per field.
//
// The stream: a header (magic, format version, the kernel the results ran on
// and the profile they were judged against), one frame per case, and an end
// frame with the count of cases. Numbers are LEB128 varints (signed ones
// zigzagged), strings a varint length and the bytes. The reader checks every
// value it takes (each fact, verdict and status in range, each count against
// what is left); a stream it cannot read whole gives the results read before
// the fault and says where it broke, so that a target's cut or corrupt stream
// fails that target and never passes a case it did not carry.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case/case_result.hpp"
#include "model/kernel.hpp"

namespace clonediff::harness {

// Appended to `out`: the header, one case's frame, the end frame. A result's
// spec contributes only its id; its prediction and diff are not sent.
void append_results_header(std::string& out, const std::string& release, const model::Kernel& profile);
void append_result_frame(std::string& out, const CaseResult& r);
void append_results_end(std::string& out, std::size_t count);

struct ResultStream {
  std::string release;                  // the kernel the target ran on
  std::optional<model::Kernel> profile; // what its cases were judged against there
  // Each with spec.id, verdict, reason, caller_facts and live as the target
  // had them (spec.context holds nothing: the host's case gives it).
  std::vector<CaseResult> results;
  bool ended = false;   // the end frame came, and its count matched
  std::string problem;  // empty, or why the stream could not be read to its end
};

// Reads a stream written by the functions above.
ResultStream read_result_stream(std::string_view bytes);

}  // namespace clonediff::harness
