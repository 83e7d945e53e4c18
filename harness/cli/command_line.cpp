#include "harness/cli/command_line.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <sstream>

#include "harness/case/selection.hpp"
#include "harness/version.hpp"

namespace clonediff::cli {
namespace {

constexpr std::size_t kHelpWidth = 80;
constexpr std::size_t kOptionColumn = 30;

// Wraps text to `width` columns at spaces, keeping its own line breaks.
std::string wrap(std::string_view text, std::size_t width) {
  std::string out;
  std::size_t column = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    if (text[at] == '\n') {
      out += '\n';
      column = 0;
      ++at;
      continue;
    }
    std::size_t end = text.find_first_of(" \n", at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(at, end - at);
    if (column > 0 && column + 1 + word.size() > width) {
      out += '\n';
      column = 0;
    } else if (column > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    at = end < text.size() && text[end] == ' ' ? end + 1 : end;
  }
  return out;
}

// CLI11's formatter with descriptions wrapped to the help's width (CLI11 2.1
// writes each on one line, however long). No command requires options, so
// the description is the command's own.
class WrappingFormatter : public CLI::Formatter {
 public:
  WrappingFormatter() { column_width(kOptionColumn); }
  std::string make_option_desc(const CLI::Option* opt) const override {
    return wrap(opt->get_description(), kHelpWidth - kOptionColumn);
  }
  std::string make_description(const CLI::App* app) const override {
    return wrap(app->get_description(), kHelpWidth) + "\n";
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), wrap(sub->get_description(), kHelpWidth - kOptionColumn),
                             kOptionColumn);
    return out.str();
  }
};

// A whole decimal number from `low` to `high`, checked on the text before
// CLI11 converts it: "--timeout takes milliseconds from 1 to 86400000, not
// 'soon'".
CLI::Validator bounded(const std::string& option, long long low, long long high, const std::string& unit) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        long long n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < low || n > high)
          return option + " takes " + unit + " from " + std::to_string(low) + " to " + std::to_string(high) +
                 ", not '" + text + "'";
        return "";
      },
      "");
}

CLI::Validator shard_text() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto s = harness::parse_shard(text);
        return s ? "" : s.error().message;
      },
      "");
}

// The command a list of arguments names: the first that is not an option
// (the program's own options, --help and --version, take no value).
std::string command_word(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a.empty() || a[0] != '-' || a == "-") return a;
  return "";
}

bool is_command(std::string_view word) {
  return std::any_of(std::begin(kCommands), std::end(kCommands), [&](const CommandName& c) { return c.name == word; });
}

// CLI11's parse errors in the words clonediff has always used.
std::string translate(const CLI::ParseError& e, const CLI::App* command) {
  const std::string what = e.what();
  const auto colon = what.find(": ");
  const std::string name = colon == std::string::npos ? "" : what.substr(0, colon);
  if (dynamic_cast<const CLI::ValidationError*>(&e) && colon != std::string::npos) return what.substr(colon + 2);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    if (what.ends_with(" missing") && colon != std::string::npos) return "option '" + name + "' needs a value";
    if (what.find(": At Most ") != std::string::npos) return "option '" + name + "' given twice";
    const std::string override_tail = " was given a disallowed flag override";
    if (what.ends_with(override_tail)) {
      const std::string bare = what.substr(0, what.size() - override_tail.size());
      const CLI::Option* opt = command ? command->get_option_no_throw("--" + bare) : nullptr;
      return "option '" + (opt ? opt->get_name(false, false) : "--" + bare) + "' takes no value";
    }
  }
  return what;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ExplainOptions::request_options() const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::pair<const char*, const std::optional<std::string>*> all[] = {
      {"size", &size},         {"stack", &stack},   {"stack_size", &stack_size}, {"tls", &tls},
      {"args", &args},         {"set_tid", &set_tid}, {"set_tid_size", &set_tid_size}, {"cgroup", &cgroup},
      {"tail", &tail},         {"pidfd", &pidfd},   {"parent_tid", &parent_tid},   {"child_tid", &child_tid},
      {"after", &after},       {"rounds", &rounds},
      {"fn", &fn}};
  for (const auto& [key, value] : all)
    if (*value) out.emplace_back(key, **value);
  return out;
}

std::string command_list() {
  std::string out;
  for (const CommandName& c : kCommands) out += (out.empty() ? "" : ", ") + std::string(c.name);
  return out;
}

