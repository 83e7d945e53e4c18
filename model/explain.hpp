// A prediction in words: the request as the kernel sees it, the rule chain,
// the deciding rule with where it lives, and the predicted child.
#pragma once

#include <string>

#include "model/predict.hpp"

namespace clonediff::model {

std::string explain(const Request& request, const Caller& caller, const Kernel& kernel, const Prediction& p);

// One line: "ok (copy_process.ok)" or "EINVAL (copy_process.newns_fs)".
std::string summary_line(const Prediction& p);

}  // namespace clonediff::model
