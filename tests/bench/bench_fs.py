"""Filesystem throughput: a 64 MiB file written (dd from /dev/zero, conv=fsync) and read back
warm (still cached) and cold (after umount and mount), and 1,000 small files created (then
sync), on FAT32 (vfat.ko) and ext2 (ext2.ko) images made by the host's mkfs on two IDE disks
(-M pc, TCG, bus master DMA). The same commands run in the reference Linux guest (Debian's
kernel with ata_piix, vfat and ext2, busybox dd and sh) under the same QEMU, and the
Keel/Linux ratios are printed. Times are wall-clock seconds from each guest's own clock."""

import re
import shutil
import subprocess
import sys

import benchlib
import linuxguest
from benchlib import keel

FILE_MIB = 64
FILES = 1000
DISK_MIB = 160
COMMAND_TIMEOUT = 900
KEEL_REAL = re.compile(r"^real (\d+\.\d+) s$", re.M)
# busybox time: "real\t0m 1.23s"
LINUX_REAL = re.compile(r"^real\s+(?:(\d+)h\s*)?(\d+)m\s*(\d+\.\d+)s$", re.M)
FILESYSTEMS = (("vfat", ["mkfs.fat", "-F", "32"]), ("ext2", ["mke2fs", "-q", "-F", "-t", "ext2",
                                                              "-b", "4096"]))


def make_disks(directory):
    disks = []
    for name, mkfs in FILESYSTEMS:
        image = directory / f"{name}.img"
        with open(image, "wb") as f:
            f.truncate(DISK_MIB << 20)
        subprocess.run(mkfs + [str(image)], check=True, stdout=subprocess.DEVNULL)
        disks.append(image)
    return disks


def drive_args(disks):
    args = []
    for index, image in enumerate(disks):
        args += ["-drive", f"file={image},format=raw,if=ide,index={index}"]
    return args


class Guest:
    """The commands each system runs, and how it prints its stopwatch."""

    def __init__(self, machine, linux):
        self.machine, self.linux = machine, linux

    def seconds(self, command):
        timed = f"time {command}" if not self.linux else f"time {command} 2>&1"
        out = self.machine.run(timed, timeout=COMMAND_TIMEOUT)
        if self.linux:
            match = LINUX_REAL.search(out)
            if not match:
                raise keel.KeelError(f"{timed}: no time in {out!r}")
            hours = int(match.group(1) or 0)
            return hours * 3600 + int(match.group(2)) * 60 + float(match.group(3))
        match = KEEL_REAL.search(out)
        if not match or "dd:" in out or "failed" in out:
            raise keel.KeelError(f"{timed}: unexpected output {out!r}")
        return float(match.group(1))

    def mount(self, device, fstype, directory):
        dev = f"/dev/{device}"
        out = self.machine.run(f"mount -t {fstype} {dev} {directory}")
        if out.strip():
            raise keel.KeelError(f"mount {dev}: {out!r}")

    def create_files(self, directory):
        if self.linux:
            loop = (f"i=1; while [ $i -le {FILES} ]; do echo x > {directory}/f$i; "
                    f"i=$((i+1)); done")
            return self.seconds(f"sh -c '{loop}'") + self.seconds("sync")
        return (self.seconds(f"repeat -q {FILES} echo x > {directory}/f{{}}") +
                self.seconds("sync"))


def measure_fs(guest, device, fstype):
    """{figure: value} for one filesystem on one disk."""
    mnt = f"/mnt/{fstype}"
    guest.machine.run(f"mkdir -p {mnt}")
    guest.mount(device, fstype, mnt)
    big = f"{mnt}/big"
    write = guest.seconds(f"dd if=/dev/zero of={big} bs=1M count={FILE_MIB} conv=fsync")
    warm = guest.seconds(f"dd if={big} of=/dev/null bs=1M")
    guest.machine.run(f"umount {mnt}")
    if guest.linux:
        guest.machine.run("echo 3 > /proc/sys/vm/drop_caches")
    guest.mount(device, fstype, mnt)
    cold = guest.seconds(f"dd if={big} of=/dev/null bs=1M")
    guest.machine.run(f"mkdir {mnt}/many")
    files = guest.create_files(f"{mnt}/many")
    guest.machine.run(f"umount {mnt}")
    return {f"{fstype} write": FILE_MIB / write, f"{fstype} read cold": FILE_MIB / cold,
            f"{fstype} read warm": FILE_MIB / warm, f"{fstype} {FILES} files": files}


