#include "harness/cli/docs.hpp"

#include <CLI/CLI.hpp>

#include "harness/version.hpp"
#include "model/caller.hpp"
#include "model/request.hpp"

namespace clonediff::cli {
namespace {

// Text as troff reads it: backslashes and hyphens escaped, a line that would
// start with a control character guarded, line breaks kept as paragraph
// breaks (.br).
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = false;
    switch (c) {
      case '\\': out += "\\e"; break;
      case '-': out += "\\-"; break;
      case '\n':
        out += "\n.br\n";
        line_start = true;
        break;
      default: out += c;
    }
  }
  return out;
}

std::vector<const CLI::Option*> options_of(const CLI::App& app, bool positional) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* o : app.get_options())
    if (o->get_positional() == positional) out.push_back(o);
  return out;
}

std::string man_options(const CLI::App& app) {
  std::string out;
  for (const CLI::Option* o : options_of(app, false)) {
    out += ".TP\n.B " + roff(o->get_name(false, true));
    if (o->get_type_size() != 0 && !o->get_type_name().empty()) out += " \\fI" + roff(o->get_type_name()) + "\\fR";
    out += "\n" + roff(o->get_description()) + "\n";
  }
  return out;
}

std::string man_command(const CLI::App& sub) {
  std::string usage = "clonediff " + sub.get_name();
  for (const CLI::Option* p : options_of(sub, true)) usage += " [" + p->get_name(true, false) + "]";
  usage += " [OPTIONS]";
  std::string out = ".SS \"" + roff(usage) + "\"\n" + roff(sub.get_description()) + "\n";
  for (const CLI::Option* p : options_of(sub, true))
    out += ".TP\n.I " + roff(p->get_name(true, false)) + "\n" + roff(p->get_description()) + "\n";
  out += man_options(sub);
  if (!sub.get_footer().empty()) out += ".PP\n" + roff(sub.get_footer()) + "\n";
  return out;
}

constexpr const char* kExamples[][2] = {
    {"clonediff run", "the built-in catalogue on this kernel (as root)"},
    {"clonediff run --filter 'legacy/*' --filter 'unpriv/*' --exclude '*/exit-signal-*'",
     "the legacy suite in every context, and every case of the unpriv context, but the exit-signal cases"},
    {"clonediff run --ktap --junit clonediff.xml --json clonediff.jsonl > clonediff.ktap",
     "one run, three reports, as a CI step"},
    {"clonediff explain 'CLONE_NEWIPC|CLONE_SYSVSEM' --context unpriv", "why an unprivileged caller gets EPERM"},
    {"clonediff check --kernel 6.1.0-50-cloud-amd64 records.jsonl", "observations of another kernel, judged"},
    {"clonediff diff old.jsonl new.jsonl", "what changed between two kernels, expected or not"},
    {"clonediff contexts", "which caller contexts this machine can build"},
};

}  // namespace

std::string man_page(const CommandLine& line) {
  const CLI::App& app = line.app();
  std::string out = ".\\\" Generated from clonediff's command-line definitions (harness/cli): do not edit.\n";
  out += ".TH CLONEDIFF 1 \"\" \"clonediff " + std::string(version()) + "\" \"User Commands\"\n";
  out += ".SH NAME\nclonediff \\- differential tests of Linux process creation against a model of "
         "copy_process()\n";
  out += ".SH SYNOPSIS\n";
  for (const CommandName& c : kCommands) {
    const CLI::App& sub = *app.get_subcommand(std::string(c.name));
    out += ".B clonediff " + std::string(c.name) + "\n";
    for (const CLI::Option* p : options_of(sub, true)) out += ".RI [ " + roff(p->get_name(true, false)) + " ]\n";
    out += ".RI [ OPTIONS ]\n.br\n";
  }
  out += ".B clonediff\n.RB [ \\-\\-help | \\-\\-version ]\n";
  out += ".SH DESCRIPTION\n" + roff(app.get_description()) + "\n";
  out += ".PP\nEach case makes the real call in a disposable caller process built for its caller context, "
         "observes the child through /proc, kcmp(2) and behavioural probes, and compares the observation with the "
         "model's prediction field by field. A case that does not match names the kernel rule that decided it.\n";
  out += ".SH COMMANDS\n";
  for (const CommandName& c : kCommands) out += man_command(*app.get_subcommand(std::string(c.name)));
  out += ".SH OPTIONS\n" + man_options(app);
  out += ".SH \"EXIT STATUS\"\n" + roff(exit_status_text()) + "\n";
  out += ".SH ENVIRONMENT\n" + roff(environment_text()) + "\n";
  out += ".SH EXAMPLES\n";
  for (const auto& [command, what] : kExamples) out += ".TP\n.B " + roff(command) + "\n" + roff(what) + "\n";
  out += ".SH \"SEE ALSO\"\nclone(2), clone3(2), fork(2), vfork(2), kcmp(2), namespaces(7), "
         "/usr/share/doc/clonediff/README.md (case ids, reports, targets, the record format)\n";
  out += ".SH VERSION\nclonediff " + std::string(version()) + ", commit " + std::string(commit()) + "\n";
  return out;
}