std::string_view exit_status_text() {
  return "0  PASS: every case that was not skipped matched the model (and not every case was skipped, unless "
         "--allow-skip said that is expected); for explain, contexts and help: done.\n"
         "1  FAIL: a case did not match (a mismatch, timeout, crash or harness error), a target did not start or "
         "did not finish, or every case (of a target) was skipped without --allow-skip; for check, a record "
         "did not match; for diff, a change the model does not predict.\n"
         "2  bad usage or bad input, with a one-line message naming the problem; nothing ran. Or an output "
         "(a report file, standard output) could not be written: one line names it and the system's reason.\n"
         "4  with run --ktap only: every case, or every case of a target, was skipped (kselftest's KSFT_SKIP).\n"
         "129, 130, 143  run or contexts stopped by SIGHUP, SIGINT or SIGTERM (128 + the signal): no case was "
         "taken after it, every caller was killed and reaped and every lease released, and the reports were "
         "written with each case not run as an error.";
}

std::string_view environment_text() {
  return "TERM=dumb  the progress line is drawn without terminal escapes.\n"
         "NO_COLOR  (set and not empty) no colour in the verdict line.\n"
         "clonediff draws a progress line and colour only when stderr (progress) or stdout (colour) is a terminal.";
}

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "clonediff %s: %s\n", command.c_str(), message.c_str());
  return kExitUsage;
}

CommandLine::CommandLine()
    : app_(std::make_unique<CLI::App>("clonediff: runs fork, vfork, clone, clone3, pthread_create, posix_spawn and "
                                      "system for real and checks each result against a reference model of the "
                                      "kernel's copy_process().",
                                      "clonediff")) {
  app_->formatter(std::make_shared<WrappingFormatter>());
  app_->allow_extras();
  app_->require_subcommand(0, 1);
  app_->set_help_flag("-h,--help", "print this help and exit");
  app_->set_version_flag("--version", std::string("clonediff ") + std::string(version()) + " (commit " +
                                         std::string(commit()) + ")",
                        "print the version and the git commit it was built from, and exit");
  define_run();
  define_explore();
  define_explain();
  define_check();
  define_diff();
  define_contexts();
  define_kernels();
  define_help();
  // Set last: subcommands defined after it would inherit it.
  app_->footer(wrap("Each command has its own --help (or: clonediff help COMMAND). The manual is clonediff(1).\n\n"
                   "exit status:\n" +
                       std::string(exit_status_text()) + "\n\nenvironment:\n" + std::string(environment_text()),
                   kHelpWidth));
  program_help_ = app_->help();
}

CommandLine::~CommandLine() = default;

