"""Serial throughput of serial.ko in QEMU (TCG, bios-cd): host->guest and guest->host bytes/s
on COM2 (ttyS1, a unix socket chardev), 1 MiB per run, CRC32 checked; wall time on the host
from the command to the last byte. Figures only: nothing here fails on timing."""

import random
import shutil
import sys
import zlib

import benchlib
from benchlib import keel

sys.path.insert(0, str(keel.ROOT / "tests"))
import serialhost  # noqa: E402

BYTES = 1 << 20


def measure(machine, sockets):
    sock = serialhost.connect(sockets.socket("com2"))
    try:
        payload = random.randbytes(BYTES)
        count, crc, h2g_seconds = serialhost.guest_receives(machine, sock, "ttyS1", payload)
        if count != BYTES or crc != zlib.crc32(payload):
            raise keel.KeelError(f"host->guest: {count} bytes, crc32 {crc:08x} (want "
                                 f"{zlib.crc32(payload):08x})")
        data, crc, g2h_seconds = serialhost.guest_sends(machine, sock, "ttyS1", BYTES)
        if len(data) != BYTES or zlib.crc32(data) != crc:
            raise keel.KeelError(f"guest->host: {len(data)} bytes, crc32 mismatch")
    finally:
        sock.close()
    return BYTES / h2g_seconds, BYTES / g2h_seconds


def main():
    iso = benchlib.default_iso()
    sockets = serialhost.SocketDir()
    directory = benchlib.workdir("serial")
    machine = keel.Machine(iso, directory, mode="bios-cd",
                           extra_args=serialhost.chardev_args("com2", sockets.socket("com2")))
    h2g, g2h = [], []
    try:
        machine.start()
        machine.wait_prompt()
        for _ in range(benchlib.RUNS):
            into, out_of = measure(machine, sockets)
            h2g.append(into)
            g2h.append(out_of)
    except keel.KeelError as error:
        print(f"bench_serial: failed:\n{error}", file=sys.stderr)
        return 1
    finally:
        machine.close()
        sockets.close()
        shutil.rmtree(directory, ignore_errors=True)
    benchlib.report("serial host->guest (ttyS1, 1 MiB)", h2g, "bytes/s", "{:.0f}")
    benchlib.report("serial guest->host (ttyS1, 1 MiB)", g2h, "bytes/s", "{:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
