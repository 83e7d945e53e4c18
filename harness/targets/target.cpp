#include "harness/targets/target.hpp"

#include "harness/targets/bzimage.hpp"

namespace clonediff::targets {

Result<TargetSpec> parse_target(std::string_view text) {
  TargetSpec t;
  t.spec = std::string(text);
  if (text == "host") return t;
  if (text == "gvisor") {
    t.kind = TargetKind::gvisor;
    return t;
  }
  if (text == "qemu-user") {
    t.kind = TargetKind::qemu_user;
    return t;
  }
  constexpr std::string_view kKernel = "kernel:";
  if (text.substr(0, kKernel.size()) == kKernel && text.size() > kKernel.size()) {
    t.kind = TargetKind::kernel;
    t.vmlinuz = std::string(text.substr(kKernel.size()));
    return t;
  }
  return make_error("unknown target '" + std::string(text) + "' (targets: host, kernel:VMLINUZ, gvisor, qemu-user)");
}

bool is_emulator(TargetKind k) { return k == TargetKind::gvisor || k == TargetKind::qemu_user; }

std::string target_name(const TargetSpec& t) {
  switch (t.kind) {
    case TargetKind::host: return "host";
    case TargetKind::gvisor: return "gvisor";
    case TargetKind::qemu_user: return "qemu-user";
    case TargetKind::kernel: {
      if (auto release = bzimage_release_of(t.vmlinuz)) return "kernel:" + *release;
      const auto slash = t.vmlinuz.rfind('/');
      return "kernel:" + (slash == std::string::npos ? t.vmlinuz : t.vmlinuz.substr(slash + 1));
    }
  }
  return t.spec;
}

}  // namespace clonediff::targets
