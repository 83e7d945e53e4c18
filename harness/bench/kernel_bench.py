#!/usr/bin/env python3
"""Each kernel target's boot plus the whole catalogue, beside the same kernel
booting alone, in one run (ci/bench).

For each image: `clonediff run --target kernel:IMAGE` over the whole
catalogue (target <= 15 s), as it runs with every CPU of the machine (a
guest per CPU, each a shard: harness/targets/guest_parts.hpp) and on one CPU
(`taskset`: one guest), and the bare boot: qemu as the kernel target starts
it (kernel_target.cpp; keep the arguments in step): the kernel unpacked from
the bzImage and loaded through its PVH entry (vmlinux_payload.hpp; here with
Debian's zstd, lz4 and gzip tools), with an init that powers off at once (a
static busybox). The one-CPU run less the boot is what the
catalogue costs in one guest. Runs interleaved, the median of each; the load average
before and after is printed, as other work on the machine shows in both.
--check: a missed target exits 1. Needs root, qemu-system-x86_64 and a static
busybox.
"""

import argparse
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

# kernel_target.cpp's qemu, without the records' port.
QEMU_ARGS = ["-accel", "tcg", "-cpu", "max", "-m", "1024", "-smp", "1", "-nodefaults", "-display", "none",
             "-no-reboot", "-append", "console=ttyS0 quiet panic=-1 cryptomgr.notests"]


def newc(entries):
    """An uncompressed newc cpio of (path, mode, data) entries."""
    out = bytearray()

    def entry(name, mode, data, ino):
        name_b = name.encode() + b"\0"
        header = "070701" + "".join(f"{v:08x}" for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        out.extend(header.encode() + name_b)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for ino, (name, mode, data) in enumerate(entries, 1):
        entry(name, mode, data, ino)
    entry("TRAILER!!!", 0, b"", 0)
    return bytes(out)


def bare_initramfs(path):
    """/init: a script that powers the machine off at once, run by a static busybox."""
    busybox = shutil.which("busybox")
    if not busybox:
        sys.exit("kernel_bench: needs a static busybox (Debian package busybox-static)")
    with open(busybox, "rb") as f:
        bb = f.read()
    script = b"#!/bin/busybox sh\n/bin/busybox poweroff -f\n"
    with open(path, "wb") as f:
        f.write(newc([("bin", 0o40755, b""), ("dev", 0o40755, b""), ("bin/busybox", 0o100755, bb),
                      ("init", 0o100755, script)]))


def unpacked_kernel(image, path):
    """The kernel a bzImage carries, unpacked to `path`, as the kernel target
    boots it; the bzImage itself where it cannot be (said why)."""
    with open(image, "rb") as f:
        data = f.read()
    setup_sects = data[0x1f1] or 4
    offset, length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + offset
    packed = data[start:start + length - 4]  # less the size the build appends
    tools = {b"\x28\xb5\x2f\xfd": ["zstd", "-dcq"], b"\x02\x21\x4c\x18": ["lz4", "-dcq"], b"\x1f\x8b": ["gzip", "-dcq"]}
    tool = next((t for magic, t in tools.items() if packed.startswith(magic)), None)
    if data[0x202:0x206] != b"HdrS" or not tool or not shutil.which(tool[0]):
        print(f"  note: {image} boots as a bzImage here (no unpacker for its payload)")
        return image
    with open(path, "wb") as out:
        done = subprocess.run(tool, input=packed, stdout=out, stderr=subprocess.DEVNULL)
    # The zstd tool complains of the bytes after the frame; the ELF is whole.
    with open(path, "rb") as f:
        if f.read(4) != b"\x7fELF":
            print(f"  note: {image} boots as a bzImage here ({tool[0]} gave no ELF, status {done.returncode})")
            return image
    return path


def timed(argv, out_path):
    with open(out_path, "w") as out:
        start = time.monotonic()
        status = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT).returncode
        took = time.monotonic() - start
    if status != 0:
        with open(out_path) as f:
            sys.exit(f"kernel_bench: {' '.join(argv[:3])} failed ({status}):\n{f.read()[-2000:]}")
    return took


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clonediff", required=True)
    p.add_argument("--kernel", action="append", required=True, help="a vmlinuz (repeatable)")
    p.add_argument("--repeat", type=int, default=1, help="runs of each, the median kept (default 1)")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args()
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        sys.exit("kernel_bench: needs qemu-system-x86_64 (Debian package qemu-system-x86)")
    missed = False
    with tempfile.TemporaryDirectory(prefix="clonediff-kernel-bench-") as work:
        initrd = f"{work}/bare.cpio"
        bare_initramfs(initrd)
        print(f"kernel targets (load average {load()} before)")
        cpus = len(os.sched_getaffinity(0))
        print(f"  {'kernel':40} {'boot alone':>10} {'1 CPU':>8} {'ms/case':>8} {f'{cpus} CPUs':>8}  target <= 15 s")
        for image in args.kernel:
            boots, singles, runs, cases = [], [], [], 0
            run_argv = [args.clonediff, "run", "--quiet", "--target", f"kernel:{image}"]
            kernel = unpacked_kernel(image, f"{work}/vmlinux")
            for n in range(args.repeat):
                boots.append(timed([qemu, *QEMU_ARGS, "-kernel", kernel, "-initrd", initrd,
                                    "-serial", f"file:{work}/console"], f"{work}/boot.out"))
                singles.append(timed(["taskset", "-c", str(min(os.sched_getaffinity(0))), *run_argv],
                                     f"{work}/single.out"))
                records = f"{work}/records{n}.jsonl"
                runs.append(timed([*run_argv, "--json", records], f"{work}/run.out"))
                with open(records) as f:
                    cases = sum(1 for _ in f)
            boot, single, run = (statistics.median(x) for x in (boots, singles, runs))
            ok = run <= 15
            missed |= not ok
            name = os.path.basename(image).removeprefix("vmlinuz-")
            per_case = (single - boot) / cases * 1000 if cases else 0
            print(f"  {name:40} {boot:9.1f}s {single:7.1f}s {per_case:8.2f} {run:7.1f}s  "
                  f"{'ok' if ok else 'MISSED'} ({cases} cases)")
        print(f"  load average {load()} after")
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
