#include "probes/sys/mapping.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>

#include "probes/sys/errors.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::sys {

void Mapping::reset() {
  if (at_) ::munmap(at_, size_);
  at_ = nullptr;
  size_ = 0;
}

Result<Mapping> map_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("cannot read '" + path + "'");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errno_error("cannot read '" + path + "'");
  if (S_ISDIR(st.st_mode)) return errno_error("cannot read '" + path + "'", EISDIR);
  if (st.st_size <= 0) return make_error("cannot read '" + path + "': it is empty");
  const auto size = static_cast<std::size_t>(st.st_size);
  void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (at == MAP_FAILED) return errno_error("cannot map '" + path + "'");
  return Mapping(at, size);
}

Result<Mapping> map_new_file(const std::string& path, std::size_t size) {
  if (size == 0) return make_error("cannot map '" + path + "' at 0 bytes");
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return errno_error("open " + path);
  // Its blocks are taken now: a write through the mapping that found the
  // file system full would be a SIGBUS, not an error.
  if (const int err = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(size)); err != 0)
    return errno_error("fallocate " + path, err);
  void* at = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd.get(), 0);
  if (at == MAP_FAILED) return errno_error("cannot map '" + path + "'");
  return Mapping(at, size);
}

}  // namespace clonediff::sys
