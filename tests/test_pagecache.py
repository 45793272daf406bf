"""The page cache over block devices (kernel/mm/filemap.c, page-writeback.c, kernel/block/
bdev_cache.c) in QEMU, through `blk cwrite`/`blk cread` (cached) and `blk read` (the device):

- cached writes stay in the cache until `sync`, then the device has exactly the pattern
  (xorshift64*, CRC vs zlib);
- the writeback thread writes them without a sync (waited for by polling `blk cache`, never
  timed);
- on ATA disks, `sync` + poweroff, writes without sync + poweroff (poweroff syncs), and rmmod ata
  with dirty pages all leave exactly the expected bytes in the host's image files;
- test_memhog.ko asks for more pages than are free: clean cached pages are evicted for it, dirty
  ones are kept, and reads after eviction return the written data;
- a RAM disk whose writes fail (fail_write=): sync says -EIO once per sync, the data stays
  dirty and readable, background writeback reports it once, rmmod reports the loss, no oops.
"""

import os
import re
import time
import zlib

import pytest

from test_ata import HDA_SECTORS, drive, xorshift_pattern

SECTOR = 512
CRC = re.compile(r"crc32 0x([0-9a-f]{8})")
WAIT_WRITEBACK = 120  # s: the thread writes within ~10 s (5 s expiry + 5 s period); be generous


def crc_of(machine, command):
    out = machine.run(command, timeout=300)
    match = CRC.search(out)
    assert match, f"{command}: no CRC in {out!r}"
    return int(match.group(1), 16)


def pattern_crc(seed, count):
    return zlib.crc32(xorshift_pattern(seed, count * SECTOR))


def cache_row(machine, dev):
    """(cached, dirty, writeback) pages of dev from `blk cache`."""
    for line in machine.run("blk cache").splitlines():
        fields = line.split()
        if fields and fields[0] == dev:
            return int(fields[1]), int(fields[2]), int(fields[3])
    raise AssertionError(f"{dev} not in blk cache")


def cache_totals(machine):
    out = machine.run("blk cache")
    match = re.search(r"total: (\d+) pages cached, (\d+) dirty, (\d+) writeback, (\d+) clean",
                      out)
    assert match, out
    return tuple(int(g) for g in match.groups())


def wait_clean(machine, dev):
    """Polls `blk cache` (no sync) until dev has no dirty page."""
    deadline = time.monotonic() + WAIT_WRITEBACK
    while cache_row(machine, dev)[1] != 0:
        assert time.monotonic() < deadline, f"the writeback thread did not clean {dev}"
        time.sleep(1)


def assert_healthy(machine):
    for bad in ("Kernel panic", "Oops", "BUG:", "WARNING:"):
        assert bad not in machine.text, bad


# ---- RAM disk ------------------------------------------------------------------------------

def test_cached_writes_reach_the_device_on_sync(boot_machine, default_iso):
    m = boot_machine(default_iso)
    m.run("insmod /lib/modules/ramdisk.ko rd_size=4096")
    assert crc_of(m, "blk read ram0 3 21") == zlib.crc32(bytes(21 * SECTOR))
    assert crc_of(m, "blk cwrite ram0 3 21 5") == pattern_crc(5, 21)
    assert cache_row(m, "ram0")[1] >= 1
    # The device has not seen it yet (unless the thread was quick); the cache has.
    assert crc_of(m, "blk cread ram0 3 21") == pattern_crc(5, 21)
    assert m.run("sync").strip() == ""
    assert cache_row(m, "ram0")[1] == 0
    assert crc_of(m, "blk read ram0 3 21") == pattern_crc(5, 21)
    # Sector 2 and 24 (same pages, outside the write) were kept: the partial pages were read.
    assert crc_of(m, "blk read ram0 0 3") == zlib.crc32(bytes(3 * SECTOR))
    assert crc_of(m, "blk read ram0 24 8") == zlib.crc32(bytes(8 * SECTOR))
    # A large write, then the writeback thread alone.
    assert crc_of(m, "blk cwrite ram0 100 3000 7") == pattern_crc(7, 3000)
    wait_clean(m, "ram0")
    assert crc_of(m, "blk read ram0 100 3000") == pattern_crc(7, 3000)
    assert crc_of(m, "blk cread ram0 100 3000") == pattern_crc(7, 3000)
    # Removal with dirty pages: written back first, nothing reported lost.
    m.run("blk cwrite ram0 5000 64 9")
    out = m.run("rmmod ramdisk")
    assert "removed" in out and "lost" not in out
    assert_healthy(m)


