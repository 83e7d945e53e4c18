// What the command-line test suites share: the clonediff binary (and any
// program) run as an outer process with a timeout (targets::run_outer()),
// files in a temporary directory, and small text helpers. CLONEDIFF_BINARY
// names the binary under test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "probes/sys/text_file.hpp"

namespace clonediff::cli_support {

namespace fs = std::filesystem;

struct Ran {
  int status = -1;
  std::string out;
  std::string err;
};

// The whole file, or "" (sys::read_text_or_empty()).
inline std::string slurp(const fs::path& p) { return sys::read_text_or_empty(p.string()); }
void spit(const fs::path& p, const std::string& text);
std::vector<std::string> lines(const std::string& text);

// The "id" of each JSON record line (ids in these tests need no escapes).
std::vector<std::string> record_ids(const std::vector<std::string>& records);

// A program on PATH, or "".
std::string find_program(const std::string& name);

// Runs program with args (and stdin from a file, if given) in `dir`, which
// also holds the redirections; `limit` at most, after which it is killed and
// the test fails.
Ran run_in(const fs::path& dir, const std::string& program, const std::vector<std::string>& args,
           const std::string& stdin_text = "", std::chrono::seconds limit = std::chrono::seconds(60));

// A new directory under the temporary directory.
fs::path make_temp_dir();

class Cli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  void TearDown() override { fs::remove_all(dir_); }

#ifdef CLONEDIFF_BINARY  // a test suite's definition (not this library's)
  // Runs clonediff with args (and stdin from a file, if given); `limit` at most.
  Ran clonediff(const std::vector<std::string>& args, const std::string& stdin_text = "",
                std::chrono::seconds limit = std::chrono::seconds(60)) {
    return run(std::string(CLONEDIFF_BINARY), args, stdin_text, limit);
  }
#endif
  // Runs any program the same way.
  Ran run(const std::string& program, const std::vector<std::string>& args, const std::string& stdin_text = "",
          std::chrono::seconds limit = std::chrono::seconds(60)) {
    return run_in(dir_, program, args, stdin_text, limit);
  }
  fs::path path(const char* name) const { return dir_ / name; }

  fs::path dir_;
};

}  // namespace clonediff::cli_support
