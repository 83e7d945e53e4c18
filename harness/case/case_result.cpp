#include "harness/case/case_result.hpp"

namespace clonediff::harness {

std::string_view status_name(CaseRun::Status s) {
  switch (s) {
    case CaseRun::Status::completed: return "completed";
    case CaseRun::Status::timeout: return "timeout";
    case CaseRun::Status::crash: return "crash";
    case CaseRun::Status::error: return "error";
  }
  return "?";
}

}  // namespace clonediff::harness
