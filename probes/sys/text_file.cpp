#include "probes/sys/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "probes/sys/errors.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::sys {

Result<std::string> read_text_file(const std::string& path, const std::string& what) {
  const auto fail = [&](int err) {
    return errno_error("cannot read " + (what.empty() ? "" : what + " ") + "'" + path + "'", err);
  };
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(errno);
  if (S_ISDIR(st.st_mode)) return fail(EISDIR);
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno);
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

std::string read_text_or_empty(const std::string& path) {
  auto text = read_text_file(path);
  return text ? std::move(text).value() : std::string();
}

Status write_file(const std::string& path, std::string_view text, Create create) {
  const int flags = O_WRONLY | O_CLOEXEC | (create == Create::yes ? O_CREAT | O_TRUNC : 0);
  UniqueFd fd(::open(path.c_str(), flags, 0644));
  if (!fd) return errno_error("open " + path);
  while (!text.empty()) {
    const ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return errno_error("write " + path, n < 0 ? errno : EIO);
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok_status();
}

void remove_dir_when_free(const std::string& path) {
  for (int i = 0; i < 200 && !path.empty(); ++i) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) return;
    ::usleep(5000);
  }
}

}  // namespace clonediff::sys
