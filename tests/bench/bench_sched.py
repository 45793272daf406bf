"""Scheduler figures: context switch time between two kthreads, wake-up latency of a sleeping
thread woken from the timer interrupt, timer jitter and real sleep lengths, measured inside Keel
by bench_sched.ko's `schedbench` command (TSC via ktime_get_ns), and the nearest equivalents on
the reference Linux guest under the same QEMU (TCG, -M pc, 256 MiB, one CPU) by a static
program (tests/bench/linux/schedbench.c), with Keel/Linux ratios. Figures only: nothing here
fails on timing. Under TCG both kernels share the host with whatever else runs there, so the
tails (p99, max) move from run to run.

What is compared is not always the same thing, and the labels say so: Keel's switches are
between kernel threads, Linux's between user threads (futex or sched_yield system calls
included); Keel's wake-up latency starts in the timer callback, Linux's (cyclictest's) at the
hrtimer deadline, so it includes the interrupt entry Keel's figure leaves out.
"""

import re
import shutil
import statistics
import sys

import benchlib
import linuxguest
from benchlib import keel

HERE = keel.ROOT / "tests" / "bench"
# Keel prints "<key>: ...", the Linux program "schedbench: <key>: ...".
SWITCH = re.compile(r"([\w-]+): rounds=(\d+) elapsed=(\d+) per_switch=(\d+) ns")
DIST = re.compile(r"([\w-]+): n=(\d+) min=(-?\d+) median=(-?\d+) p99=(-?\d+) "
                  r"max=(-?\d+) ns")
MEAN = re.compile(r"([\w-]+)-mean: period=(\d+) mean_interval=(\d+) ns")
COMMAND_TIMEOUT = 300

SWITCH_KINDS = ("switch", "completion", "yield")
DIST_KINDS = ("wake", "wakebusy", "jitter", "msleep")
LABELS = {
    "switch": "switch, 2 threads passing a turn (Keel: wake_up_process+schedule; Linux: futex)",
    "completion": "switch, 2 kthreads passing completions",
    "pipe": "switch, 2 processes passing a byte through pipes",
    "yield": "switch, 2 runnable threads calling yield()/sched_yield()",
    "wake": "wake-up latency, idle CPU (Keel: timer callback -> thread; Linux: deadline -> "
            "thread)",
    "wakebusy": "wake-up latency, a CPU-bound thread running",
    "jitter-timer-1ms": "timer jitter |interval - 1 ms|, timer_list callback",
    "jitter-thread-1ms": "timer jitter |interval - 1 ms|, thread sleeping to absolute deadlines",
    "jitter-timer-10ms": "timer jitter |interval - 10 ms|, timer_list callback",
    "jitter-thread-10ms": "timer jitter |interval - 10 ms|, thread sleeping to absolute "
                          "deadlines",
    "msleep10": "msleep(10) / nanosleep(10 ms) real length",
    "usleep100": "usleep_range(100, 200) / nanosleep(100 us) real length",
}
# Keel/Linux ratios: (figure, statistic) pairs measured on both.
RATIOS = (("switch", "per_switch"), ("yield", "per_switch"), ("wake", "median"),
          ("wakebusy", "median"), ("jitter-thread-1ms", "p99"), ("jitter-thread-10ms", "p99"),
          ("msleep10", "median"), ("usleep100", "median"))


def parse(text, figures):
    """Adds every schedbench line in text to figures: switch kinds get a list of ns per
    switch (one per run), distributions a dict of their statistics."""
    for m in SWITCH.finditer(text):
        figures.setdefault(m.group(1), []).append(int(m.group(4)))
    for m in DIST.finditer(text):
        n, low, median, p99, high = (int(v) for v in m.group(2, 3, 4, 5, 6))
        figures[m.group(1)] = {"n": n, "min": low, "median": median, "p99": p99, "max": high}
    for m in MEAN.finditer(text):
        figures[m.group(1) + "-mean"] = int(m.group(3))


def measure(machine, command, switch_kinds, dist_kinds):
    figures = {}
    for kind in switch_kinds:
        for _ in range(benchlib.RUNS):
            parse(machine.run(f"{command} {kind}", timeout=COMMAND_TIMEOUT), figures)
    for kind in dist_kinds:
        parse(machine.run(f"{command} {kind}", timeout=COMMAND_TIMEOUT), figures)
    return figures


def measure_keel():
    iso = benchlib.default_iso()
    directory = benchlib.workdir("sched")
    machine = keel.Machine(iso, directory, mode="bios-cd")
    try:
        machine.start()
        machine.wait_prompt()
        out = machine.run("insmod /lib/modules/bench_sched.ko")
        if "schedbench: clocks:" not in machine.run("schedbench clocks"):
            raise keel.KeelError(f"insmod bench_sched.ko did not add schedbench: {out.strip()}")
        return measure(machine, "schedbench", SWITCH_KINDS, DIST_KINDS)
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)


def measure_linux():
    """Linux's figures, or raises linuxguest.Unavailable saying why they are missing."""
    extra = benchlib.workdir("sched-linux-extra")
    machine = None
    try:
        linuxguest.build_static(HERE / "linux" / "schedbench.c", extra / "schedbench")
        kernel, initrd = linuxguest.prepare(extra)
        machine = linuxguest.boot(kernel, initrd, "sched-linux")
        return measure(machine, "/extra/schedbench", ("switch", "pipe", "yield"), DIST_KINDS)
    except keel.KeelError as error:
        raise linuxguest.Unavailable(f"the guest did not answer: {error}") from None
    finally:
        if machine:
            machine.close()
            shutil.rmtree(machine.workdir, ignore_errors=True)
        shutil.rmtree(extra, ignore_errors=True)


def us(ns):
    return f"{ns / 1000:.1f}"


def print_figures(system, figures):
    for key, label in LABELS.items():
        value = figures.get(key)
        name = f"sched {system} {label}"
        if isinstance(value, list):
            benchlib.report(name, value, "ns", "{:.0f}")
        elif isinstance(value, dict) and value["n"]:
            mean = figures.get(key + "-mean")
            extra = f", mean interval {us(mean)} us" if mean else ""
            print(f"{name}: median {us(value['median'])} us, p99 {us(value['p99'])} us, "
                  f"max {us(value['max'])} us ({value['n']} samples{extra})", flush=True)


def statistic(figures, key, stat):
    value = figures.get(key)
    if isinstance(value, list):
        return statistics.median(value) if value else None
    return value.get(stat) if isinstance(value, dict) and value["n"] else None


def print_ratios(keel_figures, linux_figures):
    for key, stat in RATIOS:
        k, l = statistic(keel_figures, key, stat), statistic(linux_figures, key, stat)
        what = "ns per switch" if stat == "per_switch" else stat
        if k is None or not l:
            print(f"sched Keel/Linux {key} ({what}): n/a", flush=True)
            continue
        print(f"sched Keel/Linux {key} ({what}): {k / l:.2f}x "
              f"(Keel {us(k)} us, Linux {us(l)} us)", flush=True)


def main():
    try:
        keel_figures = measure_keel()
    except keel.KeelError as error:
        print(f"bench_sched: {error}", file=sys.stderr)
        return 1
    print_figures("Keel", keel_figures)
    try:
        linux_figures = measure_linux()
    except linuxguest.Unavailable as why:
        print(f"sched Linux comparison: not measured ({why})", flush=True)
        return 0
    print_figures("Linux", linux_figures)
    print_ratios(keel_figures, linux_figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