void CommandLine::define_run() {
  CLI::App* c = app_->add_subcommand("run", "Run the catalogue on the running kernel (or on --target T) and judge "
                                           "every case against the model; needs root, but for --list.");
  c->allow_extras();
  c->add_option("--cases", run.cases, "add a catalogue file (repeatable); format in cases/README.cases.md")
      ->type_name("FILE");
  c->add_flag("--no-builtin", run.no_builtin, "leave out the built-in catalogue")->disable_flag_override();
  c->add_option("--filter", run.filters,
                "only cases whose id matches the shell pattern (repeatable: a case matching any is kept); ids "
                "are [CONTEXT/]SUITE/NAME, as the summary's suites: 'legacy/*', 'unpriv/*', 'unpriv/sweep/*'")
      ->type_name("PATTERN");
  c->add_option("--exclude", run.excludes, "leave out cases whose id matches the shell pattern (repeatable)")
      ->type_name("PATTERN");
  c->add_option("--context", run.context,
                "only the cases of caller context NAME, and every root case again in NAME, its id with NAME in "
                "front (unpriv/legacy/exit-signal-0); clonediff contexts lists them; also a preset plus changes, "
                "as JSON ({\"preset\":\"root\",\"fd_table\":\"full\"}) or its canonical name (root+fd_table_full)")
      ->type_name("NAME");
  c->add_option("--shard", run.shards,
                "only shard I of N (0 <= I < N) of the selected cases, dealt by work in stretches of 16 "
                "neighbours; the N shards together hold every case once (repeatable: "
                "each takes its shard of what the one before kept)")
      ->type_name("I/N")
      ->check(shard_text());
  c->add_flag("--list", run.list, "print the ids of the selected cases in run order and run nothing (needs no root)")
      ->disable_flag_override();
  c->add_option("--json", run.json, "write one JSON record per case to FILE ('-': stdout, and the summary goes to "
                                    "stderr)")
      ->type_name("FILE");
  c->add_option("--results", run.results,
                "write each case's result to FILE ('-': stdout) in the binary form a host clonediff reads back from "
                "a target (no prediction, no formatting: the host judges again)")
      ->type_name("FILE");
  c->add_option("--junit", run.junit, "write JUnit XML to FILE ('-': stdout): a testsuite per suite, a testcase "
                                      "per case")
      ->type_name("FILE");
  c->add_flag("--ktap", run.ktap, "write KTAP version 1 to stdout as cases finish; the summary goes to stderr and "
                                  "the exit status is kselftest's (4: every case skipped)")
      ->disable_flag_override();
  c->add_flag("--quiet", run.quiet, "no progress line, and of the summary only the cases that did not match or "
                                    "were skipped, and the verdict line")
      ->disable_flag_override();
  c->add_option("--timeout", run.timeout_ms,
                "per-case timeout in milliseconds, 1 to 86400000 (default 5000); it bounds a caller's start too")
      ->type_name("MS")
      ->check(bounded("--timeout", 1, kMostTimeoutMs, "milliseconds"));
  c->add_option("--target", run.targets,
                "run on target T (repeatable): host, kernel:VMLINUZ (booted in qemu, TCG), gvisor or qemu-user; "
                "a table per target")
      ->type_name("T");
  c->add_option("--baseline", run.baselines,
                "compare emulator target T's divergences with a baseline file (repeatable)")
      ->type_name("T=FILE");
  c->add_flag("--update-baselines", run.update_baselines, "rewrite the --baseline files from this run instead")
      ->disable_flag_override();
  c->add_option("--target-timeout", run.target_timeout_s,
                "the most a target other than host may take, boot included, 1 to 86400 (default 120 + 0.1 per "
                "case)")
      ->type_name("S")
      ->check(bounded("--target-timeout", 1, kMostTargetTimeoutS, "seconds"));
  c->add_option("--max-cases", run.max_cases,
                "the most cases the catalogues may expand to, 1 to 100000000 (default 1000000); more is bad input")
      ->type_name("N")
      ->check(bounded("--max-cases", 1, 100'000'000, "a number of cases"));
  c->add_option("--kernel", run.kernel,
                "judge against kernel profile K (as explain takes it) instead of the running kernel's; records "
                "still name the running release (gVisor and qemu-user guests are given the host's)")
      ->type_name("K");
  c->add_option("--allow-skip", run.allow_skip,
                "target T (repeatable; host for a run without --target) may skip every case, or not start, "
                "without failing the run")
      ->type_name("T");
  c->add_flag("--coverage", run.coverage,
              "after the summary, the model's rule coverage of the run, per target: how often each rule decided a "
              "case, matched, diverged, and was checked and passed; which rules cannot be reached there, and why")
      ->disable_flag_override();
  c->add_flag("--require-coverage", run.require_coverage,
              "the same, and the run fails (exit 1) if a rule reachable on a Linux target decided no case there")
      ->disable_flag_override();
  c->footer(wrap("The summary goes to stdout (stderr when a report has stdout): a line per suite, per entry "
                 "and per context, each case that did not match with its diff and the commands that reproduce "
                 "and explain it, each skip with its reason, and the verdict line.",
                 kHelpWidth));
}

