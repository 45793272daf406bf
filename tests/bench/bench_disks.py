"""Disk throughput side by side: sequential read and write of a 64 MiB raw image on NVMe
(nvme.ko, -M q35), AHCI (ahci.ko, the same q35 machine), a USB stick (usb-storage.ko behind
xhci.ko, the same machine again) and IDE with bus master DMA (ata.ko,
-M pc), all timed inside the guest by `blk bench` (128 KiB requests through the block layer
into each driver, from one contiguous buffer; writes include the final cache flush), TCG."""

import re
import shutil
import sys

import benchlib
from benchlib import keel

IMAGE_MIB = 64
RATE = re.compile(r"(\w+): (read|wrote) (\d+) MiB in (\d+) ms: (\d+\.\d) MiB/s")
COMMAND_TIMEOUT = 600


def measure(machine, dev, what):
    rates = []
    for _ in range(benchlib.RUNS):
        out = machine.run(f"blk bench {dev} {what} {IMAGE_MIB}", timeout=COMMAND_TIMEOUT)
        match = RATE.search(out)
        if not match or match.group(1) != dev:
            raise keel.KeelError(f"blk bench {dev} {what}: unexpected output {out!r}")
        rates.append(float(match.group(5)))
    return rates


def image(directory, name):
    path = directory / name
    with open(path, "wb") as f:
        f.truncate(IMAGE_MIB << 20)
    return path


def run_machine(directory, name, machine, extra, devices, results):
    m = keel.Machine(benchlib.default_iso(), directory / name, machine=machine,
                     extra_args=extra)
    try:
        m.start()
        m.wait_prompt()
        for label, dev in devices:
            for what in ("read", "write"):
                results[(label, what)] = measure(m, dev, what)
    finally:
        m.close()


def main():
    directory = benchlib.workdir("disks")
    results = {}
    try:
        nvme, sata, stick, ide = (image(directory, n)
                                  for n in ("nvme.img", "sata.img", "stick.img", "ide.img"))
        run_machine(directory, "q35", "q35", [
            "-drive", f"if=none,id=nv0,format=raw,file={nvme}",
            "-device", "nvme,serial=bench,drive=nv0",
            "-drive", f"if=none,id=s0,format=raw,file={sata}",
            "-device", "ide-hd,drive=s0,bus=ide.0",
            "-device", "qemu-xhci", "-drive", f"if=none,id=u0,format=raw,file={stick}",
            "-device", "usb-storage,drive=u0"],
            (("nvme", "nvme0n1"), ("ahci", "sda"), ("usb-storage", "sdb")), results)
        run_machine(directory, "pc", "pc", [
            "-drive", f"file={ide},format=raw,if=ide,index=0"], (("ata dma", "hda"),), results)
    except keel.KeelError as error:
        print(f"bench_disks: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    for what in ("read", "write"):
        for label in ("nvme", "ahci", "usb-storage", "ata dma"):
            benchlib.report(f"{label} sequential {what} {IMAGE_MIB} MiB", results[(label, what)],
                            "MiB/s", "{:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
