// Outer processes: the programs a target runs on (qemu-system-x86_64, runsc,
// qemu-x86_64), started and timed out with Boost.Process. Used only by the
// clonediff process that drives targets, never by a process that makes the
// raw clone calls.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/result.hpp"

namespace clonediff::targets {

// A program found on PATH, or nothing.
std::optional<std::string> find_program(const std::string& name);

struct OuterRun {
  // stopped: killed because stop_requested said so.
  enum class End { exited, timed_out, stopped };
  End end = End::exited;
  int exit_code = -1;  // when exited
  std::chrono::duration<double> elapsed{0};
  std::string out;  // standard output, as the program wrote it
  std::string err;  // standard error
};

struct OuterCommand {
  std::string program;  // a path
  std::vector<std::string> args;
  std::string workdir;  // where stdout and stderr are kept while it runs
  std::chrono::seconds timeout{600};
  std::string stdin_path;  // standard input from this file; empty: /dev/null
  std::string start_dir;   // the program's working directory; empty: this process's
  // Asked every 50 ms at most while the program runs; true: the group is
  // killed as at the timeout. Empty: never.
  std::function<bool()> stop_requested;
  // The CPU the program and its threads are kept on; none: wherever the
  // kernel puts them.
  std::optional<int> cpu;
};

// The first line `program --version` prints, or "" (10 s at most).
std::string version_line(const std::string& program, const std::string& workdir);

// Runs the command in a process group of its own, standard input from
// /dev/null (or stdin_path), standard output and error into files under workdir (read back
// when it ends). Past the timeout, or once stop_requested says so, the whole group is killed. Every member of
// the group is reaped before this returns. The error is for a program that
// could not be started at all.
Result<OuterRun> run_outer(const OuterCommand& command);

}  // namespace clonediff::targets
