#include "probes/behaviour.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "probes/sys/errors.hpp"

namespace clonediff::probes {
namespace {

constexpr int kIoprioWhoProcess = 1;
constexpr int kIoprioClassBe = 2;
constexpr int ioprio_value(int cls, int level) { return (cls << 13) | level; }

int get_ioprio() { return static_cast<int>(::syscall(SYS_ioprio_get, kIoprioWhoProcess, 0)); }

}  // namespace

Result<BehaviourBaseline> BehaviourBaseline::establish() {
  BehaviourBaseline b;
  b.page_ = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (b.page_ == MAP_FAILED) {
    b.page_ = nullptr;
    return sys::errno_error("mmap witness page");
  }
  b.devnull_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!b.devnull_) return sys::errno_error("open /dev/null");

  // A descriptor number below the soft limit that is not in use.
  struct rlimit nofile {};
  ::getrlimit(RLIMIT_NOFILE, &nofile);
  int slot = nofile.rlim_cur > 1000 ? 999 : static_cast<int>(nofile.rlim_cur) - 1;
  while (slot > 2 && ::fcntl(slot, F_GETFD) != -1) --slot;
  if (slot <= 2) return make_error("no free descriptor number for the files witness");
  b.slot_ = slot;

  ::umask(kCallerUmask);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  if (::sigaction(kSignal, &dfl, nullptr) != 0) return sys::errno_error("sigaction witness signal");

  // Also primes the io context (set_task_ioprio allocates it). Without the
  // system call (ENOSYS), or the right to it (EPERM: gVisor's answer to an
  // unprivileged caller, where Linux lets anyone take a best-effort class),
  // the io witness is absent, not broken.
  b.caller_ioprio_ = ioprio_value(kIoprioClassBe, 4);
  if (::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, b.caller_ioprio_) == 0)
    b.io_witness_ = true;
  else if (errno != ENOSYS && errno != EPERM)
    return sys::errno_error("ioprio_set");
  return b;
}

BehaviourBaseline::BehaviourBaseline(BehaviourBaseline&& o) noexcept
    : page_(std::exchange(o.page_, nullptr)),
      devnull_(std::move(o.devnull_)),
      slot_(o.slot_),
      caller_ioprio_(o.caller_ioprio_),
      io_witness_(o.io_witness_) {}

BehaviourBaseline::~BehaviourBaseline() {
  if (page_) ::munmap(page_, 4096);
}

BehaviourPlan BehaviourBaseline::plan(std::uint64_t token) const {
  BehaviourPlan p;
  p.vm_word = static_cast<volatile std::uint64_t*>(page_);
  p.vm_token = token;
  p.files_source_fd = devnull_.get();
  p.files_slot = slot_;
  p.child_umask = kChildUmask;
  p.sighand_signal = kSignal;
  p.child_ioprio = ioprio_value(kIoprioClassBe, 6);
  return p;
}

Status BehaviourBaseline::intact() const {
  if (*static_cast<volatile std::uint64_t*>(page_) != 0) return make_error("vm witness word is not zero");
  if (::fcntl(slot_, F_GETFD) != -1) return make_error("files witness slot " + std::to_string(slot_) + " is open");
  const mode_t old = ::umask(kCallerUmask);
  if (old != kCallerUmask) return make_error("umask is " + std::to_string(old) + ", not the baseline");
  struct sigaction sa {};
  ::sigaction(kSignal, nullptr, &sa);
  if (sa.sa_handler != SIG_DFL) return make_error("witness signal is not at SIG_DFL");
  if (io_witness_ && get_ioprio() != caller_ioprio_) return make_error("I/O priority is not the baseline");
  return ok_status();
}

std::array<model::Fact, model::kResourceCount> BehaviourBaseline::observe_and_restore(const BehaviourPlan& plan,
                                                                                      unsigned acted) {
  using model::Fact;
  using model::Resource;
  std::array<Fact, model::kResourceCount> seen{};
  seen.fill(Fact::unknown);
  const auto at = [&](Resource r) -> Fact& { return seen[static_cast<std::size_t>(r)]; };
  const auto did = [&](Resource r) { return (acted & acted_bit(r)) != 0; };

  volatile std::uint64_t* word = static_cast<volatile std::uint64_t*>(page_);
  if (did(Resource::vm)) at(Resource::vm) = model::fact_of(*word == plan.vm_token);
  *word = 0;

  const bool slot_open = ::fcntl(slot_, F_GETFD) != -1;
  if (did(Resource::files)) at(Resource::files) = model::fact_of(slot_open);
  if (slot_open) ::close(slot_);  // the child's dup2() of devnull_, seen through shared files

  const mode_t old = ::umask(kCallerUmask);
  if (did(Resource::fs)) at(Resource::fs) = model::fact_of(old == plan.child_umask);

  struct sigaction sa {};
  ::sigaction(kSignal, nullptr, &sa);
  if (did(Resource::sighand)) at(Resource::sighand) = model::fact_of(sa.sa_handler == SIG_IGN);
  if (sa.sa_handler != SIG_DFL) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(kSignal, &dfl, nullptr);
  }

  if (io_witness_) {
    const int prio = get_ioprio();
    if (did(Resource::io)) at(Resource::io) = model::fact_of(prio == plan.child_ioprio);
    if (prio != caller_ioprio_) ::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, caller_ioprio_);
  }
  return seen;
}

}  // namespace clonediff::probes
