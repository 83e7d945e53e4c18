#include "probes/sys/unique_fd.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>
#include <vector>

#include "probes/sys/errors.hpp"

namespace clonediff::sys {

Result<FdPair> socket_pair(int type) {
  int fds[2];
  if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0) return errno_error("socketpair");
  return FdPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<FdPair> pipe_pair() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("pipe2");
  return FdPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void close_all_descriptors_but(std::initializer_list<int> keep) {
  std::vector<unsigned> kept;
  for (int fd : keep)
    if (fd > 2) kept.push_back(static_cast<unsigned>(fd));
  std::sort(kept.begin(), kept.end());
  unsigned from = 3;
  for (unsigned fd : kept) {
    if (fd > from) ::close_range(from, fd - 1, 0);
    from = std::max(from, fd + 1);
  }
  ::close_range(from, ~0U, 0);
}

}  // namespace clonediff::sys
