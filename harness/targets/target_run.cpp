#include "harness/targets/target_run.hpp"

namespace clonediff::targets {

std::vector<std::string> guest_run_args(const GuestSelection& s, const std::string& json_dest,
                                        const std::vector<std::string>& case_paths) {
  std::vector<std::string> args = {"run", "--json", json_dest, "--timeout", std::to_string(s.case_timeout.count())};
  if (s.no_builtin) args.push_back("--no-builtin");
  for (const std::string& p : case_paths) {
    args.push_back("--cases");
    args.push_back(p);
  }
  if (s.filter) {
    args.push_back("--filter");
    args.push_back(*s.filter);
  }
  if (s.shard) {
    args.push_back("--shard");
    args.push_back(*s.shard);
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
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    std::erase(line, '\r');
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto v = json::parse(line);
    if (v && v->is_object())
      run.records.push_back(std::move(v).value());
    else
      ++run.bad_lines;
  }
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