namespace {

// The words an option's value can be, for the completion: a closed set by
// its type name, or files (nothing: the caller falls back to file names).
std::string value_words(const CLI::Option* o) {
  const std::string& type = o->get_type_name();
  std::string words;
  if (type == "NAME" || type == "CONTEXT") {
    for (std::string_view p : model::caller_preset_names()) words += std::string(words.empty() ? "" : " ") + std::string(p);
  } else if (type == "ENTRY") {
    for (int e = 0; e <= static_cast<int>(model::Entry::glibc_clone); ++e)
      words += std::string(words.empty() ? "" : " ") + std::string(model::entry_name(static_cast<model::Entry>(e)));
  } else if (type == "T") {
    words = "host kernel: gvisor qemu-user";
  }
  return words;
}

bool takes_file(const CLI::Option* o) {
  return o->get_type_name() == "FILE" || o->get_type_name() == "T=FILE";
}

}  // namespace

std::string bash_completion(const CommandLine& line) {
  const CLI::App& app = line.app();
  std::string commands;
  for (const CommandName& c : kCommands) commands += (commands.empty() ? "" : " ") + std::string(c.name);
  std::string out =
      "# bash completion for clonediff, generated from its command-line definitions (harness/cli): do not edit.\n"
      "_clonediff() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case ${COMP_WORDS[i]} in " +
      [&] {
        std::string alternatives;
        for (const CommandName& c : kCommands) alternatives += (alternatives.empty() ? "" : "|") + std::string(c.name);
        return alternatives;
      }() +
      ") cmd=${COMP_WORDS[i]}; break ;; esac\n"
      "  done\n"
      "  local options= values= files=\n"
      "  case $cmd in\n"
      "    '') options='" +
      [&] {
        std::string o;
        for (const CLI::Option* opt : options_of(app, false)) o += (o.empty() ? "" : " ") + opt->get_name(false, true);
        return o;
      }() +
      "'\n"
      "        [[ $cur == -* ]] || { COMPREPLY=($(compgen -W '" + commands + "' -- \"$cur\")); return; } ;;\n";
  for (const CommandName& c : kCommands) {
    const CLI::App& sub = *app.get_subcommand(std::string(c.name));
    std::string options, value_cases, file_options;
    for (const CLI::Option* o : options_of(sub, false)) {
      for (const std::string& n : o->get_lnames()) options += (options.empty() ? "" : " ") + ("--" + n);
      for (const std::string& n : o->get_snames()) options += (options.empty() ? "" : " ") + ("-" + n);
      if (o->get_type_size() == 0) continue;
      const std::string words = value_words(o);
      const std::string name = o->get_name(false, false);
      if (!words.empty()) value_cases += "        " + name + ") values='" + words + "' ;;\n";
      else if (takes_file(o)) file_options += (file_options.empty() ? "" : "|") + name;
      else value_cases += "        " + name + ") return ;;\n";  // a value nobody can guess
    }
    out += "    " + std::string(c.name) + ") options='" + options + "'\n        case $prev in\n" + value_cases;
    if (!file_options.empty()) out += "        " + file_options + ") files=1 ;;\n";
    out += "        esac ;;\n";
  }
  out += "  esac\n"
         "  if [ -n \"$values\" ]; then COMPREPLY=($(compgen -W \"$values\" -- \"$cur\")); return; fi\n"
         "  if [ -z \"$files\" ] && [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$options\" -- \"$cur\")); "
         "return; fi\n"
         "  if [ \"$cmd\" = help ]; then COMPREPLY=($(compgen -W '" + commands + "' -- \"$cur\")); return; fi\n"
         "  COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "}\n"
         "complete -o filenames -F _clonediff clonediff\n";
  return out;
}

}  // namespace clonediff::cli
