// Every input in fuzz/corpus/<target>/ (the seeds) and fuzz/crashes/<target>/
// (each input a fuzzer found to crash, kept after the fix) through its body,
// in the normal suite (and under ci/sanitize): none may crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "fuzz/fuzz_inputs.hpp"
#include "probes/sys/text_file.hpp"

namespace {

namespace fs = std::filesystem;
using Body = void (*)(std::string_view);

const std::map<std::string, Body>& bodies() {
  static const std::map<std::string, Body> all = {
      {"json_record", clonediff::fuzz::json_record},
      {"case_file", clonediff::fuzz::case_file},
      {"check", clonediff::fuzz::check_records},
      {"explain_args", clonediff::fuzz::explain_args},
      {"result_stream", clonediff::fuzz::result_stream},
  };
  return all;
}

std::size_t feed_all(const fs::path& dir, Body body) {
  std::size_t n = 0;
  if (!fs::is_directory(dir)) return n;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    SCOPED_TRACE(e.path().string());
    body(clonediff::sys::read_text_or_empty(e.path().string()));
    ++n;
  }
  return n;
}

TEST(FuzzRegression, EverySeedAndEveryCrashInputGoesThrough) {
  const fs::path root = fs::path(CLONEDIFF_SOURCE_DIR) / "fuzz";
  for (const auto& [name, body] : bodies()) {
    const std::size_t seeds = feed_all(root / "corpus" / name, body);
    EXPECT_GT(seeds, 0u) << "fuzz/corpus/" << name << " holds no seed";
    feed_all(root / "crashes" / name, body);
  }
}

// A directory of inputs for a target that does not exist is a mistake.
TEST(FuzzRegression, EveryInputDirectoryNamesATarget) {
  const fs::path root = fs::path(CLONEDIFF_SOURCE_DIR) / "fuzz";
  for (const char* kind : {"corpus", "crashes"}) {
    if (!fs::is_directory(root / kind)) continue;
    for (const fs::directory_entry& e : fs::directory_iterator(root / kind))
      EXPECT_TRUE(bodies().count(e.path().filename().string())) << e.path();
  }
}

}  // namespace