void CommandLine::define_explore() {
  CLI::App* c = app_->add_subcommand(
      "explore", "Model-guided random cases over every flag, clone3 field, entry and context, run live and "
                 "judged; each divergence shrunk to a catalogue line. Deterministic for a seed (printed). Needs "
                 "root.");
  c->allow_extras();
  c->add_option("--seed", explore.seed, "the seed, 0 to 9223372036854775807 (default: the current time, printed)")
      ->type_name("N")
      ->check(bounded("--seed", 0, 9223372036854775807LL, "a number"));
  c->add_option("--budget", explore.budget,
                "how long to generate cases: 60s, 2m, 1500ms or 90 (seconds), 1ms to 24h (default 60s unless "
                "--cases is given)")
      ->type_name("DURATION");
  c->add_option("--cases", explore.cases, "how many cases to generate, 1 to 100000000")
      ->type_name("N")
      ->check(bounded("--cases", 1, 100'000'000, "a count"));
  c->add_option("--context", explore.contexts, "draw only from caller context NAME (repeatable)")->type_name("NAME");
  c->add_option("--timeout", explore.timeout_ms,
                "per-case timeout in milliseconds, 1 to 86400000 (default 5000)")
      ->type_name("MS")
      ->check(bounded("--timeout", 1, kMostTimeoutMs, "milliseconds"));
  c->add_option("--target", explore.targets,
                "explore on target T (repeatable), as run takes it; each target runs explore itself")
      ->type_name("T");
  c->add_option("--baseline", explore.baselines,
                "emulator target T's known divergences (repeatable): a class its baseline shows is listed, not "
                "failed")
      ->type_name("T=FILE");
  c->add_option("--baseline-file", explore.baseline_file,
                "the known divergences of a run without --target (what a target is given)")
      ->type_name("FILE");
  c->add_option("--target-timeout", explore.target_timeout_s,
                "the most a target other than host may take, boot included, 1 to 86400")
      ->type_name("S")
      ->check(bounded("--target-timeout", 1, kMostTargetTimeoutS, "seconds"));
  c->add_option("--json", explore.json, "write each target's explore report as one JSON line to FILE ('-': stdout)")
      ->type_name("FILE");
  c->add_option("--kernel", explore.kernel, "judge against kernel profile K instead of the running kernel's")
      ->type_name("K");
  c->add_option("--max-shrunk", explore.max_shrunk, "shrink at most N new findings, 0 to 1000 (default 32)")
      ->type_name("N")
      ->check(bounded("--max-shrunk", 0, 1000, "a count"));
}

void CommandLine::define_explain() {
  CLI::App* c = app_->add_subcommand("explain", "Show the model's prediction for a request, rule by rule, and the "
                                               "kernel rule that decides it; no root needed.");
  c->allow_extras();
  c->add_option("FLAGS", explain.flags, "CLONE_* names joined by '|', or hex (0x3d0f00); 0 for none")
      ->type_name("");
  c->add_option("--entry", explain.entry,
                "fork, vfork, clone (default), clone3, pthread_create, posix_spawn, system or glibc_clone "
                "(glibc's clone() wrapper)")
      ->type_name("ENTRY");
  c->add_option("--context", explain.context,
                "a caller context (clonediff contexts lists them) or a JSON object of facts over one: "
                "'{\"preset\": \"root\", \"leader_exit_signal\": 0}'")
      ->type_name("CONTEXT");
  c->add_option("--exit-signal", explain.exit_signal, "a number or a name (default SIGCHLD)")->type_name("SIGNAL");
  c->add_option("--kernel", explain.kernel,
                "the kernel profile to predict for: a release from 4.19 on (6.1.0-50-cloud-amd64, 5.10), optionally "
                "with knobs after commas (6.1,unprivileged_userns_clone=0,pid_max=32768; also max_user_namespaces "
                "and the other max_*_namespaces, apparmor_restrict_unprivileged_userns); default: the running "
                "kernel")
      ->type_name("K");
  c->add_flag("--kernel-history", explain.kernel_history, "print the model's kernel history (clonediff kernels)")
      ->disable_flag_override();
  c->add_option("--size", explain.size, "clone3: the struct's size (default 88)")->type_name("N");
  c->add_option("--stack", explain.stack,
                "harness or none; clone3 also size_without_address, address_without_size, kernel_address")
      ->type_name("STACK");
  c->add_option("--stack-size", explain.stack_size,
                "clone3: stack_size (default: the stack's own; with --stack harness the stack field is the "
                "harness stack's top minus it)")
      ->type_name("N");
  c->add_option("--tls", explain.tls, "none, harness or non_canonical")->type_name("TLS");
  c->add_option("--args", explain.args,
                "clone3: where struct clone_args lies: harness, unmapped (a PROT_NONE page) or at_guard (its 88 "
                "bytes end where that page begins)")
      ->type_name("WHERE");
  c->add_option("--set-tid", explain.set_tid,
                "clone3: pids asked for, innermost first: numbers, free, in_use or reaped; or unmapped (a pointer into "
                "a PROT_NONE page, set_tid_size 1 unless given)")
      ->type_name("A,B");
  c->add_option("--set-tid-size", explain.set_tid_size, "clone3: set_tid_size (default: the list's length)")
      ->type_name("N");
  c->add_option("--cgroup", explain.cgroup, "clone3: none, harness, bad_fd, not_cgroup or above_int_max")
      ->type_name("CGROUP");
  c->add_option("--tail", explain.tail, "clone3: zero or nonzero, the bytes beyond 88")->type_name("TAIL");
  c->add_option("--pidfd", explain.pidfd,
                "clone3: parent_tid (pidfd and parent_tid point at one int) or unmapped (into a PROT_NONE page)")
      ->type_name("PIDFD");
  c->add_option("--parent-tid", explain.parent_tid, "clone and clone3: harness or unmapped (into a PROT_NONE page)")
      ->type_name("WHERE");
  c->add_option("--child-tid", explain.child_tid, "clone and clone3: harness or unmapped (into a PROT_NONE page)")
      ->type_name("WHERE");
  c->add_option("--after", explain.after,
                "clone and clone3: poll, waitid, stop, info, setns, sigqueue, leader_exit (through the child's pidfd, with "
                "CLONE_PIDFD), "
                "thread (pidfd_open with PIDFD_THREAD, with CLONE_THREAD) or reuse (--rounds fork-and-reap rounds)")
      ->type_name("AFTER");
  c->add_option("--rounds", explain.rounds, "after=reuse: how many fork-and-reap rounds, 2 to 10000")->type_name("N");
  c->add_option("--fn", explain.fn, "glibc_clone: harness or null (glibc refuses a NULL function)")->type_name("FN");
}

