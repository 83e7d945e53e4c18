#include "cases/tests/cli_support.hpp"

#include <unistd.h>

#include <boost/process.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace clonediff::cli_support {
namespace {

namespace bp = boost::process;

// Boost 1.74's child::wait_for() can sleep out its whole timeout when the
// child exits before the wait begins (it waits for a SIGCHLD already gone).
// running() reaps without that race; poll it against a deadline.
bool finishes_within(bp::child& c, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto nap = std::chrono::microseconds(200);
  while (c.running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, std::chrono::microseconds(20000));
  }
  return true;
}

}  // namespace

std::string slurp(const fs::path& p) {
  std::ifstream in(p.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

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

std::string find_program(const std::string& name) { return bp::search_path(name).string(); }

Ran run_in(const fs::path& dir, const std::string& program, const std::vector<std::string>& args,
           const std::string& stdin_text, std::chrono::seconds limit) {
  const fs::path in = dir / "stdin", out = dir / "stdout", err = dir / "stderr";
  spit(in, stdin_text);
  fs::remove(out);  // Boost.Process opens redirect targets without truncating them
  fs::remove(err);
  bp::child c(program, bp::args(args), bp::start_dir(dir.string()), bp::std_in < in.string(), bp::std_out > out.string(),
              bp::std_err > err.string());
  if (!finishes_within(c, limit)) {
    c.terminate();
    ADD_FAILURE() << program << " did not finish within " << limit.count() << " s";
  }
  return Ran{c.exit_code(), slurp(out), slurp(err)};
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
