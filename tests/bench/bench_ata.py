"""ATA disk throughput: sequential read and write of a 64 MiB raw image (primary master, -M pc,
TCG) with PIO and with bus master DMA, timed inside the guest (`ata bench`, ktime around 128 KiB
requests; writes include the final cache flush), and the DMA/PIO ratio. PIO moves every word
through an emulated I/O port, so it is far slower under TCG; PIO gets fewer runs for that."""

import re
import shutil
import sys

import benchlib
from benchlib import keel

IMAGE_MIB = 64
RATE = re.compile(r"(\w+): (read|wrote) (\d+) MiB in (\d+) ms: (\d+\.\d) MiB/s \((pio|dma)\)")
PIO_RUNS = max(1, min(2, benchlib.RUNS))
COMMAND_TIMEOUT = 600


def measure(machine, mode, what, runs):
    machine.run(f"ata mode hda {mode}")
    rates = []
    for _ in range(runs):
        out = machine.run(f"ata bench hda {what} {IMAGE_MIB}", timeout=COMMAND_TIMEOUT)
        match = RATE.search(out)
        if not match or match.group(6) != mode:
            raise keel.KeelError(f"ata bench hda {what} ({mode}): unexpected output {out!r}")
        rates.append(float(match.group(5)))
    return rates


def main():
    iso = benchlib.default_iso()
    directory = benchlib.workdir("ata")
    image = directory / "disk.img"
    with open(image, "wb") as f:
        f.truncate(IMAGE_MIB << 20)
    machine = keel.Machine(iso, directory, mode="bios-cd", extra_args=[
        "-boot", "d", "-drive", f"file={image},format=raw,if=ide,index=0"])
    results = {}
    try:
        machine.start()
        machine.wait_prompt()
        for mode, runs in (("dma", benchlib.RUNS), ("pio", PIO_RUNS)):
            for what in ("read", "write"):
                results[(mode, what)] = measure(machine, mode, what, runs)
    except keel.KeelError as error:
        print(f"bench_ata: {error}", file=sys.stderr)
        return 1
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)
    for what in ("read", "write"):
        for mode in ("pio", "dma"):
            benchlib.report(f"ata {what} {IMAGE_MIB} MiB {mode.upper()}", results[(mode, what)],
                            "MiB/s", "{:.1f}")
        pio = sorted(results[("pio", what)])[len(results[("pio", what)]) // 2]
        dma = sorted(results[("dma", what)])[len(results[("dma", what)]) // 2]
        print(f"ata {what} DMA/PIO ratio: {dma / pio:.1f}x" if pio else
              f"ata {what} DMA/PIO ratio: n/a", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
