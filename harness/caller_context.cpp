#include "harness/caller_context.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include "probes/sys/proc_files.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {
namespace {

constexpr std::array<std::string_view, 2> kBuildable = {"root", "unpriv"};
constexpr ino_t kInitialUserNsInode = 0xEFFFFFFDU;  // PROC_USER_INIT_INO
constexpr unsigned kOverflowId = 65534;

std::string errtext(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool has_cap(const __user_cap_data_struct (&data)[2], int cap) {
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

std::optional<ino_t> own_ns_inode(const char* name) {
  struct stat st {};
  std::string path = std::string("/proc/self/ns/") + name;
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st.st_ino;
}

long long userns_depth() {
  long long depth = 0;
  sys::UniqueFd fd(::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC));
  while (fd) {
    int parent = ::ioctl(fd.get(), NS_GET_PARENT);
    if (parent < 0) break;  // EPERM: the initial namespace (or one we cannot see past)
    fd.reset(parent);
    ++depth;
  }
  return depth;
}

bool same_file(const char* a, const char* b) {
  struct stat sa {}, sb {};
  if (::stat(a, &sa) != 0 || ::stat(b, &sb) != 0) return true;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace

std::span<const std::string_view> buildable_contexts() { return kBuildable; }

bool context_is_buildable(std::string_view name) {
  for (auto c : kBuildable)
    if (c == name) return true;
  return false;
}

Status build_context(std::string_view name) {
  if (::geteuid() != 0) return make_error("contexts are built from root; clonediff runs as uid " + std::to_string(::geteuid()));
  if (name == "root") return ok_status();  // privilege: uid 0, full capabilities, initial namespaces
  if (name == "unpriv") {
    // Privilege: root. Drop supplementary groups, then gids, then uids; with
    // no keep-caps, the uid change clears every capability set.
    if (::setgroups(0, nullptr) != 0) return make_error(errtext("setgroups"));
    if (::setresgid(kOverflowId, kOverflowId, kOverflowId) != 0) return make_error(errtext("setresgid"));
    if (::setresuid(kOverflowId, kOverflowId, kOverflowId) != 0) return make_error(errtext("setresuid"));
    // Privilege: uid/gid 65534, no capabilities. Stay ptrace-readable for the
    // prober (a uid change clears dumpable).
    ::prctl(PR_SET_DUMPABLE, 1);
    return ok_status();
  }
  return make_error("context '" + std::string(name) + "' cannot be built by this harness yet");
}

FactsMsg read_live_facts() {
  FactsMsg f;
  f.ok = 1;
  f.uid = ::getuid();
  const auto user = own_ns_inode("user");
  f.in_initial_userns = user && *user == kInitialUserNsInode;

  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &hdr, data) == 0) {
    f.cap_sys_admin = has_cap(data, CAP_SYS_ADMIN);
    f.cap_sys_admin_init = f.cap_sys_admin && f.in_initial_userns;
    f.cap_sys_resource = has_cap(data, CAP_SYS_RESOURCE) && f.in_initial_userns;
  }
  f.pid_local = ::getpid();
  f.pidns_init = f.pid_local == 1;
  f.pid_for_children_differs = own_ns_inode("pid") != own_ns_inode("pid_for_children");
  f.time_for_children_differs = own_ns_inode("time") != own_ns_inode("time_for_children");
  f.chrooted = !same_file("/", "/proc/1/root");
  f.userns_level = userns_depth();

  char buf[4096];
  if (auto dir = sys::open_proc_dir(::getpid())) {
    if (auto status = sys::read_small_file(dir->get(), "status", buf, sizeof buf)) {
      // NSpid lists one pid per pid-namespace level, outermost first.
      auto pos = status->find("\nNSpid:");
      if (pos != std::string_view::npos) {
        auto end = status->find('\n', pos + 1);
        auto line = status->substr(pos + 7, end - pos - 7);
        long long fields = 0;
        bool in_field = false;
        for (char c : line) {
          const bool digit = c >= '0' && c <= '9';
          if (digit && !in_field) ++fields;
          in_field = digit;
        }
        f.pidns_level = fields > 0 ? fields - 1 : 0;
      }
    }
    if (auto stat = sys::read_small_file(dir->get(), "stat", buf, sizeof buf))
      f.leader_exit_signal = sys::stat_field(*stat, 38).value_or(-1);
  }
  return f;
}

}  // namespace clonediff::harness
