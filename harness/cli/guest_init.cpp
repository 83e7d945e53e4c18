#include "harness/cli/guest_init.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "harness/targets/record_stream.hpp"

namespace clonediff::cli {
namespace {

using targets::kGuestArgsFile;
using targets::kGuestExitMarker;
using targets::kGuestRecordsDevice;
using targets::kGuestRecordsPipe;

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

// The records' serial port without the tty's newline translation (what
// crosses it is deflated), held open so that the setting stays.
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

// Takes the run's records from the FIFO it writes them to and sends them
// over the port deflated (targets/record_stream.hpp). The stream is flushed
// whenever the run has written nothing for a while, and at least once a
// second while it writes, so that a guest that dies loses only the records
// of its last second. Owns the FIFO's read end and the port.
class RecordsForwarder {
 public:
  // Makes the FIFO and opens its read end first, so that the run's open for
  // writing does not wait; false (said on the console) if either fails.
  bool open() {
    port_ = open_records_port();
    if (port_ < 0) return false;
    if (::mkfifo(kGuestRecordsPipe, 0600) != 0 && errno != EEXIST) {
      say(std::string("mkfifo ") + kGuestRecordsPipe + ": " + std::strerror(errno));
      return false;
    }
    fifo_ = ::open(kGuestRecordsPipe, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fifo_ < 0) say(std::string("open ") + kGuestRecordsPipe + ": " + std::strerror(errno));
    if (!deflater_.ok()) say("zlib cannot start deflating");
    return fifo_ >= 0 && deflater_.ok();
  }

  // Waits up to `ms` for records and forwards what came; flushes the stream
  // when nothing came in that time, or a second has passed since it last did.
  void pump(int ms) {
    if (fifo_ < 0) {
      if (ms > 0) ::poll(nullptr, 0, ms);
      return;
    }
    pollfd p{fifo_, POLLIN, 0};
    if (::poll(&p, 1, ms) > 0) drain();
    if (unflushed_ && (p.revents == 0 || std::chrono::steady_clock::now() - flushed_at_ >= std::chrono::seconds(1)))
      flush();
  }

  // Whatever is left in the FIFO, and the stream's end; waits until the
  // port has sent it.
  void finish() {
    if (fifo_ >= 0) drain();
    std::string out;
    deflater_.finish(out);
    send(out);
    if (port_ >= 0) ::tcdrain(port_);
  }

 private:
  // Reads until the FIFO is empty (or every writer closed it).
  void drain() {
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fifo_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) {  // the run closed it: nothing more will come
        ::close(fifo_);
        fifo_ = -1;
      }
      if (n <= 0) return;
      std::string out;
      deflater_.add(std::string_view(buf, static_cast<std::size_t>(n)), out);
      send(out);
      unflushed_ = true;
    }
  }

  void flush() {
    std::string out;
    deflater_.flush(out);
    send(out);
    unflushed_ = false;
    flushed_at_ = std::chrono::steady_clock::now();
  }

  void send(const std::string& bytes) {
    for (std::size_t at = 0; at < bytes.size() && port_ >= 0;) {
      const ssize_t n = ::write(port_, bytes.data() + at, bytes.size() - at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        say(std::string("write ") + kGuestRecordsDevice + ": " + std::strerror(errno));
        return;
      }
      at += static_cast<std::size_t>(n);
    }
  }

  int port_ = -1;
  int fifo_ = -1;
  bool unflushed_ = false;
  std::chrono::steady_clock::time_point flushed_at_ = std::chrono::steady_clock::now();
  targets::RecordDeflater deflater_;
};

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
  RecordsForwarder records;
  const bool forwarding = records.open();
  std::vector<std::string> args = read_args();
  if (args.empty()) {
    say(std::string("no arguments in ") + kGuestArgsFile);
    power_off(2);
  }
  if (!forwarding) power_off(2);
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
  // pid 1 forwards the records and reaps everything that comes to it until
  // the run itself ends.
  int status = 0;
  for (bool running = true; running;) {
    records.pump(50);
    for (;;) {
      int st = 0;
      const pid_t pid = ::waitpid(-1, &st, WNOHANG);
      if (pid <= 0) {
        if (pid < 0 && errno == ECHILD) running = false;
        break;
      }
      if (pid == run) {
        status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        running = false;
      }
    }
  }
  records.finish();
  power_off(status);
}

}  // namespace clonediff::cli
