// Sending and receiving the fixed-size protocol messages (protocol.hpp).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>

#include "harness/caller/protocol.hpp"
#include "model/caller.hpp"
#include "model/result.hpp"
#include "probes/sys/unique_fd.hpp"

namespace clonediff::harness {

// Large enough for any message in protocol.hpp.
union AnyMsg {
  MsgKind kind;
  OrderMsg order;
  OrderBatchMsg order_batch;
  FactsMsg facts;
  ReturnedMsg returned;
  ReturnedBatchMsg returned_batch;
  ChildReadyMsg ready;
  ReleasedMsg released;
  DoneMsg done;
  QuitMsg quit;
  AnyMsg() : kind(MsgKind::quit) {}
};

// MSG_NOSIGNAL: a dead peer is an error value, not a SIGPIPE.
template <typename T>
bool send_msg(int fd, const T& msg) {
  static_assert(std::is_trivially_copyable_v<T>);
  for (;;) {
    ssize_t n = ::send(fd, &msg, sizeof msg, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(sizeof msg)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

// The first `size` bytes of a message whose tail is unused (a batch's
// entries beyond its count).
template <typename T>
bool send_msg_prefix(int fd, const T& msg, std::size_t size) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (size > sizeof msg) return false;
  for (;;) {
    ssize_t n = ::send(fd, &msg, size, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(size)) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

// One message; 0 on EOF, -1 on error, else its size.
inline ssize_t recv_msg(int fd, AnyMsg& out) {
  for (;;) {
    ssize_t n = ::recv(fd, &out, sizeof out, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0 && static_cast<std::size_t>(n) < sizeof(MsgKind)) return -1;
    return n;
  }
}

// A message header for one buffer and a control area.
inline msghdr message_header(iovec& iov, void* control, std::size_t control_size) {
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control;
  mh.msg_controllen = control_size;
  return mh;
}

// A descriptor over a unix socket (SCM_RIGHTS), with a one-byte payload.
inline bool send_fd(int sock, int fd) {
  char byte = 'f';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr mh = message_header(iov, control, sizeof control);
  cmsghdr* c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return ::sendmsg(sock, &mh, MSG_NOSIGNAL) == 1;
}

// The descriptor sent by send_fd(), owned; invalid if none came. Room for
// credentials too: a socket with SO_PASSCRED gets them with every message.
inline sys::UniqueFd recv_fd(int sock) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(ucred))] = {};
  msghdr mh = message_header(iov, control, sizeof control);
  if (::recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1) return sys::UniqueFd();
  for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      return sys::UniqueFd(fd);
    }
  return sys::UniqueFd();
}

// The live caller's facts as a Facts message, in the order of
// model::caller_facts().
inline FactsMsg facts_msg(const model::Caller& c) {
  FactsMsg m;
  m.ok = 1;
  const auto facts = model::caller_facts();
  m.fact_count = static_cast<std::uint32_t>(facts.size());
  for (std::size_t i = 0; i < facts.size(); ++i) m.facts[i] = facts[i].get(c);
  return m;
}

// ... and back, for context `preset`; an error for a message that does not
// carry this build's facts.
inline Result<model::Caller> caller_from_facts_msg(const FactsMsg& m, const std::string& preset) {
  const auto facts = model::caller_facts();
  if (m.fact_count != facts.size())
    return make_error("the caller sent " + std::to_string(m.fact_count) + " facts, not " +
                      std::to_string(facts.size()));
  model::Caller c;
  c.preset = preset;
  for (std::size_t i = 0; i < facts.size(); ++i) facts[i].set(c, m.facts[i]);
  return c;
}

template <std::size_t N>
void copy_text(char (&dst)[N], const char* src) {
  std::strncpy(dst, src, N - 1);
  dst[N - 1] = '\0';
}

// Whether spinning can pay: another CPU may run the peer while this one
// spins, and nothing else wants the CPUs. /proc/loadavg's fourth field counts
// the tasks runnable on the whole machine now, this one among them: at most
// one per CPU this process may use means a CPU is idle or runs the peer.
// Looked at again at most once a millisecond (per thread); unreadable (a
// chroot without /proc, gVisor): no. Opens and closes a descriptor: for the
// host, and for the caller between cases, never after clone.
inline bool cpus_to_spare() {
  static const int cpus = [] {
    cpu_set_t set;
    return ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  }();
  if (cpus < 2) return false;
  thread_local timespec looked{};
  thread_local bool spare = false;
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  if (looked.tv_sec != 0 && (now.tv_sec - looked.tv_sec) * 1'000'000'000L + (now.tv_nsec - looked.tv_nsec) < 1'000'000)
    return spare;
  looked = now;
  spare = false;
  const int fd = ::open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return spare;
  char text[128];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return spare;
  text[n] = '\0';
  // "0.52 0.58 0.59 2/411 12345": the fourth field is runnable/total.
  const char* p = text;
  for (int field = 0; field < 3 && p != nullptr; ++field) {
    p = std::strchr(p, ' ');
    if (p != nullptr) ++p;
  }
  if (p == nullptr) return spare;
  char* end = nullptr;
  const long runnable = std::strtol(p, &end, 10);
  spare = end != p && *end == '/' && runnable <= cpus;
  return spare;
}

// Whether spinning has been paying on this thread: a spin pays when the peer
// answers within it. Where it seldom does, spinning rests for a while and is
// then tried again. Under gVisor (runsc 2022-12 on a 2-vCPU machine) the
// answer takes longer than the spin, and the spin takes the CPU the sandbox
// needs: the catalogue took 52-59 s spinning and 34-38 s never spinning.
class SpinRecord {
 public:
  static constexpr unsigned kWindow = 32;  // spins judged together
  static constexpr unsigned kRest = 1024;  // waits without a spin after a window that did not pay

  bool worth_trying() {
    if (resting_ == 0) return true;
    --resting_;
    return false;
  }
  // A window in which fewer than one spin in four paid starts a rest.
  void spun(bool paid) {
    ++tried_;
    if (paid) ++paid_;
    if (tried_ < kWindow) return;
    if (paid_ * 4 < tried_) resting_ = kRest;
    tried_ = paid_ = 0;
  }

 private:
  unsigned tried_ = 0;
  unsigned paid_ = 0;
  unsigned resting_ = 0;
};

// poll(2), but first a short busy wait: the peer usually answers within a few
// microseconds, and on this kind of machine a sleep/wake round trip costs
// ~20 us against ~6 us spinning. Spins only while a CPU is to spare
// (cpus_to_spare()): on a busy machine the spin would take the CPU the peer
// needs, and a yield would hand it to anything runnable for a whole slice;
// and only while spinning pays (SpinRecord).
// Same contract as poll(): returns the number of ready descriptors, 0 on
// timeout, -1 on error.
inline int poll_briefly_spinning(pollfd* fds, nfds_t n, int timeout_ms) {
  constexpr long kSpinNs = 60'000;
  thread_local SpinRecord record;
  if (timeout_ms != 0 && record.worth_trying() && cpus_to_spare()) {
    timespec start{};
    ::clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
      int ready = ::poll(fds, n, 0);
      if (ready != 0) {
        record.spun(true);
        return ready;
      }
      ::sched_yield();  // the peer may be waiting for this CPU
      timespec now{};
      ::clock_gettime(CLOCK_MONOTONIC, &now);
      if ((now.tv_sec - start.tv_sec) * 1'000'000'000L + (now.tv_nsec - start.tv_nsec) > kSpinNs) break;
    }
    record.spun(false);
  }
  return ::poll(fds, n, timeout_ms);
}

}  // namespace clonediff::harness
