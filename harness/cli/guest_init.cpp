#include "harness/cli/guest_init.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace clonediff::cli {
namespace {

using targets::kGuestArgsFile;
using targets::kGuestExitMarker;
using targets::kGuestRecordsDevice;

void say(const std::string& line) {
  std::fprintf(stdout, "clonediff-guest: %s\n", line.c_str());
  std::fflush(stdout);
}

[[noreturn]] void power_off(int status) {
  std::fprintf(stdout, "%s%d\n", kGuestExitMarker, status);
  std::fflush(stdout);
  ::sync();
  ::reboot(RB_POWER_OFF);
  for (;;) ::pause();  // pid 1 must not exit: that would panic the kernel
}

// What the harness needs: /proc and /sys for its probes, /dev for the serial
// ports and /dev/null, a tmpfs, and a cgroup v2 hierarchy for the
// CLONE_INTO_CGROUP cases (without it they are skipped, with the reason).
void mount_filesystems() {
  struct Mount {
    const char* source;
    const char* target;
    const char* type;
  };
  const Mount mounts[] = {{"proc", "/proc", "proc"},
                          {"sysfs", "/sys", "sysfs"},
                          {"devtmpfs", "/dev", "devtmpfs"},
                          {"tmpfs", "/tmp", "tmpfs"},
                          {"cgroup2", "/sys/fs/cgroup", "cgroup2"}};
  for (const Mount& m : mounts) {
    ::mkdir(m.target, 0755);
    if (::mount(m.source, m.target, m.type, 0, nullptr) != 0)
      say(std::string("mount ") + m.type + " on " + m.target + ": " + std::strerror(errno));
  }
  // The pids controller for the children of the root, which the pids_max
  // context's cgroup is: its cgroup v2 path, which a host that keeps pids off
  // (as this project's machines do) cannot run. The guest is thrown away.
  if (std::FILE* f = std::fopen("/sys/fs/cgroup/cgroup.subtree_control", "w")) {
    if (std::fputs("+pids", f) < 0 || std::fclose(f) != 0) say(std::string("enable +pids: ") + std::strerror(errno));
  }
}

// The records' serial port without the tty's newline translation, held open
// so that the setting stays while the run writes to it.
int open_records_port() {
  const int fd = ::open(kGuestRecordsDevice, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    say(std::string("open ") + kGuestRecordsDevice + ": " + std::strerror(errno));
    return -1;
  }
  termios t{};
  if (::tcgetattr(fd, &t) == 0) {
    ::cfmakeraw(&t);
    ::tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}

std::vector<std::string> read_args() {
  std::vector<std::string> args;
  std::ifstream in(kGuestArgsFile);
  for (std::string line; std::getline(in, line);) args.push_back(line);
  return args;
}

}  // namespace

bool is_guest_init(int argc, char** argv) {
  return argc >= 1 && ::getpid() == 1 && std::strcmp(argv[0], "/init") == 0;
}

void guest_init_main() {
  mount_filesystems();
  const int port = open_records_port();
  std::vector<std::string> args = read_args();
  if (args.empty()) {
    say(std::string("no arguments in ") + kGuestArgsFile);
    power_off(2);
  }
  say("running clonediff " + args[0] + " with " + std::to_string(args.size() - 1) + " arguments");

  const pid_t run = ::fork();
  if (run == 0) {
    std::vector<char*> argv;
    static char name[] = "clonediff";
    argv.push_back(name);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv("/bin/clonediff", argv.data());
    std::fprintf(stderr, "clonediff-guest: exec /bin/clonediff: %s\n", std::strerror(errno));
    ::_exit(127);
  }
  if (run < 0) {
    say(std::string("fork: ") + std::strerror(errno));
    power_off(2);
  }
  // pid 1 reaps everything that comes to it until the run itself ends.
  int status = 0;
  for (;;) {
    int st = 0;
    const pid_t pid = ::waitpid(-1, &st, 0);
    if (pid == run) {
      status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      break;
    }
    if (pid < 0 && errno == ECHILD) break;
  }
  if (port >= 0) ::tcdrain(port);
  power_off(status);
}

}  // namespace clonediff::cli
