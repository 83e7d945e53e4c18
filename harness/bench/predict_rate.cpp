// The model's speed over the catalogue, for ci/bench: every case of the
// built-in catalogue predicted for its context's caller on the running
// kernel's profile, over and over for at least a second; prints
// "<n> predictions per second (<cases> cases, <rounds> rounds)". No system
// call but reading the running kernel's version; needs no root.
#include <chrono>
#include <cstdio>
#include <vector>

#include "harness/case/catalogue.hpp"
#include "model/caller.hpp"
#include "model/predict.hpp"
#include "probes/running_kernel.hpp"

int main() {
  using namespace clonediff;
  auto catalogue = harness::builtin_catalogue();
  auto kernel = probes::running_kernel();
  if (!catalogue || !kernel) {
    std::fprintf(stderr, "predict_rate: %s\n",
                 (!catalogue ? catalogue.error() : kernel.error()).message.c_str());
    return 2;
  }
  struct Input {
    const model::Request* request;
    model::Caller caller;
  };
  std::vector<Input> inputs;
  for (const harness::CatalogueCase& c : *catalogue) {
    auto caller = model::caller_preset(c.context);
    if (!caller) {
      std::fprintf(stderr, "predict_rate: %s: %s\n", c.id.c_str(), caller.error().message.c_str());
      return 2;
    }
    inputs.push_back({&c.request, *caller});
  }
  std::size_t predictions = 0, rounds = 0, refused = 0;
  const auto start = std::chrono::steady_clock::now();
  std::chrono::duration<double> took{};
  do {
    for (const Input& in : inputs) {
      auto p = model::predict(*in.request, in.caller, *kernel);
      refused += !p.ok();
      ++predictions;
    }
    ++rounds;
    took = std::chrono::steady_clock::now() - start;
  } while (took.count() < 1.0);
  if (refused != 0) {
    std::fprintf(stderr, "predict_rate: the model refused %zu predictions\n", refused);
    return 1;
  }
  std::printf("%.0f predictions per second (%zu cases, %zu rounds)\n", static_cast<double>(predictions) / took.count(),
              inputs.size(), rounds);
  return 0;
}
