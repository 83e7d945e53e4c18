#!/usr/bin/env python3
"""Every target at once, as ci/targets runs them (ci/bench).

One `clonediff run` over the whole catalogue on this kernel, each cached
kernel (qemu, TCG), gVisor and qemu-user, with their baselines: the run's
seconds (target <= 60 s) and each target's own time, as the run's table
gives them. The run must pass: a failed run is no measurement. What cannot
run here (runsc, qemu-x86_64 or qemu-system-x86_64 missing) is said and the
measurement skipped.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clonediff", required=True)
    p.add_argument("--kernel", action="append", required=True, help="a vmlinuz (repeatable)")
    p.add_argument("--baselines", required=True, help="the folder of gvisor.txt and qemu-user.txt")
    p.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = p.parse_args()
    missing = [prog for prog in ("qemu-system-x86_64", "runsc", "qemu-x86_64") if not shutil.which(prog)]
    if missing:
        print(f"all targets at once: skipped, {', '.join(missing)} not installed (ci/setup targets)")
        return 0
    argv = [args.clonediff, "run", "--target", "host"]
    for image in args.kernel:
        argv += ["--target", f"kernel:{image}"]
    argv += ["--target", "gvisor", "--target", "qemu-user",
             "--baseline", f"gvisor={args.baselines}/gvisor.txt",
             "--baseline", f"qemu-user={args.baselines}/qemu-user.txt"]
    with tempfile.TemporaryDirectory(prefix="clonediff-targets-bench-") as work:
        argv += ["--json", f"{work}/results.jsonl"]
        with open("/proc/loadavg") as f:
            before = " ".join(f.read().split()[:3])
        start = time.monotonic()
        ran = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        took = time.monotonic() - start
    if ran.returncode != 0:
        sys.exit(f"targets_bench: the run failed ({ran.returncode}):\n{ran.stdout[-3000:]}")
    ok = took <= 60
    print(f"all targets at once ({len(args.kernel) + 3} targets, load average {before} before): "
          f"{took:.1f} s  {'ok' if ok else 'MISSED'} (target <= 60 s)")
    # The run's own table: each target's line, as it printed it.
    for line in ran.stdout.splitlines():
        if re.match(r"  (host|kernel:[^/\s]+|gvisor|qemu-user) +\d+ +\d+ +\d+ +\d+ +[\d.]+ s ", line):
            print("  " + line.strip())
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
