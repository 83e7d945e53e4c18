#include "harness/engine/supervisor.hpp"

#include <seccomp.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "model/flags.hpp"
#include "model/names.hpp"
#include "probes/sys/errors.hpp"

namespace clonediff::harness {
namespace {

constexpr std::uint64_t kTaskSizeMax = 0x00007ffffffff000ULL;  // x86-64 TASK_SIZE_MAX (4-level)

model::TlsArg tls_kind(std::uint64_t tls) {
  return tls == 0 ? model::TlsArg::none : tls < kTaskSizeMax ? model::TlsArg::harness : model::TlsArg::non_canonical;
}

}  // namespace

bool creates_a_task(long nr) { return nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork || nr == SYS_vfork; }
bool is_exec(long nr) { return nr == SYS_execve || nr == SYS_execveat; }

std::optional<Route> route_of(const RecordedCall& call) {
  Route r;
  switch (call.nr) {
    case SYS_clone: {
      // clone(flags, newsp, parent_tid, child_tid, tls)
      const std::uint64_t word = call.args[0];
      r.request = model::Request{model::Entry::clone, word & ~model::kCsignal & 0xffffffffULL, word & model::kCsignal};
      r.request.flags |= word & ~0xffffffffULL;
      r.request.stack = call.args[1] ? model::StackArg::harness : model::StackArg::none;
      r.request.tls = (word & model::flag::SETTLS) ? tls_kind(call.args[4]) : model::TlsArg::none;
      r.text = "clone(" + model::format_flags(r.request.flags) + ", exit " +
               model::signal_name(static_cast<long long>(r.request.exit_signal)) +
               (call.args[1] ? ", own stack" : ", no stack") + ")";
      return r;
    }
    case SYS_clone3: {
      if (!call.clone_args) return std::nullopt;
      const CloneArgs& a = *call.clone_args;
      r.request = model::Request{model::Entry::clone3, a.flags, a.exit_signal};
      r.request.clone3.size = call.args[1];
      r.request.stack = a.stack ? (a.stack_size ? model::StackArg::harness : model::StackArg::address_without_size)
                                : (a.stack_size ? model::StackArg::size_without_address : model::StackArg::none);
      r.request.tls = (a.flags & model::flag::SETTLS) ? tls_kind(a.tls) : model::TlsArg::none;
      if (a.set_tid) r.request.clone3.set_tid = std::vector<model::TidSpec>{};  // glibc never sets it
      if (a.set_tid_size) r.request.clone3.set_tid_size = a.set_tid_size;
      r.text = "clone3(size " + std::to_string(call.args[1]) + ", " + model::format_flags(a.flags) + ", exit " +
               model::signal_name(static_cast<long long>(a.exit_signal)) + (a.stack ? ", own stack" : ", no stack") + ")";
      return r;
    }
    case SYS_vfork:
      r.request = model::Request{model::Entry::vfork, 0, model::kSigchld};
      r.text = "vfork()";
      return r;
    case SYS_fork:
      // fork() is kernel_clone() with SIGCHLD and nothing else: legacy clone's equal.
      r.request = model::Request{model::Entry::clone, 0, model::kSigchld};
      r.request.stack = model::StackArg::none;
      r.text = "fork()";
      return r;
    default:
      return std::nullopt;
  }
}

Result<Supervisor::Notification> Supervisor::receive() {
  struct seccomp_notif* req = nullptr;
  struct seccomp_notif_resp* resp = nullptr;
  if (int rc = seccomp_notify_alloc(&req, &resp); rc != 0) return make_error("seccomp_notify_alloc failed", -rc);
  std::unique_ptr<seccomp_notif, void (*)(seccomp_notif*)> req_owner(req, [](seccomp_notif* p) { seccomp_notify_free(p, nullptr); });
  std::unique_ptr<seccomp_notif_resp, void (*)(seccomp_notif_resp*)> resp_owner(resp, [](seccomp_notif_resp* p) { seccomp_notify_free(nullptr, p); });
  if (int rc = seccomp_notify_receive(fd_.get(), req); rc != 0)
    return sys::errno_error("seccomp_notify_receive", -rc);
  Notification n;
  n.id = req->id;
  n.call.nr = req->data.nr;
  n.call.pid = static_cast<pid_t>(req->pid);
  for (int i = 0; i < 6; ++i) n.call.args[i] = req->data.args[i];
  if (n.call.nr == SYS_clone3 && n.call.args[1] >= 64) {
    // The struct as the task holds it; what lies past its size reads as zero.
    CloneArgs a{};
    iovec local{&a, std::min<std::uint64_t>(n.call.args[1], sizeof a)};
    iovec remote{reinterpret_cast<void*>(n.call.args[0]), local.iov_len};
    if (::process_vm_readv(n.call.pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(local.iov_len))
      n.call.clone_args = a;
  }
  return n;
}

Status Supervisor::let_continue(std::uint64_t id) {
  struct seccomp_notif_resp resp {};
  resp.id = id;
  resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  if (int rc = seccomp_notify_respond(fd_.get(), &resp); rc != 0)
    return sys::errno_error("seccomp_notify_respond", -rc);
  return ok_status();
}

}  // namespace clonediff::harness