void CommandLine::define_check() {
  CLI::App* c = app_->add_subcommand("check", "Judge observations recorded anywhere: read JSON lines carrying "
                                             "\"observed\", write each back with \"predicted\", \"verdict\" and "
                                             "\"diff\"; the summary goes to stderr.");
  c->allow_extras();
  c->add_option("FILE", check.files, "JSON lines to judge; - or none: standard input")->type_name("");
  c->add_option("--kernel", check.kernel,
                "judge against profile K (as explain takes it), or each record's own with 'recorded'; default: "
                "the running kernel")
      ->type_name("K");
}

void CommandLine::define_diff() {
  CLI::App* c = app_->add_subcommand("diff", "Compare two result files case by case: each change the model's "
                                            "profiles of the two kernels predict is expected, any other change "
                                            "unexpected (exit status 1).");
  c->allow_extras();
  c->add_option("FILES", diff.files, "A and B, JSON lines as run --json writes them (one may be -)")
      ->type_name("");
  c->add_option("--kernel-a", diff.kernel_a, "predict A's cases for profile K (default: each record's own)")
      ->type_name("K");
  c->add_option("--kernel-b", diff.kernel_b, "predict B's cases for profile K (default: each record's own)")
      ->type_name("K");
  c->add_option("--target-a", diff.target_a, "only A's records of target T (a file of a run over targets)")
      ->type_name("T");
  c->add_option("--target-b", diff.target_b, "only B's records of target T")->type_name("T");
}

void CommandLine::define_contexts() {
  CLI::App* c = app_->add_subcommand(
      "contexts", "List the caller contexts: each name, what its caller is, and whether it can be built here, "
                  "found by trying: a caller of each context is started as run starts one (needs root; without "
                  "it nothing is tried, and the listing says so).");
  c->allow_extras();
  c->add_flag("--names", contexts.names, "only the names, one per line; nothing is tried")->disable_flag_override();
  c->add_option("CONTEXT", contexts.contexts,
                "only these contexts: a preset, or a preset plus changes as JSON "
                "({\"preset\":\"unpriv\",\"userns\":\"unmapped\"}) or by its canonical name "
                "(unpriv+userns_unmapped)")
      ->type_name("");
  c->add_option("--timeout", contexts.timeout_ms,
                "how long a caller may take to report, in milliseconds, 1 to 86400000 (default 5000)")
      ->type_name("MS")
      ->check(bounded("--timeout", 1, kMostTimeoutMs, "milliseconds"));
}

void CommandLine::define_kernels() {
  CLI::App* c = app_->add_subcommand("kernels", "Print the model's kernel history: each change to process creation "
                                               "it knows, by release, with the kernel commit behind it.");
  c->allow_extras();
  c->add_flag("--markdown", kernels.markdown, "as a Markdown table")->disable_flag_override();
}

