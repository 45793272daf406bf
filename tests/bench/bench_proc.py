"""Process figures: the getpid round trip (ns), fork + exit + wait and fork + execve + exit +
wait (us), and pipe throughput from a child to its parent (MiB/s), measured by one static musl
program (tests/user/procbench.c, /bin/procbench in Keel's initrd) in Keel and in the reference
Linux guest (Debian's kernel) under the same QEMU (TCG, -M pc, 256 MiB, one CPU), with the
Keel/Linux ratios. Each system times itself with its own CLOCK_MONOTONIC. Figures only:
nothing here fails on timing."""

import re
import shutil
import sys

import benchlib
import linuxguest
from benchlib import keel

PROGRAM = keel.ROOT / keel.BUILD / "user" / "procbench"
LINE = re.compile(r"^(getpid|fork\+exit\+wait|fork\+execve\+exit|pipe) (\d+\.\d+) (\S+)\s*$",
                  re.M)
# For each figure: True when larger is better (the ratio is then Keel/Linux, else Linux/Keel,
# so a ratio above 1 always means Keel does better).
HIGHER_IS_BETTER = {"getpid": False, "fork+exit+wait": False, "fork+execve+exit": False,
                    "pipe": True}
COMMAND_TIMEOUT = 600


def parse(text, figures, units):
    for m in LINE.finditer(text):
        figures.setdefault(m.group(1), []).append(float(m.group(2)))
        units[m.group(1)] = m.group(3)


def measure(machine, command, runs):
    figures, units = {}, {}
    for _ in range(runs):
        out = machine.run(command, timeout=COMMAND_TIMEOUT)
        before = len(figures.get("pipe", []))
        parse(out, figures, units)
        if len(figures.get("pipe", [])) == before:
            raise keel.KeelError(f"{command}: no figures in {out!r}")
    return figures, units


def keel_figures(runs):
    directory = benchlib.workdir("proc")
    machine = keel.Machine(benchlib.default_iso(), directory)
    try:
        machine.start()
        machine.wait_prompt()
        return measure(machine, "run /bin/procbench", runs)
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)


def linux_figures(runs):
    extra = benchlib.workdir("proc-linux-extra")
    try:
        shutil.copy(PROGRAM, extra / "procbench")
        kernel, initrd = linuxguest.prepare(extra)
    finally:
        shutil.rmtree(extra, ignore_errors=True)
    try:
        machine = linuxguest.boot(kernel, initrd, "proc-linux")
    except keel.KeelError as error:
        raise linuxguest.Unavailable(f"the guest did not boot: {error}") from None
    try:
        return measure(machine, "/extra/procbench", runs)
    except keel.KeelError as error:
        raise linuxguest.Unavailable(f"the guest did not answer: {error}") from None
    finally:
        machine.close()
        shutil.rmtree(machine.workdir, ignore_errors=True)


def print_figures(system, figures, units):
    for name, values in figures.items():
        benchlib.report(f"proc {system} {name}", values, units[name], "{:.1f}")


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    runs = max(1, min(5, benchlib.RUNS))
    try:
        keel_results, units = keel_figures(runs)
    except keel.KeelError as error:
        print(f"bench_proc: {error}", file=sys.stderr)
        return 1
    print_figures("Keel", keel_results, units)
    try:
        linux_results, linux_units = linux_figures(runs)
    except linuxguest.Unavailable as why:
        print(f"proc Linux comparison: not measured ({why})", flush=True)
        return 0
    print_figures("Linux", linux_results, linux_units)
    for name, values in keel_results.items():
        if name not in linux_results:
            continue
        k, lx = median(values), median(linux_results[name])
        ratio = k / lx if HIGHER_IS_BETTER[name] else lx / k
        print(f"proc {name} Keel/Linux: {ratio:.2f}x (above 1: Keel faster)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
