// What the command-line test suites share: the clonediff binary (and any
// program) run as an outer process with Boost.Process and a timeout, files in a
// temporary directory, and small text helpers. CLONEDIFF_BINARY names the
// binary under test.
#pragma once

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <boost/process.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace clonediff::cli_support {

namespace bp = boost::process;
namespace fs = boost::filesystem;

struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p.string(), std::ios::trunc);
  out << text;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Boost 1.74's child::wait_for() can sleep out its whole timeout when the
// child exits before the wait begins (it waits for a SIGCHLD already gone).
// running() reaps without that race; poll it against a deadline.
inline bool finishes_within(bp::child& c, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  auto nap = std::chrono::microseconds(200);
  while (c.running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(nap);
    nap = std::min(nap * 2, std::chrono::microseconds(20000));
  }
  return true;
}

// The "id" of each JSON record line (ids in these tests need no escapes).
inline std::vector<std::string> record_ids(const std::vector<std::string>& records) {
  std::vector<std::string> out;
  for (const std::string& line : records) {
    const std::string key = "\"id\":\"";
    const auto at = line.find(key);
    if (at == std::string::npos) continue;
    out.push_back(line.substr(at + key.size(), line.find('"', at + key.size()) - at - key.size()));
  }
  return out;
}

// Runs program with args (and stdin from a file, if given) using `dir` for the
// redirections; `limit` at most.
inline Ran run_in(const fs::path& dir, const std::string& program, const std::vector<std::string>& args,
                  const std::string& stdin_text = "", std::chrono::seconds limit = std::chrono::seconds(60)) {
  const fs::path in = dir / "stdin", out = dir / "stdout", err = dir / "stderr";
  spit(in, stdin_text);
  fs::remove(out);  // Boost.Process opens redirect targets without truncating them
  fs::remove(err);
  bp::child c(program, bp::args(args), bp::std_in < in.string(), bp::std_out > out.string(), bp::std_err > err.string());
  if (!finishes_within(c, limit)) {
    c.terminate();
    ADD_FAILURE() << program << " did not finish within " << limit.count() << " s";
  }
  return Ran{c.exit_code(), slurp(out), slurp(err)};
}

inline fs::path make_temp_dir() {
  const fs::path dir = fs::temp_directory_path() / fs::unique_path("clonediff-cli-%%%%%%%%");
  fs::create_directories(dir);
  return dir;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs clonediff with args (and stdin from a file, if given); `limit` at most.
  Ran clonediff(const std::vector<std::string>& args, const std::string& stdin_text = "",
                std::chrono::seconds limit = std::chrono::seconds(60)) {
    return run(std::string(CLONEDIFF_BINARY), args, stdin_text, limit);
  }
  // Runs any program the same way.
  Ran run(const std::string& program, const std::vector<std::string>& args, const std::string& stdin_text = "",
          std::chrono::seconds limit = std::chrono::seconds(60)) {
    return run_in(dir_, program, args, stdin_text, limit);
  }
  fs::path path(const char* name) const { return dir_ / name; }

  fs::path dir_;
};

}  // namespace clonediff::cli_support