def test_memory_pressure_evicts_clean_pages(boot_machine, default_iso):
    m = boot_machine(default_iso)
    m.run("insmod /lib/modules/ramdisk.ko rd_size=98304")  # 96 MiB, pages on first write
    m.run("blk write ram0 0 2048 3")                      # 1 MiB on the device
    assert crc_of(m, "blk cread ram0 0 131072") is not None  # 64 MiB of clean cached pages
    m.run("sync")
    m.run("blk cwrite ram0 150000 2048 4")               # 1 MiB dirty (or being written)
    cached = cache_totals(m)[0]
    assert cached >= 16384
    free_kb = int(re.search(r"MemFree:\s+(\d+) kB", m.run("mem")).group(1))
    want = free_kb // 4 + 8192                            # 32 MiB more than is free
    out = m.run(f"insmod /lib/modules/test_memhog.ko pages={want}", timeout=300)
    got = re.search(r"allocated (\d+) of (\d+) pages; page cache evicted (\d+)", out)
    assert got, out
    assert int(got.group(1)) == want and int(got.group(3)) > 0, out
    assert cache_totals(m)[0] < cached
    # Evicted data comes back from the device; the dirty write is intact.
    assert crc_of(m, "blk cread ram0 0 2048") == pattern_crc(3, 2048)
    assert crc_of(m, "blk cread ram0 150000 2048") == pattern_crc(4, 2048)
    m.run("sync")
    assert crc_of(m, "blk read ram0 150000 2048") == pattern_crc(4, 2048)
    m.run("rmmod test_memhog")
    assert_healthy(m)


def test_write_errors_keep_data_dirty(boot_machine, default_iso):
    m = boot_machine(default_iso)
    m.run("insmod /lib/modules/ramdisk.ko rd_size=1024 fail_write=1000")
    assert crc_of(m, "blk cwrite ram0 1000 8 3") == pattern_crc(3, 8)  # cached: no error yet
    for _ in range(2):
        out = m.run("sync")
        assert out.count("sync: ram0:") == 1, out
        assert "sync: ram0: write failed (-5)" in out, out
        assert cache_row(m, "ram0")[1] == 1
        assert crc_of(m, "blk cread ram0 1000 8") == pattern_crc(3, 8)
    # Background writeback skips a failed page; a fresh failure is reported once.
    m.run("blk cwrite ram0 1016 8 4")
    m.wait_for(lambda text: "writeback: ram0: write failed" in text, WAIT_WRITEBACK,
               "the background write error")
    time.sleep(12)  # two more writeback periods: no second report
    m.run("echo")
    assert m.text.count("writeback: ram0: write failed") == 1
    assert "sync: ram0: write failed" in m.run("sync")
    # Writes below the failing sector still work alongside.
    m.run("blk cwrite ram0 8 8 5")
    m.run("sync")
    assert crc_of(m, "blk read ram0 8 8") == pattern_crc(5, 8)
    out = m.run("rmmod ramdisk")
    assert "dirty pages lost" in out and "removed" in out, out
    assert_healthy(m)


def test_bad_cached_requests(boot_machine, default_iso):
    m = boot_machine(default_iso)
    m.run("insmod /lib/modules/ramdisk.ko rd_size=64 readonly=1")
    assert "past the end" in m.run("blk cread ram0 120 16")
    assert "read-only" in m.run("blk cwrite ram0 0 1 1")
    assert "extra argument" in m.run("sync now")
    assert_healthy(m)


# ---- ATA disks -----------------------------------------------------------------------------

@pytest.fixture
def ata_disk(tmp_path):
    path = tmp_path / "hda.img"
    data = os.urandom(HDA_SECTORS * SECTOR)
    path.write_bytes(data)
    return path, bytearray(data)


def apply(expect, start, count, seed):
    expect[start * SECTOR:(start + count) * SECTOR] = xorshift_pattern(seed, count * SECTOR)


def test_ata_sync_writeback_and_poweroff(boot_machine, default_iso, ata_disk):
    path, expect = ata_disk
    m = boot_machine(default_iso, extra_args=["-boot", "d"] + drive(path, 0))
    writes = [(0, 1, 21), (7, 3, 22), (250, 300, 23), (HDA_SECTORS - 9, 9, 24)]
    for start, count, seed in writes:
        assert crc_of(m, f"blk cwrite hda {start} {count} {seed}") == pattern_crc(seed, count)
        apply(expect, start, count, seed)
    m.run("sync")
    # The writeback thread: no sync, but the device has it once the cache is clean.
    m.run("blk cwrite hda 4000 500 25")
    apply(expect, 4000, 500, 25)
    wait_clean(m, "hda")
    assert crc_of(m, "blk read hda 4000 500") == pattern_crc(25, 500)
    # Left dirty: poweroff writes it.
    m.run("blk cwrite hda 9000 77 26")
    apply(expect, 9000, 77, 26)
    m.send_line("poweroff")
    m.wait_exit()
    assert path.read_bytes() == bytes(expect)


def test_ata_rmmod_writes_back(boot_machine, default_iso, ata_disk):
    path, expect = ata_disk
    m = boot_machine(default_iso, extra_args=["-boot", "d"] + drive(path, 0))
    m.run("blk cwrite hda 123 456 31")
    apply(expect, 123, 456, 31)
    out = m.run("rmmod ata")
    assert "hda: removed" in out and "lost" not in out, out
    m.send_line("poweroff")
    m.wait_exit()
    assert path.read_bytes() == bytes(expect)
    assert_healthy(m)
