// The command line's definitions: what they parse, the messages bad usage
// gets, and that the help, the man page and the completion written from them
// list every option each command parses.
#include "harness/cli/command_line.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "harness/cli/docs.hpp"
#include "harness/version.hpp"

namespace clonediff::cli {
namespace {

// The long and short names of every option a command (or the program) parses.
std::vector<std::string> parsed_options(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_positional()) continue;
    for (const std::string& n : o->get_lnames()) out.push_back("--" + n);
    for (const std::string& n : o->get_snames()) out.push_back("-" + n);
  }
  return out;
}

std::string troff_name(std::string name) {
  std::string out;
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

TEST(CommandLine, EveryCommandsHelpListsEveryOptionItParses) {
  const CommandLine line;
  const std::string man = man_page(line);
  const std::string completion = bash_completion(line);
  std::size_t checked = 0;
  for (const CommandName& c : kCommands) {
    const CLI::App* sub = line.app().get_subcommand(std::string(c.name));
    ASSERT_NE(sub, nullptr) << c.name;
    const std::string help = line.help(c.command);
    EXPECT_NE(help.find("Usage: clonediff " + std::string(c.name)), std::string::npos) << help;
    for (const std::string& option : parsed_options(*sub)) {
      ++checked;
      EXPECT_NE(help.find(option), std::string::npos) << c.name << " " << option << " missing from:\n" << help;
      EXPECT_NE(man.find(troff_name(option)), std::string::npos) << c.name << " " << option << " missing from the man page";
      EXPECT_NE(completion.find(" " + option), std::string::npos) << c.name << " " << option << " missing from the completion";
    }
    for (const CLI::Option* o : sub->get_options())
      EXPECT_FALSE(o->get_description().empty()) << c.name << " " << o->get_name() << " has no description";
    EXPECT_NE(line.help().find("  " + std::string(c.name)), std::string::npos) << c.name << " not in the program's help";
  }
  EXPECT_GT(checked, 40u);
  for (const std::string& option : parsed_options(line.app())) EXPECT_NE(line.help().find(option), std::string::npos);
}

Status parse(CommandLine& line, std::vector<std::string> args) { return line.parse(args); }

std::string error_of(std::vector<std::string> args) {
  CommandLine line;
  auto st = line.parse(args);
  return st ? "(parsed)" : st.error().message;
}

TEST(CommandLine, RunOptionsAreTypedAndRepeatable) {
  CommandLine line;
  ASSERT_TRUE(parse(line, {"run", "--filter", "legacy/*", "--filter=unpriv/*", "--exclude", "*/exit-*", "--timeout",
                           "250", "--ktap", "--cases", "a.cases", "--cases", "b.cases", "--shard", "1/4", "--quiet"}));
  EXPECT_EQ(line.command(), Command::run);
  EXPECT_EQ(line.run.filters, (std::vector<std::string>{"legacy/*", "unpriv/*"}));
  EXPECT_EQ(line.run.excludes, (std::vector<std::string>{"*/exit-*"}));
  EXPECT_EQ(line.run.timeout_ms, 250);
  EXPECT_TRUE(line.run.ktap);
  EXPECT_TRUE(line.run.quiet);
  EXPECT_EQ(line.run.cases, (std::vector<std::string>{"a.cases", "b.cases"}));
  EXPECT_EQ(line.run.shards, std::vector<std::string>{"1/4"});
  EXPECT_FALSE(line.run.json.has_value());
  EXPECT_FALSE(line.run.target_timeout_s.has_value());
}

TEST(CommandLine, BadUsageIsOneLineNamingTheProblem) {
  EXPECT_EQ(error_of({"run", "--bogus"}), "clonediff run: unknown option '--bogus'");
  EXPECT_EQ(error_of({"run", "--bogus=1"}), "clonediff run: unknown option '--bogus'");
  EXPECT_EQ(error_of({"run", "stray"}), "clonediff run: unexpected argument 'stray'");
  EXPECT_EQ(error_of({"run", "--timeout", "soon"}), "clonediff run: --timeout takes milliseconds from 1 to 86400000, not 'soon'");
  EXPECT_EQ(error_of({"run", "--timeout", "-5"}), "clonediff run: --timeout takes milliseconds from 1 to 86400000, not '-5'");
  EXPECT_EQ(error_of({"run", "--json"}), "clonediff run: option '--json' needs a value");
  EXPECT_EQ(error_of({"run", "--json", "a", "--json", "b"}), "clonediff run: option '--json' given twice");
  EXPECT_EQ(error_of({"run", "--ktap=yes"}), "clonediff run: option '--ktap' takes no value");
  EXPECT_EQ(error_of({"run", "--shard", "3/3"}), "clonediff run: --shard takes I/N with 0 <= I < N, not '3/3'");
  EXPECT_EQ(error_of({"explain", "A", "B"}), "clonediff explain: one FLAGS argument, e.g. 'CLONE_VM|CLONE_FS'");
  EXPECT_EQ(error_of({"diff", "a"}), "clonediff diff: two result files: clonediff diff A.jsonl B.jsonl");
  EXPECT_EQ(error_of({"diff", "-", "-"}), "clonediff diff: only one side can be '-'");
  EXPECT_EQ(error_of({"check", "a", "b"}), "clonediff check: one input FILE (or - for standard input)");
  EXPECT_EQ(error_of({"frobnicate"}), "clonediff: unknown command 'frobnicate' (commands: " + command_list() + ")");
  EXPECT_EQ(error_of({"--bogus", "run"}), "clonediff: unknown option '--bogus'");
  EXPECT_EQ(error_of({"help", "nothing"}), "clonediff help: unknown command 'nothing' (commands: " + command_list() + ")");
  EXPECT_EQ(error_of({"contexts", "--timeout", "0"}),
            "clonediff contexts: --timeout takes milliseconds from 1 to 86400000, not '0'");
}

TEST(CommandLine, PositionalsAfterDashesStayTheCommands) {
  CommandLine line;
  ASSERT_TRUE(parse(line, {"check", "--kernel", "6.12", "--", "-odd.jsonl"}));
  EXPECT_EQ(line.check.files, (std::vector<std::string>{"-odd.jsonl"}));
  EXPECT_EQ(line.check.kernel, "6.12");
}

TEST(CommandLine, HelpAndVersionArePrintedNotErrors) {
  CommandLine help;
  ASSERT_TRUE(parse(help, {"run", "--help"}));
  ASSERT_TRUE(help.printed().has_value());
  EXPECT_NE(help.printed()->find("--filter PATTERN"), std::string::npos) << *help.printed();
  CommandLine version;
  ASSERT_TRUE(parse(version, {"--version"}));
  EXPECT_EQ(*version.printed(), version_text() + "\n");
  CommandLine topic;
  ASSERT_TRUE(parse(topic, {"help", "explain"}));
  EXPECT_EQ(topic.help_topic, Command::explain);
  CommandLine none;
  ASSERT_TRUE(parse(none, {}));
  EXPECT_EQ(none.command(), Command::none);
}

TEST(CommandLine, ExplainsRequestOptionsAreTheCataloguesOptions) {
  CommandLine line;
  ASSERT_TRUE(parse(line, {"explain", "0", "--entry", "clone3", "--set-tid", "1,free", "--set-tid-size", "2", "--tail",
                           "nonzero"}));
  EXPECT_EQ(line.explain.flags, (std::vector<std::string>{"0"}));
  EXPECT_EQ(line.explain.request_options(),
            (std::vector<std::pair<std::string, std::string>>{{"set_tid", "1,free"}, {"set_tid_size", "2"}, {"tail", "nonzero"}}));
}

TEST(CommandLine, TheManPageAndCompletionAreWholeDocuments) {
  const CommandLine line;
  const std::string man = man_page(line);
  EXPECT_EQ(man.find(".TH CLONEDIFF 1"), man.find('\n') + 1) << man.substr(0, 200);
  for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH \"EXIT STATUS\"", ".SH ENVIRONMENT"})
    EXPECT_NE(man.find(section), std::string::npos) << section;
  const std::string completion = bash_completion(line);
  EXPECT_NE(completion.find("complete -o filenames -F _clonediff clonediff"), std::string::npos);
  EXPECT_NE(completion.find("--context) values='root unpriv"), std::string::npos) << completion;
}

}  // namespace
}  // namespace clonediff::cli
