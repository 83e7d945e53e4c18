#include "probes/sys/proc_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <charconv>
#include <cstring>
#include <string>

#include "probes/sys/errors.hpp"

namespace clonediff::sys {

Result<UniqueFd> open_proc_dir(pid_t pid) {
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d", static_cast<int>(pid));
  int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error(std::string("open ") + path);
  return UniqueFd(fd);
}

Result<std::string_view> read_small_file(int dirfd, const char* name, char* buf, std::size_t size) {
  UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error(std::string("open ") + name);
  std::size_t used = 0;
  while (used < size) {
    ssize_t n = ::read(fd.get(), buf + used, size - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(std::string("read ") + name);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  return std::string_view(buf, used);
}

Result<std::string_view> read_proc_file(pid_t pid, const char* name, char* buf, std::size_t size) {
  auto dir = open_proc_dir(pid);
  if (!dir) return dir.error();
  return read_small_file(dir->get(), name, buf, size);
}

std::optional<long long> status_field(std::string_view status, std::string_view key) {
  std::size_t pos = 0;
  while (pos < status.size()) {
    std::size_t end = status.find('\n', pos);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(pos, end - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      std::string_view v = line.substr(key.size() + 1);
      while (!v.empty() && (v.front() == '\t' || v.front() == ' ')) v.remove_prefix(1);
      long long out = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      if (ec != std::errc{}) return std::nullopt;
      return out;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::vector<long long> status_numbers(std::string_view status, std::string_view key) {
  std::vector<long long> out;
  const std::string prefix = "\n" + std::string(key) + ":";
  std::size_t at = status.substr(0, key.size() + 1) == prefix.substr(1) ? 0 : status.find(prefix);
  if (at == std::string_view::npos) return out;
  at += at == 0 ? key.size() + 1 : prefix.size();
  const auto end = status.find('\n', at);
  std::string_view line = status.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
  while (!line.empty()) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) break;
    long long v = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
    if (ec != std::errc{}) break;
    out.push_back(v);
    line.remove_prefix(static_cast<std::size_t>(p - line.data()));
  }
  return out;
}

std::optional<long long> stat_field(std::string_view stat, int n) {
  if (n < 3) return std::nullopt;
  std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  // rest starts with " S ..." : field 3 is the state.
  int field = 2;
  std::size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    std::size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) end = rest.size();
    ++field;
    if (field == n) {
      std::string_view tok = rest.substr(pos, end - pos);
      while (!tok.empty() && tok.back() == '\n') tok.remove_suffix(1);
      long long out = 0;
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), out);
      if (ec != std::errc{}) return std::nullopt;
      return out;
    }
    pos = end;
  }
  return std::nullopt;
}

}  // namespace clonediff::sys
