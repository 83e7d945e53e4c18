#!/usr/bin/env python3
"""The host catalogue's cost, side by side in one run (ci/bench).

- `clonediff run` over the cases the bare baseline makes (bare_catalogue: the
  same calls in the same contexts, no observation, no model) beside that
  baseline, as a ratio (target <= 1.5), runs interleaved, the median of each;
  both keep each chain of calls on one CPU, moved when it is crowded
  (probes/sys/one_cpu.hpp), so the ratio compares like with like;
- the whole catalogue's time and the max RSS of its run;
- predictions per second of the model over the catalogue (predict_rate);
- all of it again with two CPU-bound processes beside it (`yes >/dev/null`,
  twice): clonediff's time under load over its idle time (target <= 3), and
  the bare baseline's, which clonediff's must not exceed.
--check: a missed target exits 1. Needs root.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv, out_path):
    """(seconds, max RSS in KiB, exit status) of one run, its output in out_path."""
    with open(out_path, "w") as out:
        start = time.monotonic()
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(p.pid, 0)
        took = time.monotonic() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        with open(out_path) as f:
            sys.exit(f"catalogue_bench: {' '.join(argv[:2])} failed ({p.returncode}):\n{f.read()[-2000:]}")
    return took, usage.ru_maxrss


def filters_for(ids):
    """--filter patterns selecting exactly `ids`: each id's part up to its suite, and '*'."""
    prefixes = sorted({i[: i.index("sweep/") + len("sweep/")] for i in ids})
    return [a for p in prefixes for a in ("--filter", p + "*")]


class Burners:
    """Two CPU-bound processes for the length of a `with`."""

    def __enter__(self):
        self.procs = [subprocess.Popen(["yes"], stdout=subprocess.DEVNULL) for _ in range(2)]
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()


def measure(args, work, filters, label):
    """{name: median seconds} of the bare baseline, clonediff on its cases and
    the whole catalogue, interleaved; and the full run's max RSS."""
    times = {"bare": [], "same": [], "full": []}
    rss = 0
    for n in range(args.repeat):
        times["bare"].append(timed([args.bare], f"{work}/bare-{label}{n}")[0])
        times["same"].append(timed([args.clonediff, "run", *filters], f"{work}/same-{label}{n}")[0])
        took, kib = timed([args.clonediff, "run"], f"{work}/full-{label}{n}")
        times["full"].append(took)
        rss = max(rss, kib)
    return {k: statistics.median(v) for k, v in times.items()}, rss


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clonediff", required=True)
    p.add_argument("--bare", required=True, help="the bare_catalogue binary")
    p.add_argument("--predict", required=True, help="the predict_rate binary")
    p.add_argument("--repeat", type=int, default=3, help="runs of each, the median kept (default 3)")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("catalogue_bench: needs root (clonediff run and the baseline build caller contexts)")
    if args.repeat < 1:
        p.error("--repeat takes a count from 1")

    ids = subprocess.run([args.bare, "--list"], stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    filters = filters_for(ids)
    listed = subprocess.run([args.clonediff, "run", "--list", *filters], stdout=subprocess.PIPE, text=True,
                            check=True).stdout.split()
    if sorted(listed) != sorted(ids):
        sys.exit(f"catalogue_bench: clonediff selects {len(listed)} cases for the baseline's {len(ids)}")
    total = len(subprocess.run([args.clonediff, "run", "--list"], stdout=subprocess.PIPE, text=True,
                               check=True).stdout.split())

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="clonediff-bench-") as work:
        predictions = subprocess.run([args.predict], stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
        idle, rss = measure(args, work, filters, "idle")
        with Burners():
            loaded, _ = measure(args, work, filters, "loaded")

    same_ratio = idle["same"] / idle["bare"]
    load_ratio = loaded["full"] / idle["full"]
    bare_load_ratio = loaded["bare"] / idle["bare"]
    same_load_ratio = loaded["same"] / idle["same"]
    cpus = len(os.sched_getaffinity(0))
    print(f"host catalogue on this machine ({cpus} CPUs; load average {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after), median of {args.repeat}:")
    print(f"  {len(ids)} of {total} cases (the bare baseline's): clonediff {idle['same']:.2f} s, "
          f"bare calls {idle['bare']:.2f} s: ratio {same_ratio:.2f} (target <= 1.5)")
    print(f"  whole catalogue ({total} cases): {idle['full']:.2f} s, max RSS {rss / 1024:.1f} MiB")
    print(f"  model: {predictions}")
    print("  beside two CPU-bound processes (yes >/dev/null, twice):")
    print(f"    whole catalogue {loaded['full']:.2f} s: {load_ratio:.2f}x idle (target <= 3)")
    print(f"    baseline's cases: clonediff {loaded['same']:.2f} s ({same_load_ratio:.2f}x idle), "
          f"bare calls {loaded['bare']:.2f} s ({bare_load_ratio:.2f}x idle; target: clonediff's at most this)")
    met = same_ratio <= 1.5 and load_ratio <= 3.0 and same_load_ratio <= bare_load_ratio
    print(f"  targets {'met' if met else 'MISSED'}")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
