"""Networking figures for each NIC Keel has a driver for (e1000, e1000e, rtl8139,
virtio-net-pci), and the same from Debian's Linux in the reference guest on the same QEMU
device (-M pc, TCG, user network with restrict=on). One boot per guest and NIC, Keel then
Linux for each NIC in turn (both see about the same load on a shared machine), measures:

- ping round trip to the user network's gateway (10.0.2.2, answered by QEMU itself): after
  one echo that is not counted (it waits for ARP, and QEMU's e1000 holds the first frames
  after `ip link set up` for a second), both guests print busybox's summary line
  (`round-trip min/avg/max = ...`); the average of PINGS echoes is one run's figure;
- TCP throughput with nc, TCP_MIB MiB each way per run between the guest and a host program on
  127.0.0.1 (tests/bench/nettcp.py) through hostfwd, the guest's nc listening: guest->host
  sends a file of random bytes (dd from /dev/urandom into RAM), host->guest saves what the host
  sends into a RAM file. The host times the transfer itself; a run counts only when the bytes
  check out (the guest's `crc32` or `sha256sum` of its file equals the host's), else its
  failure is printed instead of a number.
"""

import hashlib
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from typing import Callable

import benchlib
import linuxguest
import nettcp
from benchlib import keel

PINGS = 8
TCP_MIB = 16
RUNS = max(1, min(3, benchlib.RUNS))
NC_TIMEOUT = 180  # seconds for an nc command to end once its transfer is done
# QEMU device -> Linux modules that drive it (dependencies are loaded with them)
# (8139too leaves QEMU's RTL8139C+ to 8139cp.)
NICS = {"e1000": "e1000", "e1000e": "e1000e", "rtl8139": "8139cp",
        "virtio-net-pci": "virtio_pci virtio_net"}
SUMMARY = re.compile(r"round-trip min/avg/max = [\d.]+/([\d.]+)/[\d.]+ ms")
DIGEST = re.compile(r"^([0-9a-f]{8}|[0-9a-f]{64}) ", re.M)
# Guest ports: run r listens on UP + r to send and DOWN + r to receive. A fresh port per run,
# as the side that closes first keeps the old connection in TIME_WAIT.
UP, DOWN = 5100, 5200
BLOB, RECEIVED = "/tmp/blob", "/tmp/recv"  # on ramfs in Keel, rootfs in the Linux guest
FIGURES = (("ping", "ping RTT", "ms"), ("up", "TCP guest->host", "MiB/s"),
           ("down", "TCP host->guest", "MiB/s"))


@dataclass
class Side:
    """What differs between the two guests: commands, file names, checksum."""
    name: str
    setup: tuple
    listen: str                   # nc listening on {port}
    checksum: str                 # command printing {path}'s digest first
    hasher: Callable              # the same digest on the host


KEEL = Side("Keel", ("modprobe lwip", "ip link set eth0 up", "ip addr add 10.0.2.15/24 dev eth0"),
            "nc -l {port}", "crc32 {path}", nettcp.Crc32)
LINUX = Side("Linux", ("ip link set eth0 up", "ip addr add 10.0.2.15/24 dev eth0"),
             "nc -l -p {port}", "sha256sum {path}", hashlib.sha256)


@dataclass
class Figures:
    """One guest's figures for one NIC; failed runs are kept as messages."""
    values: dict = field(default_factory=lambda: {key: [] for key, _, _ in FIGURES})
    failures: list = field(default_factory=list)


