#include "probes/net_look.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "probes/sys/unique_fd.hpp"

namespace clonediff::probes {
namespace {

using model::Fact;

// The device names of /proc/thread-self/net/dev: after two header lines, one
// device a line, its name before the ':'.
std::vector<std::string> device_names(std::string_view text) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  for (int line = 0; pos < text.size(); ++line) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    if (line < 2) continue;
    const std::size_t colon = l.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = l.substr(0, colon);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    names.emplace_back(name);
  }
  return names;
}

// Runs on a thread of its own, which it moves into the namespace for good.
Fact look_from_inside(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
  sys::UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns || ::setns(ns.get(), CLONE_NEWNET) != 0) return Fact::unknown;
  sys::UniqueFd dev(::open("/proc/thread-self/net/dev", O_RDONLY | O_CLOEXEC));
  if (!dev) return Fact::unknown;
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(dev.get(), buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  const std::vector<std::string> names = device_names(text);
  if (names.size() != 1 || names[0] != "lo") return Fact::no;
  sys::UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return Fact::unknown;
  ifreq req{};
  std::memcpy(req.ifr_name, "lo", 3);
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0) return Fact::unknown;
  return model::fact_of((req.ifr_flags & IFF_UP) == 0);
}

}  // namespace

Fact loopback_only_down(pid_t pid) {
  Fact out = Fact::unknown;
  std::thread([&out, pid] { out = look_from_inside(pid); }).join();
  return out;
}

}  // namespace clonediff::probes
