"""Checker of the "nullblk" exercise (docs/drivers.md#exercises): a module nullblk.ko
registering a block device null0 without storage (512-byte sectors, `sectors` of them, 2048
by default): reads return zeros, writes succeed and are forgotten. Checked through the block
layer's own commands: lsblk, `blk read` (zlib CRC-32 of what was read), `blk write`."""

import re
import zlib

import exlib

EXERCISE = exlib.Exercise(
    "nullblk", "docs/drivers.md#exercises", command="blk", module="nullblk",
    what="write a module nullblk.ko registering the block device null0")

SECTOR = 512
READ = re.compile(r"^null0: read sectors (\d+)-(\d+) \((\d+) bytes\) crc32 0x([0-9a-f]{8})$",
                  re.M)


def lsblk_null0(machine):
    """(sectors, sector size, read-only) of null0 from lsblk, or None when it is absent."""
    out = machine.run("lsblk")
    match = re.search(r"^null0\s+\S+\s+(\d+)\s+(\d+)\s+([01])\s", out, re.M)
    return tuple(int(g) for g in match.groups()) if match else None


def read_crc(machine, start, count):
    out = machine.run(f"blk read null0 {start} {count}")
    match = READ.search(out)
    assert match, f"`blk read null0 {start} {count}` printed {out!r}"
    first, last, size = (int(g) for g in match.groups()[:3])
    assert (first, last, size) == (start, start + count - 1, count * SECTOR), out
    return int(match.group(4), 16)


def zeros_crc(count):
    return zlib.crc32(bytes(count * SECTOR))


def test_loads(machine, exercise):
    exlib.insmod(machine, exercise)


def test_listed(machine):
    assert lsblk_null0(machine) == (2048, SECTOR, 0), \
        f"lsblk should list null0: 2048 sectors of 512 bytes, writable:\n{machine.run('lsblk')}"


def test_reads_zeros(machine):
    for start, count in ((0, 8), (1, 1), (2040, 8), (0, 2048)):
        assert read_crc(machine, start, count) == zeros_crc(count), \
            f"sectors {start}-{start + count - 1} of null0 should read as zeros"


def test_writes_are_forgotten(machine):
    out = machine.run("blk write null0 0 16 7")
    assert re.search(r"^null0: wrote sectors 0-15 ", out, re.M), \
        f"writes to null0 should succeed: {out!r}"
    assert read_crc(machine, 0, 16) == zeros_crc(16), "after a write, null0 still reads zeros"


def test_end_of_device(machine):
    out = machine.run("blk read null0 2047 2")
    assert "past the end" in out and not READ.search(out), \
        f"reading past sector 2047 should be refused by the block layer: {out!r}"


def test_unloads(machine, exercise):
    exlib.rmmod_clean(machine, exercise)
    assert lsblk_null0(machine) is None, "null0 should go away with the module"


def test_sectors_parameter(machine, exercise):
    exlib.insmod(machine, exercise, "sectors=100")
    assert lsblk_null0(machine) == (100, SECTOR, 0), \
        f"with sectors=100 null0 has 100 sectors:\n{machine.run('lsblk')}"
    assert read_crc(machine, 92, 8) == zeros_crc(8)
    exlib.rmmod_clean(machine, exercise)