def median(values):
    return sorted(values)[len(values) // 2]


def port_pairs():
    """(host, guest) ports for every run and direction."""
    return [(nettcp.free_port(), base + run) for base in (UP, DOWN) for run in range(RUNS)]


def nic_args(model, ports):
    return ["-nic", "none", "-netdev", f"user,id=n0,restrict=on{nettcp.hostfwd(ports)}",
            "-device", f"{model},netdev=n0"]


def average_rtt(machine):
    out = machine.run(f"ping -c {PINGS} 10.0.2.2", timeout=120)
    match = SUMMARY.search(out)
    if not match:
        raise keel.KeelError(f"ping: no summary in {out!r}")
    return float(match.group(1))


def guest_digest(machine, side, path):
    command = side.checksum.format(path=path)
    out = machine.run(command, timeout=NC_TIMEOUT)
    match = DIGEST.search(out)
    if not match:
        raise nettcp.TransferError(f"{command}: {out.strip()!r}")
    return match.group(1)


def start_nc(machine, command):
    """Types the command and waits for its echo; the host then connects (retrying while the
    listener is not up yet). Returns where the command's output starts."""
    machine.pos = len(machine.text)
    machine.send_line(command)
    return machine.expect(re.escape(command)).end()


def end_nc(machine, command, start):
    """Waits for the guest's nc to end; it must have printed nothing (errors otherwise)."""
    try:
        match = machine.wait_prompt(timeout=NC_TIMEOUT)
    except keel.KeelError:
        raise nettcp.TransferError(f"`{command}` did not end") from None
    out = machine.text[start:match.start()].strip()
    if out:
        raise nettcp.TransferError(f"`{command}` said {out!r}")


def guest_to_host(machine, side, host_port, guest_port, blob_digest):
    command = side.listen.format(port=guest_port) + f" < {BLOB}"
    start = start_nc(machine, command)
    hasher = side.hasher()
    total, rate = nettcp.receive(host_port, hasher)
    end_nc(machine, command, start)
    if total != TCP_MIB << 20 or hasher.hexdigest() != blob_digest:
        raise nettcp.TransferError(f"got {total} bytes, digest {hasher.hexdigest()}, "
                                   f"the guest's file has {blob_digest}")
    return rate


def host_to_guest(machine, side, host_port, guest_port):
    data = os.urandom(TCP_MIB << 20)
    command = side.listen.format(port=guest_port) + f" > {RECEIVED}"
    start = start_nc(machine, command)
    rate = nettcp.send(host_port, data)
    end_nc(machine, command, start)
    got, expected = guest_digest(machine, side, RECEIVED), side.hasher(data).hexdigest()
    if got != expected:
        raise nettcp.TransferError(f"the guest's copy has digest {got}, sent {expected}")
    return rate


def measure_tcp(machine, side, ports, figures):
    """RUNS transfers each way; stops at the first failure (the guest's state is unknown)."""
    machine.run(f"dd if=/dev/urandom of={BLOB} bs=1M count={TCP_MIB}", timeout=NC_TIMEOUT)
    up, down = ports[:RUNS], ports[RUNS:]
    run = 0
    try:
        blob_digest = guest_digest(machine, side, BLOB)
        for run in range(RUNS):
            figures.values["up"].append(guest_to_host(machine, side, *up[run], blob_digest))
            figures.values["down"].append(host_to_guest(machine, side, *down[run]))
    except (nettcp.TransferError, keel.KeelError) as error:
        figures.failures.append(f"TCP run {run + 1} of {RUNS} failed, no more runs: "
                                f"{str(error).splitlines()[0]}")


def measure(machine, side, ports):
    """Sets the guest's address up, then pings and transfers; returns Figures."""
    figures = Figures()
    for command in side.setup:
        machine.run(command)
    machine.run("ping -c 1 10.0.2.2", timeout=60)  # ARP, and e1000's first-frames delay
    figures.values["ping"] = [average_rtt(machine) for _ in range(RUNS)]
    measure_tcp(machine, side, ports, figures)
    return figures


def keel_figures(model):
    directory = benchlib.workdir(f"net-{model}")
    ports = port_pairs()
    machine = keel.Machine(benchlib.default_iso(), directory, mode="bios-cd",
                           extra_args=nic_args(model, ports))
    try:
        machine.start()
        machine.wait_prompt()
        return measure(machine, KEEL, ports)
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)


