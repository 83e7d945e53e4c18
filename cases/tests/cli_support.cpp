#include "cases/tests/cli_support.hpp"

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "harness/targets/outer_process.hpp"

namespace clonediff::cli_support {

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p.string(), std::ios::trunc);
  out << text;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> record_ids(const std::vector<std::string>& records) {
  std::vector<std::string> out;
  for (const std::string& line : records) {
    const std::string key = "\"id\":\"";
    const auto at = line.find(key);
    if (at == std::string::npos) continue;
    out.push_back(line.substr(at + key.size(), line.find('"', at + key.size()) - at - key.size()));
  }
  return out;
}

std::string find_program(const std::string& name) { return targets::find_program(name).value_or(""); }

Ran run_in(const fs::path& dir, const std::string& program, const std::vector<std::string>& args,
           const std::string& stdin_text, std::chrono::seconds limit) {
  const fs::path in = dir / "stdin";
  spit(in, stdin_text);
  auto ran = targets::run_outer(targets::OuterCommand{program, args, dir.string(), limit, in.string(), dir.string(), {}, std::nullopt});
  if (!ran) {
    ADD_FAILURE() << ran.error().message;
    return Ran{};
  }
  if (ran->end == targets::OuterRun::End::timed_out)
    ADD_FAILURE() << program << " did not finish within " << limit.count() << " s";
  return Ran{ran->exit_code, ran->out, ran->err};
}

fs::path make_temp_dir() {
  std::random_device random;
  for (;;) {
    const fs::path dir = fs::temp_directory_path() / ("clonediff-cli-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(random() % 100000000u));
    if (fs::create_directory(dir)) return dir;
  }
}

}  // namespace clonediff::cli_support