def measure_all(guest):
    figures = {}
    for device, (fstype, _) in zip(("hda", "hdb") if not guest.linux else ("sda", "sdb"),
                                   FILESYSTEMS):
        figures.update(measure_fs(guest, device, fstype))
    return figures


def keel_run(disks):
    """One boot of Keel on freshly made images: its figures."""
    directory = benchlib.workdir("fs")
    machine = keel.Machine(benchlib.default_iso(), directory, mode="bios-cd",
                           extra_args=["-boot", "d"] + drive_args(disks))
    try:
        machine.start()
        machine.wait_prompt()
        for dev in ("hda", "hdb"):
            machine.run(f"ata mode {dev} dma")
        return measure_all(Guest(machine, linux=False))
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)


def linux_run(disks, kernel, initrd):
    machine = linuxguest.LinuxMachine(kernel, initrd, benchlib.workdir("fs-linux"),
                                      extra_args=drive_args(disks))
    try:
        machine.start()
        machine.wait_prompt()
        return measure_all(Guest(machine, linux=True))
    except keel.KeelError as error:
        raise linuxguest.Unavailable(f"the guest did not answer: {error}") from None
    finally:
        machine.close()
        shutil.rmtree(machine.workdir, ignore_errors=True)


def reset_disks(disks):
    """Fresh filesystems: every run, in either guest, starts from the same empty images (a
    guest is never running while they are remade: its caches would not know)."""
    for image, (_, mkfs) in zip(disks, FILESYSTEMS):
        subprocess.run(mkfs + [str(image)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def keel_figures(disks, runs):
    results = []
    for _ in range(runs):
        reset_disks(disks)
        results.append(keel_run(disks))
    return results


def linux_figures(disks, runs):
    extra = benchlib.workdir("fs-linux-extra")
    try:
        kernel, initrd = linuxguest.prepare(
            extra, mods="ata_piix sd_mod nls_cp437 nls_ascii vfat crc32c_generic ext2")
    finally:
        shutil.rmtree(extra, ignore_errors=True)
    results = []
    for _ in range(runs):
        reset_disks(disks)
        results.append(linux_run(disks, kernel, initrd))
    return results


def collect(results):
    names = list(results[0])
    return {name: [r[name] for r in results] for name in names}


def print_figures(system, figures):
    for name, values in figures.items():
        unit, fmt = ("s", "{:.2f}") if name.endswith("files") else ("MiB/s", "{:.1f}")
        benchlib.report(f"fs {system} {name}", values, unit, fmt)


def median(values):
    return sorted(values)[len(values) // 2]


def main():
    runs = max(1, min(3, benchlib.RUNS))
    directory = benchlib.workdir("fs-disks")
    try:
        disks = make_disks(directory)
        try:
            keel_results = collect(keel_figures(disks, runs))
        except keel.KeelError as error:
            print(f"bench_fs: {error}", file=sys.stderr)
            return 1
        print_figures("Keel", keel_results)
        try:
            linux_results = collect(linux_figures(disks, runs))
        except linuxguest.Unavailable as why:
            print(f"fs Linux comparison: not measured ({why})", flush=True)
            return 0
        print_figures("Linux", linux_results)
        for name, values in keel_results.items():
            k, lx = median(values), median(linux_results[name])
            # a ratio above 1 means Keel does better (rates higher, times lower)
            ratio = k / lx if not name.endswith("files") else lx / k
            print(f"fs {name} Keel/Linux: {ratio:.2f}x", flush=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