def linux_figures(model, kernel, initrd):
    ports = port_pairs()
    machine = linuxguest.LinuxMachine(kernel, initrd, benchlib.workdir(f"net-linux-{model}"),
                                      extra_args=nic_args(model, ports))
    try:
        machine.start()
        machine.wait_prompt()
        return measure(machine, LINUX, ports)
    except keel.KeelError as error:
        raise linuxguest.Unavailable(f"the guest did not answer: {error}") from None
    finally:
        machine.close()
        shutil.rmtree(machine.workdir, ignore_errors=True)


def report(side, model, figures):
    for key, what, unit in FIGURES:
        benchlib.report(f"net {side.name} {what} {model}", figures.values[key], unit)
    for failure in figures.failures:
        print(f"net {side.name} {model}: {failure}", flush=True)


def compare(model, keel_run, linux_run):
    for key, what, _ in FIGURES:
        mine, theirs = keel_run.values[key], linux_run.values[key]
        if not mine or not theirs:
            print(f"net {what} {model}: not compared (no figure on one side)", flush=True)
            continue
        better = "lower" if key == "ping" else "higher"
        print(f"net {what} {model}: Keel/Linux {median(mine) / median(theirs):.2f} "
              f"({better} is faster)", flush=True)


def cell(runs, key, fmt):
    values = runs.values[key] if runs else []
    return fmt.format(median(values)) if values else "-"


def ratio(keel_run, linux_run, key):
    if not keel_run.values[key] or not linux_run or not linux_run.values[key]:
        return "-"
    return f"{median(keel_run.values[key]) / median(linux_run.values[key]):.2f}"


def print_table(keel_runs, linux_runs):
    """The medians side by side (K/L: Keel/Linux; higher is faster for throughput)."""
    print(f"{'net medians':<15}{'ping RTT ms':>16}{'guest->host MiB/s':>22}"
          f"{'host->guest MiB/s':>22}")
    print(f"{'NIC':<15}" + f"{'Keel':>8}{'Linux':>8}" + f"{'Keel':>8}{'Linux':>8}{'K/L':>6}" * 2)
    for model, mine in keel_runs.items():
        theirs = linux_runs.get(model)
        row = f"{model:<15}{cell(mine, 'ping', '{:.3f}'):>8}{cell(theirs, 'ping', '{:.3f}'):>8}"
        for key in ("up", "down"):
            row += (f"{cell(mine, key, '{:.1f}'):>8}{cell(theirs, key, '{:.1f}'):>8}"
                    f"{ratio(mine, theirs, key):>6}")
        print(row, flush=True)


def linux_guest(extra):
    """(kernel, initrd) of the reference guest with the NICs' drivers, or None (says why)."""
    try:
        return linuxguest.prepare(extra, mods=" ".join(NICS.values()))
    except linuxguest.Unavailable as why:
        print(f"net Linux comparison: not measured ({why})", flush=True)
        return None


def linux_side(model, guest, linux_runs):
    """Linux's figures for one NIC into linux_runs; the guest (None from then on) when it
    cannot run."""
    if guest:
        try:
            linux_runs[model] = linux_figures(model, *guest)
            report(LINUX, model, linux_runs[model])
        except linuxguest.Unavailable as why:
            print(f"net Linux comparison: not measured ({why})", flush=True)
            return None
    return guest


def main():
    """Keel then Linux for each NIC in turn, so both see about the same machine load."""
    keel_runs, linux_runs = {}, {}
    extra = benchlib.workdir("net-linux-extra")
    try:
        guest = linux_guest(extra)
        for model in NICS:
            try:
                keel_runs[model] = keel_figures(model)
            except keel.KeelError as error:
                print(f"bench_net: {model}: {error}", file=sys.stderr)
                return 1
            report(KEEL, model, keel_runs[model])
            guest = linux_side(model, guest, linux_runs)
            if model in linux_runs:
                compare(model, keel_runs[model], linux_runs[model])
    finally:
        shutil.rmtree(extra, ignore_errors=True)
    print_table(keel_runs, linux_runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
