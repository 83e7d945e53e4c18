// clonediff: differential tests of Linux process creation against a
// reference model of the kernel's copy_process().
#include <cstdio>
#include <string>
#include <vector>

#include "harness/cli/commands.hpp"
#include "harness/cli/guest_init.hpp"

namespace {

constexpr const char* kUsage =
    "clonediff: runs fork, vfork and clone for real and checks each result against a\n"
    "reference model of the kernel's copy_process().\n"
    "\n"
    "usage:\n"
    "  clonediff run [--cases FILE]... [--no-builtin] [--filter PATTERN] [--shard I/N] [--list]\n"
    "                [--json FILE] [--junit FILE] [--ktap] [--timeout MS] [--target T]...\n"
    "                [--baseline T=FILE]... [--update-baselines] [--target-timeout S]\n"
    "                [--allow-skip T]... [--max-cases N]\n"
    "      Run the built-in catalogue (and/or catalogue FILEs) on the running kernel; needs root.\n"
    "      --filter takes a shell pattern over case ids, e.g. 'legacy/*'; --shard I/N runs\n"
    "      every Nth selected case from the Ith (0 <= I < N); --list prints the selected ids\n"
    "      and runs nothing. --json writes one JSON record per case, --junit JUnit XML ('-'\n"
    "      for stdout); --ktap writes KTAP to stdout and exits as kselftest does (4: every\n"
    "      case skipped). --timeout MS (1 to 86400000) bounds a case and a caller's start.\n"
    "      Progress shows on stderr when it is a terminal. --max-cases N (default 1000000)\n"
    "      bounds how many cases the catalogues may expand to.\n"
    "      --target T (repeatable) runs on host, kernel:VMLINUZ (booted in qemu, TCG), gvisor\n"
    "      or qemu-user, and prints a table per target; --baseline T=FILE compares an\n"
    "      emulator's divergences with a baseline file (--update-baselines rewrites it);\n"
    "      --target-timeout S (1 to 86400) bounds a target other than host. A target that\n"
    "      does not start, or skips every case, fails the run unless --allow-skip T names\n"
    "      it (host, for a run without --target). --kernel K judges against profile K\n"
    "      instead of the running kernel's (gVisor and qemu-user guests get the host's).\n"
    "  clonediff explain FLAGS [--entry E] [--context C] [--exit-signal N] [--kernel K]\n"
    "      Show the model's prediction for a request and the kernel rule that decides it.\n"
    "      C is a preset (root, unpriv, pidns_init) or a JSON object such as\n"
    "      '{\"preset\": \"root\", \"leader_exit_signal\": 0}'. K is a kernel profile:\n"
    "      a release from 4.19 on, such as 6.1.0-50-cloud-amd64 or 5.10, optionally with\n"
    "      knobs (',unprivileged_userns_clone=0,max_user_namespaces=0,pid_max=32768',\n"
    "      ',apparmor_restrict_unprivileged_userns=1'); default: the running kernel.\n"
    "      explain --kernel-history is `clonediff kernels`.\n"
    "  clonediff check [FILE|-] [--kernel K|recorded]\n"
    "      Read records carrying \"observed\" (JSON lines), write each back with \"predicted\",\n"
    "      \"verdict\" and \"diff\"; summary on stderr. Judged against the running kernel's\n"
    "      profile, K's, or each record's own (recorded).\n"
    "  clonediff diff A B [--kernel-a K] [--kernel-b K] [--target-a T] [--target-b T]\n"
    "      The cases whose observations differ between two result files (JSON lines), each\n"
    "      expected (the model's profiles of the two kernels predict the change) or\n"
    "      unexpected (a regression, or a gap in the model), with the rule behind it.\n"
    "      Each side is predicted for its records' own kernel unless K is given; T keeps\n"
    "      only the records of one target of a run over targets.\n"
    "      Exit status 1 when a change is unexpected.\n"
    "  clonediff kernels [--markdown]\n"
    "      The model's kernel history: each change to process creation it knows, by release,\n"
    "      with the kernel commit behind it.\n"
    "\n"
    "exit status: 0 every case that ran matched the model (PASS); 1 some case did not\n"
    "(mismatch, timeout, crash or error), a target did not start, or every case of a\n"
    "target was skipped without --allow-skip; 2 bad usage or bad input; with --ktap,\n"
    "kselftest's: 0 PASS, 1 FAIL, 4 every case (of a target) skipped.\n";

}  // namespace

int main(int argc, char** argv) {
  using namespace clonediff::cli;
  if (is_guest_init(argc, argv)) guest_init_main();  // the static build as a kernel target's init
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return kExitUsage;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "run") return run_command(args);
  if (command == "explain") return explain_command(args);
  if (command == "check") return check_command(args);
  if (command == "diff") return diff_command(args);
  if (command == "kernels") return kernels_command(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return kExitMatch;
  }
  std::fprintf(stderr, "clonediff: unknown command '%s' (commands: run, explain, check, diff, kernels, help)\n", command.c_str());
  return kExitUsage;
}