void CommandLine::define_help() {
  CLI::App* c = app_->add_subcommand("help", "Print the help of the program or of COMMAND.");
  c->allow_extras();
  c->add_option("COMMAND", help_words_, "a command")->type_name("");
}

std::vector<std::string>* CommandLine::positionals_of(Command c) {
  switch (c) {
    case Command::explain: return &explain.flags;
    case Command::check: return &check.files;
    case Command::diff: return &diff.files;
    case Command::help: return &help_words_;
    case Command::contexts: return &contexts.contexts;
    default: return nullptr;
  }
}

Status CommandLine::parse(const std::vector<std::string>& args) {
  const std::string name = command_word(args);
  const std::string prefix = is_command(name) ? "clonediff " + name + ": " : "clonediff: ";
  // Everything after "--" (past the command) is positional: CLI11 2.1 would
  // hand it to the program rather than to the command.
  std::vector<std::string> before = args, after;
  if (const auto at = std::find(args.begin(), args.end(), name); at != args.end() && !name.empty()) {
    const auto dashes = std::find(at, args.end(), std::string("--"));
    if (dashes != args.end()) {
      before.assign(args.begin(), dashes);
      after.assign(dashes + 1, args.end());
    }
  }
  std::vector<std::string> reversed(before.rbegin(), before.rend());  // CLI11 reads from the back
  try {
    app_->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    printed_ = app_->help();
    return ok_status();
  } catch (const CLI::CallForVersion& e) {
    printed_ = std::string(e.what()) + "\n";
    return ok_status();
  } catch (const CLI::ParseError& e) {
    const CLI::App* command = is_command(name) ? app_->get_subcommand(name) : nullptr;
    return make_error(prefix + translate(e, command));
  }
  return finish(name, after);
}

Status CommandLine::finish(const std::string& name, const std::vector<std::string>& after_dashes) {
  for (const std::string& extra : app_->remaining()) {
    if (extra.size() > 1 && extra[0] == '-') return make_error("clonediff: unknown option '" + extra + "'");
    return make_error("clonediff: unknown command '" + extra + "' (commands: " + command_list() + ")");
  }
  if (app_->get_subcommands().empty()) return ok_status();  // no command: the caller shows the help
  for (const CommandName& c : kCommands)
    if (c.name == name) command_ = c.command;
  const CLI::App* sub = app_->get_subcommand(name);
  std::vector<std::string>* positionals = positionals_of(command_);
  const auto fail = [&](const std::string& message) { return make_error("clonediff " + name + ": " + message); };
  for (const std::string& extra : sub->remaining()) {
    if (extra.size() > 1 && extra[0] == '-') return fail("unknown option '" + extra.substr(0, extra.find('=')) + "'");
    if (!positionals) return fail("unexpected argument '" + extra + "'");
    positionals->push_back(extra);
  }
  if (positionals) positionals->insert(positionals->end(), after_dashes.begin(), after_dashes.end());
  else if (!after_dashes.empty()) return fail("unexpected argument '" + after_dashes.front() + "'");
  switch (command_) {
    case Command::explain:
      if (explain.flags.size() > 1) return fail("one FLAGS argument, e.g. 'CLONE_VM|CLONE_FS'");
      break;
    case Command::check:
      if (check.files.size() > 1) return fail("one input FILE (or - for standard input)");
      break;
    case Command::diff:
      if (diff.files.size() != 2) return fail("two result files: clonediff diff A.jsonl B.jsonl");
      if (diff.files[0] == "-" && diff.files[1] == "-") return fail("only one side can be '-'");
      break;
    case Command::help:
      if (help_words_.size() > 1) return fail("one COMMAND at most");
      if (!help_words_.empty()) {
        for (const CommandName& c : kCommands)
          if (c.name == help_words_[0]) help_topic = c.command;
        if (!help_topic)
          return fail("unknown command '" + help_words_[0] + "' (commands: " + command_list() + ")");
      }
      break;
    default: break;
  }
  return ok_status();
}

std::string CommandLine::help(Command c) const {
  for (const CommandName& n : kCommands)
    if (n.command == c) return app_->get_subcommand(std::string(n.name))->help("clonediff");
  return program_help_;
}

}  // namespace clonediff::cli
