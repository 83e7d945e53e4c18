// Targets: the implementations of the Linux process-creation ABI a run can
// cover. `host` is the running kernel, in this process; the others run the
// static clonediff elsewhere and send its records back:
//   kernel:VMLINUZ  another kernel, booted in qemu-system-x86_64 (TCG) with an
//                   initramfs holding the static clonediff as init
//   gvisor          gVisor's runsc (`runsc --network=none do`)
//   qemu-user       qemu's user-mode emulator (qemu-x86_64) on this kernel
// A kernel target is judged against its own kernel's profile; gVisor and
// qemu-user stand in for the running kernel and are judged against its
// profile: their divergences from Linux are the findings.
#pragma once

#include <string>
#include <string_view>

#include "model/result.hpp"

namespace clonediff::targets {

enum class TargetKind { host, kernel, gvisor, qemu_user };

struct TargetSpec {
  TargetKind kind = TargetKind::host;
  std::string spec;     // as --target took it: "kernel:/boot/vmlinuz-6.1.0-50-cloud-amd64"
  std::string vmlinuz;  // kernel targets: the image
};

// "host", "kernel:PATH", "gvisor", "qemu-user"; the error says what is accepted.
Result<TargetSpec> parse_target(std::string_view text);

// gVisor and qemu-user: judged against the running kernel, their
// divergences compared with a baseline.
bool is_emulator(TargetKind k);

// The name reports use: "host", "kernel:<release>" (from the image's setup
// header; the file name if that cannot be read), "gvisor", "qemu-user".
std::string target_name(const TargetSpec& t);

}  // namespace clonediff::targets
