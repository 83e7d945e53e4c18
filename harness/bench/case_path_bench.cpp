// The cost of one case on the harness's path (predict, the real call in the
// caller process, probing, compare) beside the cost of the bare call, in one
// process and one run. Prints the ratios the targets are stated in:
//   a case that creates a child: within 3x a bare fork+_exit+waitpid;
//   a refused case: within 20 us.
// `--check` makes the exit status say whether both targets were met.
#include <benchmark/benchmark.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "harness/case/catalogue.hpp"
#include "harness/engine/runner.hpp"
#include "probes/running_kernel.hpp"
#include "model/flags.hpp"

namespace {

using namespace clonediff;

harness::Runner& runner() {
  static std::unique_ptr<harness::Runner> r = std::make_unique<harness::Runner>(*probes::running_kernel());
  return *r;
}

harness::CatalogueCase make_case(const char* id, std::uint64_t flags) {
  harness::CatalogueCase c;
  c.id = id;
  c.suite = "bench";
  c.context = "root";
  c.request = model::Request{model::Entry::clone, flags, model::kSigchld};
  return c;
}

void BM_BareForkExitWait(benchmark::State& state) {
  for (auto _ : state) {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
  }
}

void BM_HarnessCreatedChild(benchmark::State& state) {
  const auto c = make_case("bench/fork-like", 0);
  for (auto _ : state) {
    auto r = runner().run(c);
    if (r.verdict != harness::Verdict::match) state.SkipWithError(("case did not match: " + r.reason).c_str());
  }
}

void BM_BareRefusedClone(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(::syscall(SYS_clone, model::flag::THREAD | 17, 0, 0, 0, 0));
}

void BM_HarnessRefused(benchmark::State& state) {
  const auto c = make_case("bench/refused", model::flag::THREAD);
  for (auto _ : state) {
    auto r = runner().run(c);
    if (r.verdict != harness::Verdict::match) state.SkipWithError(("case did not match: " + r.reason).c_str());
  }
}

BENCHMARK(BM_BareForkExitWait)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_HarnessCreatedChild)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);
BENCHMARK(BM_BareRefusedClone)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(0.5);
BENCHMARK(BM_HarnessRefused)->UseRealTime()->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// The console reporter, also keeping each benchmark's real time per iteration.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred)
        us_[r.run_name.function_name] = r.GetAdjustedRealTime();  // in the benchmark's unit: us
  }
  double us(const std::string& name) const {
    auto it = us_.find(name);
    return it == us_.end() ? -1 : it->second;
  }

 private:
  std::map<std::string, double> us_;
};

}  // namespace

int main(int argc, char** argv) {
  bool check = false;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--check") == 0) {
      check = true;
      for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
      --argc;
      break;
    }
  benchmark::Initialize(&argc, argv);
  if (::geteuid() != 0) {
    std::fprintf(stderr, "case_path_bench: needs root (the harness builds caller contexts)\n");
    return 2;
  }
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);

  const double fork_us = reporter.us("BM_BareForkExitWait");
  const double created_us = reporter.us("BM_HarnessCreatedChild");
  const double refused_us = reporter.us("BM_HarnessRefused");
  const double bare_refused_us = reporter.us("BM_BareRefusedClone");
  if (fork_us <= 0 || created_us <= 0 || refused_us <= 0) {
    std::fprintf(stderr, "case_path_bench: a benchmark did not run (filtered out or failed)\n");
    return check ? 1 : 0;
  }
  const double ratio = created_us / fork_us;
  std::printf("\nper-case cost on this machine:\n");
  std::printf("  created child: harness %.1f us, bare fork+_exit+waitpid %.1f us: ratio %.2f (target <= 3)\n",
              created_us, fork_us, ratio);
  std::printf("  refused call:  harness %.1f us, bare refused clone %.2f us (target <= 20 us)\n", refused_us,
              bare_refused_us);
  const bool met = ratio <= 3.0 && refused_us <= 20.0;
  std::printf("  targets %s\n", met ? "met" : "MISSED");
  benchmark::Shutdown();
  return check && !met ? 1 : 0;
}
