#include "harness/case/case_result.hpp"

namespace clonediff::harness {

std::string_view status_name(LiveCall::Status s) {
  switch (s) {
    case LiveCall::Status::completed: return "completed";
    case LiveCall::Status::timeout: return "timeout";
    case LiveCall::Status::crash: return "crash";
    case LiveCall::Status::error: return "error";
  }
  return "?";
}

}  // namespace clonediff::harness
