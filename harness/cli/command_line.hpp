// The clonediff command line, defined once (CLI11): the definitions below
// parse the arguments, and the same definitions write every command's
// --help, the man page and the bash completion (cli/docs.hpp), so that none
// of them can list an option the parser does not take, or miss one it does.
//
// Bad usage is one line, "clonediff CMD: <what is wrong>", and exit status 2
// (kExitUsage); --help and --version print to stdout and exit 0.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/result.hpp"

// CLI11 stays out of this header: it is the costliest header of the build
// (about 9 s of compiler time in each file that includes it), so only the
// files that walk the definitions (command_line.cpp, docs.cpp, the tests)
// include <CLI/CLI.hpp>.
namespace CLI {
class App;
}  // namespace CLI

namespace clonediff::cli {

inline constexpr int kExitMatch = 0;
inline constexpr int kExitMismatch = 1;
inline constexpr int kExitUsage = 2;

// The largest timeouts taken: a day per case, a day per target (so that a
// deadline of now + timeout is always representable).
inline constexpr long long kMostTimeoutMs = 24LL * 3600 * 1000;
inline constexpr long long kMostTargetTimeoutS = 24LL * 3600;

struct RunOptions {
  std::vector<std::string> cases;  // --cases FILE, in order
  bool no_builtin = false;
  std::vector<std::string> filters, excludes;
  std::optional<std::string> context;
  std::vector<std::string> shards;  // --shard "I/N", each of what the one before kept; checked by harness::parse_shard
  bool list = false;
  std::optional<std::string> json, junit;
  // A target's clonediff: its results for the host, binary (records/result_wire.hpp).
  std::optional<std::string> results;
  bool ktap = false;
  bool quiet = false;
  long long timeout_ms = 5000;
  std::vector<std::string> targets, baselines, allow_skip;
  bool update_baselines = false;
  std::optional<long long> target_timeout_s;
  long long max_cases = 1'000'000;  // harness::kDefaultMaxCases
  std::optional<std::string> kernel;  // judge against this profile, not the running kernel's
  bool coverage = false;          // print the model's rule coverage of the run
  bool require_coverage = false;  // ... and fail if a reachable rule decided no case
};

struct ExploreOptions {
  std::optional<long long> seed;  // default: the current time, printed
  std::optional<std::string> budget;  // a duration: "60s", "2m", "1500ms", "90"
  std::optional<long long> cases;
  std::vector<std::string> contexts, targets, baselines;
  std::optional<std::string> baseline_file;  // what a target is given: its baseline, in its own view
  long long timeout_ms = 5000;
  std::optional<long long> target_timeout_s;
  std::optional<std::string> json, kernel;
  long long max_shrunk = 32;
};

struct ExplainOptions {
  std::vector<std::string> flags;  // at most one: FLAGS
  std::optional<std::string> entry, context, exit_signal, kernel;
  bool kernel_history = false;  // print `clonediff kernels` instead
  // clone3's struct and the clone arguments, in the catalogue's words.
  std::optional<std::string> size, stack, stack_size, tls, args, set_tid, set_tid_size, cgroup, tail, pidfd, parent_tid,
      child_tid, after, rounds, fn;
  // The ones given, as catalogue options: {"set_tid", "2"} for --set-tid 2.
  std::vector<std::pair<std::string, std::string>> request_options() const;
};

struct CheckOptions {
  std::vector<std::string> files;  // at most one; none or "-": standard input
  std::optional<std::string> kernel;
};

struct DiffOptions {
  std::vector<std::string> files;  // exactly two
  std::optional<std::string> kernel_a, kernel_b, target_a, target_b;
};

struct KernelsOptions {
  bool markdown = false;
};

struct ContextsOptions {
  bool names = false;
  long long timeout_ms = 5000;
  // Only these, tried: presets, changed contexts by canonical name, or a
  // preset plus changes as JSON (as run --context takes them).
  std::vector<std::string> contexts;
};

enum class Command { none, run, explore, explain, check, diff, contexts, kernels, help };

// The parsed command line. Not movable: the CLI11 definitions hold references
// into it.
class CommandLine {
 public:
  CommandLine();
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Parses the arguments after the program name. The error is the whole
  // one-line message ("clonediff run: unknown option '--bogus'").
  // `--help` and `--version` are not errors: see printed().
  Status parse(const std::vector<std::string>& args);

  Command command() const { return command_; }
  // What --help or --version asked to print (and then exit 0), if they did.
  const std::optional<std::string>& printed() const { return printed_; }
  // The help of a command (Command::none: the program's).
  std::string help(Command c = Command::none) const;

  RunOptions run;
  ExploreOptions explore;
  ExplainOptions explain;
  CheckOptions check;
  DiffOptions diff;
  ContextsOptions contexts;
  KernelsOptions kernels;
  std::optional<Command> help_topic;  // `clonediff help COMMAND`

  // The definitions, for the man page, the completion and the tests.
  const CLI::App& app() const { return *app_; }

 private:
  void define_run();
  void define_explore();
  void define_explain();
  void define_check();
  void define_diff();
  void define_contexts();
  void define_kernels();
  void define_help();
  Status finish(const std::string& name, const std::vector<std::string>& after_dashes);
  std::vector<std::string>* positionals_of(Command c);

  std::unique_ptr<CLI::App> app_;  // owned; never null
  Command command_ = Command::none;
  std::optional<std::string> printed_;
  std::vector<std::string> help_words_;  // `clonediff help [COMMAND]`
  std::string program_help_;             // the program's help, made before any parse
};

// The commands, in the order help lists them, with their names.
struct CommandName {
  Command command;
  std::string_view name;
};
inline constexpr CommandName kCommands[] = {{Command::run, "run"},           {Command::explore, "explore"},
                                            {Command::explain, "explain"},
                                            {Command::check, "check"},       {Command::diff, "diff"},
                                            {Command::contexts, "contexts"}, {Command::kernels, "kernels"},
                                            {Command::help, "help"}};

// "run, explore, explain, check, diff, contexts, kernels, help"
std::string command_list();

// The text the program's help and the man page end with: exit statuses and
// the environment.
std::string_view exit_status_text();
std::string_view environment_text();

// "clonediff <cmd>: <message>" on stderr; returns kExitUsage.
int usage_error(const std::string& command, const std::string& message);

}  // namespace clonediff::cli
