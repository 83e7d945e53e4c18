#include "harness/targets/target_run.hpp"

namespace clonediff::targets {

std::vector<std::string> guest_run_args(const GuestSelection& s, const std::string& dest,
                                        const std::vector<std::string>& case_paths) {
  if (!s.command.empty()) {
    std::vector<std::string> args = s.command;
    args.insert(args.end(), {"--json", dest});
    return args;
  }
  // --quiet: the guest's standard error is often a terminal (a kernel
  // target's is the serial console), where a progress line redrawn ten times
  // a second costs the guest every byte; the host reads the records.
  // --results: the guest predicts (a prediction can make a case a skip) but
  // formats nothing; the host judges again and writes every report.
  std::vector<std::string> args = {"run",      "--results", dest, "--timeout", std::to_string(s.case_timeout.count()),
                                   "--quiet"};
  if (s.no_builtin) args.push_back("--no-builtin");
  for (const std::string& p : case_paths) {
    args.push_back("--cases");
    args.push_back(p);
  }
  for (const std::string& f : s.filters) {
    args.push_back("--filter");
    args.push_back(f);
  }
  for (const std::string& e : s.excludes) {
    args.push_back("--exclude");
    args.push_back(e);
  }
  for (const std::string& shard : s.shards) {
    args.push_back("--shard");
    args.push_back(shard);
  }
  if (s.context) {
    args.push_back("--context");
    args.push_back(*s.context);
  }
  if (s.kernel_profile) {
    args.push_back("--kernel");
    args.push_back(*s.kernel_profile);
  }
  return args;
}

void take_records(std::string_view text, TargetRun& run) {
  std::string clean(text);
  std::erase(clean, '\r');  // a serial console's line ends
  for (json::Line& line : json::parse_lines(clean)) {
    if (line.value && line.value->is_object())
      run.records.push_back(std::move(line.value).value());
    else
      ++run.bad_lines;
  }
}

void take_output(const GuestSelection& s, std::string_view text, TargetRun& run) {
  if (s.command.empty())
    run.results = harness::read_result_stream(text);
  else
    take_records(text, run);
}

void fail_on_broken_results(TargetRun& run) {
  if (run.status != TargetRun::Status::ran || !run.results || run.results->problem.empty()) return;
  run.status = TargetRun::Status::failed;
  run.reason = run.results->problem;
}

std::string log_tail(std::string_view log, std::size_t n) {
  std::size_t at = log.size();
  while (at > 0 && (log[at - 1] == '\n' || log[at - 1] == '\r')) --at;
  const std::size_t end = at;
  for (std::size_t lines = 0; at > 0; --at)
    if (log[at - 1] == '\n' && ++lines == n) break;
  std::string out(log.substr(at, end - at));
  std::erase(out, '\r');
  return out;
}

}  // namespace clonediff::targets
