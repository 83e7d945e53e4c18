// A kernel target: boot the image in qemu-system-x86_64 with TCG (KVM hangs
// guests on the machines this was built on), run the static clonediff as the
// initramfs's init, and read the records from the second serial port
// (deflated: record_stream.hpp).
#include <unistd.h>

#include <cerrno>
#include <future>

#include "harness/targets/bzimage.hpp"
#include "harness/targets/guest_protocol.hpp"
#include "harness/targets/initramfs.hpp"
#include "harness/targets/outer_process.hpp"
#include "harness/targets/record_stream.hpp"
#include "harness/targets/static_elf.hpp"
#include "harness/targets/target_run.hpp"
#include "harness/targets/vmlinux_payload.hpp"
#include "probes/sys/errors.hpp"
#include "probes/sys/mapping.hpp"
#include "probes/sys/text_file.hpp"

namespace clonediff::targets {
namespace {

using sys::read_text_file;

// What qemu's -kernel loads: the kernel unpacked here and written to
// `workdir`, where it has a PVH entry (vmlinux_payload.hpp); else the bzImage
// as it is, which boots the same kernel about 2 s slower under TCG. `how`
// says which, and why, for the run's log. The image is mapped, not read, and
// the kernel is unpacked straight into the file's mapping: reading, unpacking
// into memory and writing that out took 380 to 660 ms here, this 200 to
// 350 ms, for each guest.
std::string kernel_to_load(const std::string& vmlinuz, const std::string& workdir, std::string& how) {
  const auto booted_as_it_is = [&](const std::string& why) {
    how = "booted the bzImage as it is: " + why;
    return vmlinuz;
  };
  auto image = sys::map_file(vmlinuz);
  if (!image) return booted_as_it_is("cannot unpack its kernel: " + image.error().message);
  auto size = bzimage_vmlinux_size(image->view());
  if (!size) return booted_as_it_is("cannot unpack its kernel: " + size.error().message);
  const std::string path = workdir + "/vmlinux";
  auto unpacked = sys::map_new_file(path, *size);
  if (!unpacked) return booted_as_it_is(unpacked.error().message);
  if (auto st = bzimage_vmlinux_into(image->view(), unpacked->bytes()); !st)
    return booted_as_it_is("cannot unpack its kernel: " + st.error().message);
  if (!has_pvh_entry(unpacked->view()))
    return booted_as_it_is("its kernel has no PVH entry (CONFIG_PVH)");
  how = "booted the kernel unpacked from the bzImage through its PVH entry";
  return path;
}

TargetRun not_started(std::string why) {
  TargetRun r;
  r.status = TargetRun::Status::not_started;
  r.reason = std::move(why);
  return r;
}

// The guest's file system: init, the programs the C library's entries run,
// the arguments and the catalogue files.
Result<std::string> build_initramfs(const std::string& clonediff, const std::string& busybox,
                                    const GuestSelection& s) {
  Initramfs fs;
  for (const char* d : {"bin", "dev", "proc", "sys", "tmp", "clonediff", "clonediff/cases"}) fs.directory(d);
  fs.char_device("dev/console", 5, 1);  // the kernel opens it for init's stdin/out/err before devtmpfs
  fs.file("bin/clonediff", clonediff, 0755);
  fs.symlink("init", "bin/clonediff");
  fs.file("bin/busybox", busybox, 0755);
  fs.symlink("bin/sh", "busybox");    // system()
  fs.symlink("bin/true", "busybox");  // posix_spawn()
  std::vector<std::string> guest_paths;
  for (std::size_t i = 0; i < s.case_files.size(); ++i) {
    auto text = read_text_file(s.case_files[i]);
    if (!text) return text.error();
    const std::string& host = s.case_files[i];
    const std::string base = host.substr(host.rfind('/') == std::string::npos ? 0 : host.rfind('/') + 1);
    const std::string guest = "clonediff/cases/" + std::to_string(i) + "-" + base;
    fs.file(guest, *text);
    guest_paths.push_back("/" + guest);
  }
  std::string args;
  for (const std::string& a : guest_run_args(s, kGuestRecordsPipe, guest_paths)) {
    if (a.find('\n') != std::string::npos) return make_error("an argument holds a line break: " + a);
    args += a + "\n";
  }
  fs.file("clonediff/args", args);
  return fs.archive();
}

}  // namespace

TargetRun run_kernel_target(const TargetSpec& t, const GuestSelection& s, const TargetEnvironment& env) {
  auto qemu = find_program("qemu-system-x86_64");
  if (!qemu) return not_started("qemu-system-x86_64 is not installed (Debian package qemu-system-x86)");
  if (::access(t.vmlinuz.c_str(), R_OK) != 0)
    return not_started(sys::errno_error("cannot read the kernel image '" + t.vmlinuz + "'").message);
  if (auto release = bzimage_release_of(t.vmlinuz); !release) return not_started(release.error().message);
  auto clonediff = read_text_file(env.static_binary);
  if (!clonediff || !is_static_elf64(*clonediff))
    return not_started("no static clonediff at '" + env.static_binary + "' (the build's clonediff-static)");
  auto busybox_path = find_program("busybox");
  auto busybox = busybox_path ? read_text_file(*busybox_path) : Result<std::string>(make_error("none"));
  if (!busybox || !is_static_elf64(*busybox))
    return not_started("needs a static busybox for /bin/sh and /bin/true in the guest (Debian package busybox-static)");

  auto image = build_initramfs(*clonediff, *busybox, s);
  if (!image) return not_started("cannot build the initramfs: " + image.error().message);
  const std::string initrd = env.workdir + "/initramfs.cpio";
  const std::string console = env.workdir + "/console.txt";
  const std::string records = env.workdir + "/records.jsonl";
  if (auto st = sys::write_file(initrd, *image, sys::Create::yes); !st) return not_started(st.error().message);

  // qemu's version, asked while the kernel is unpacked, not after the guest:
  // 70 ms here. Taken before the guest starts (both use the workdir's
  // outer.stdout).
  auto qemu_version = std::async(std::launch::async, [&] { return version_line(*qemu, env.workdir); });

  // One vCPU: under TCG each vCPU is a host thread, and each hand-over
  // between the harness, its caller and the child on another vCPU is an
  // emulated interrupt, a wake-up of that thread and (on a busy host) a wait
  // for a host CPU. With one a case took 3.1 ms against 13.6 ms with two
  // (the 6.12 kernel, an eighth of the catalogue, load average 11), the
  // records the same; and the harness does not spin (wire.hpp) with one CPU.
  // cryptomgr.notests: the crypto algorithms' self-tests at boot, which
  // nothing here uses, cost 0.9 s of a 5.1 s boot on 6.12 under TCG and
  // 0.4 s of 3.1 s on 6.1 (the bare boot, three each, interleaved).
  std::string boot_note;
  const std::string kernel = kernel_to_load(t.vmlinuz, env.workdir, boot_note);
  OuterCommand cmd;
  cmd.program = *qemu;
  cmd.args = {"-accel", "tcg", "-cpu", "max", "-m", "1024", "-smp", "1", "-nodefaults", "-display", "none",
              "-no-reboot", "-kernel", kernel, "-initrd", initrd,
              "-append", "console=ttyS0 quiet panic=-1 cryptomgr.notests",
              "-serial", "file:" + console, "-serial", "file:" + records};
  cmd.workdir = env.workdir;
  cmd.timeout = env.timeout;
  cmd.stop_requested = env.stop_requested;
  // One vCPU, and the CPU the run lent this guest: qemu's threads stay there.
  cmd.cpu = env.cpu;
  const std::string implementation = qemu_version.get();
  auto ran = run_outer(cmd);
  TargetRun run;
  if (!ran) return not_started(ran.error().message);
  run.implementation = implementation;
  run.elapsed = ran->elapsed;
  run.log = "clonediff: " + boot_note + "\n" + sys::read_text_or_empty(console) + ran->err;
  InflatedRecords inflated = inflate_records(sys::read_text_or_empty(records));
  take_output(s, inflated.text, run);

  const auto marker = run.log.rfind(kGuestExitMarker);
  run.status = TargetRun::Status::failed;
  if (ran->end == OuterRun::End::stopped) {
    run.stopped = true;
    run.reason = "clonediff was asked to stop while the guest ran: it was killed";
  } else if (ran->end == OuterRun::End::timed_out) {
    run.reason = "the guest did not power off within " + std::to_string(env.timeout.count()) + " s";
  } else if (marker == std::string::npos) {
    run.reason = "the guest ended without finishing the run (qemu exit status " + std::to_string(ran->exit_code) + ")";
  } else {
    const int status = std::atoi(run.log.c_str() + marker + std::string_view(kGuestExitMarker).size());
    if (status == 0 || status == 1)
      run.status = TargetRun::Status::ran;  // 1: some case did not match; the host judges anyway
    else
      run.reason = "clonediff in the guest exited with status " + std::to_string(status);
  }
  // A run that finished sent its whole stream: a cut or corrupt one fails it.
  if (run.status == TargetRun::Status::ran && !inflated.problem.empty()) {
    run.status = TargetRun::Status::failed;
    run.reason = inflated.problem;
  }
  fail_on_broken_results(run);
  if (run.status == TargetRun::Status::failed) {
    const std::string tail = log_tail(run.log);
    run.reason += tail.empty() ? "; the console is empty" : "; the console's last lines:\n" + tail;
  }
  return run;
}

}  // namespace clonediff::targets
