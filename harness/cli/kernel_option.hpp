// --kernel SPEC, shared by explain and check: the kernel profile to predict
// for (model::parse_kernel_spec: "6.1.0-50-cloud-amd64", "6.12",
// "6.1,unprivileged_userns_clone=0"); without it, the running kernel.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/kernel.hpp"
#include "probes/running_kernel.hpp"

namespace clonediff::cli {

// `check --kernel recorded`: each record's own profile.
inline constexpr std::string_view kRecordedKernel = "recorded";

inline Result<model::Kernel> kernel_option(const std::optional<std::string>& spec) {
  if (spec) {
    auto k = model::parse_kernel_spec(*spec);
    if (!k) return make_error("--kernel: " + k.error().message);
    return k;
  }
  auto running = probes::running_kernel();
  if (!running) return running;
  return model::modelled_kernel(std::move(running).value());
}

}  // namespace clonediff::cli
