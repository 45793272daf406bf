"""Ping round trip to QEMU's user-network gateway (10.0.2.2, answered by QEMU itself) through
each NIC Keel has a driver for, and the same through Debian's Linux in the reference guest on
the same QEMU device (-M pc, TCG, restrict=on). Both guests print busybox's summary line
(`round-trip min/avg/max = ...`); the average of PINGS echoes is one run's figure."""

import re
import shutil
import sys

import benchlib
import linuxguest
from benchlib import keel

PINGS = 20
# QEMU device -> Linux modules that drive it (dependencies are loaded with them)
# (8139too leaves QEMU's RTL8139C+ to 8139cp.)
NICS = {"e1000": "e1000", "e1000e": "e1000e", "rtl8139": "8139cp",
        "virtio-net-pci": "virtio_pci virtio_net"}
SUMMARY = re.compile(r"round-trip min/avg/max = [\d.]+/([\d.]+)/[\d.]+ ms")


def median(values):
    return sorted(values)[len(values) // 2]


def nic_args(model):
    return ["-nic", "none", "-netdev", "user,id=n0,restrict=on", "-device",
            f"{model},netdev=n0"]


def average_rtt(machine, setup):
    for command in setup:
        machine.run(command)
    out = machine.run(f"ping -c {PINGS} 10.0.2.2", timeout=120)
    match = SUMMARY.search(out)
    if not match:
        raise keel.KeelError(f"ping: no summary in {out!r}")
    return float(match.group(1))


KEEL_SETUP = ("modprobe lwip", "ip link set eth0 up", "ip addr add 10.0.2.15/24 dev eth0")
LINUX_SETUP = ("ip link set eth0 up", "ip addr add 10.0.2.15/24 dev eth0")


def keel_rtt(model):
    directory = benchlib.workdir(f"net-{model}")
    machine = keel.Machine(benchlib.default_iso(), directory, mode="bios-cd",
                           extra_args=nic_args(model))
    try:
        machine.start()
        machine.wait_prompt()
        return average_rtt(machine, KEEL_SETUP)
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)


def linux_rtt(model, kernel, initrd):
    machine = linuxguest.LinuxMachine(kernel, initrd, benchlib.workdir(f"net-linux-{model}"),
                                      extra_args=nic_args(model))
    try:
        machine.start()
        machine.wait_prompt()
        return average_rtt(machine, LINUX_SETUP)
    except keel.KeelError as error:
        raise linuxguest.Unavailable(f"the guest did not answer: {error}") from None
    finally:
        machine.close()
        shutil.rmtree(machine.workdir, ignore_errors=True)


def main():
    runs = max(1, min(3, benchlib.RUNS))
    keel_figures = {}
    for model in NICS:
        try:
            keel_figures[model] = [keel_rtt(model) for _ in range(runs)]
        except keel.KeelError as error:
            print(f"bench_net: {model}: {error}", file=sys.stderr)
            return 1
        benchlib.report(f"net Keel ping RTT {model}", keel_figures[model], "ms", "{:.3f}")
    extra = benchlib.workdir("net-linux-extra")
    try:
        kernel, initrd = linuxguest.prepare(extra, mods=" ".join(NICS.values()))
        for model in NICS:
            linux = [linux_rtt(model, kernel, initrd) for _ in range(runs)]
            benchlib.report(f"net Linux ping RTT {model}", linux, "ms", "{:.3f}")
            ratio = median(keel_figures[model]) / median(linux)
            print(f"net ping RTT {model}: Keel/Linux {ratio:.2f} (lower is faster)", flush=True)
    except linuxguest.Unavailable as why:
        print(f"net Linux comparison: not measured ({why})", flush=True)
    finally:
        shutil.rmtree(extra, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
