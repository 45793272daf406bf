"""ahci.ko in QEMU on -M q35 (ICH9 AHCI at 00:1f.2, autoloaded by its class 01:06:01).

One shared machine, booted from the ISO on the AHCI CD (port 2), with:
  port 0  sda  8 MiB of random bytes behind QEMU's blkdebug, which fails every read of
               sector ERROR_SECTOR (the error path: one line, port recovery, -EIO)
  port 1  sdb  an MBR disk whose first partition (sdb1) is FAT32 with two files, then random
               bytes in a second partition (sdb2)
  port 2  sr0  the boot CD (ATAPI)
  port 3  sr1  an empty CD drive (-ENOMEDIUM, no hang)
The guest's `blk read` CRC32s must equal zlib's of the host images; `blk write` patterns
(xorshift64*) must be in the images byte for byte after sync and poweroff, nothing else
changed. Everything on -M pc is tests/test_ata.py's.
"""

import os
import re
import subprocess
import zlib

import pytest

from conftest import SharedMachine, shared_machine_fixture
from atadev import make_iso
from fatimg import make_disk, make_partition, put_tree
from test_ata import xorshift_pattern

SECTOR = 512
CD_SECTOR = 2048
SDA_SECTORS = 16384
ERROR_SECTOR = 1000
FAT32_SECTORS = 70 * 1024  # mkfs.fat: FAT32 needs at least 65525 clusters
CRC = re.compile(r"crc32 0x([0-9a-f]{8})")
FILES = {"hello.txt": b"hello from an AHCI disk\n", "big.bin": os.urandom(300 * 1024 + 7)}
BLKDEBUG = f"""[inject-error]
event = "read_aio"
errno = "5"
sector = "{ERROR_SECTOR}"
once = "off"
"""


def read_ranges(sectors):
    """(start, count): ends, page and 64/128 KiB crossings, ranges past one command's bounce
    buffer (256 sectors), large ones."""
    return [(0, 1), (0, 8), (1, 3), (7, 9), (sectors - 1, 1), (sectors - 8, 8), (255, 2),
            (250, 300), (2000, 4000), (sectors - 700, 700)]


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    root = tmp_path_factory.mktemp("ahci-images")
    sda = root / "sda.img"
    sda.write_bytes(os.urandom(SDA_SECTORS * SECTOR))
    part = make_partition(root / "fat32.part", 32, FAT32_SECTORS, 1)
    put_tree(part, FILES, root)
    filler = root / "filler.part"
    filler.write_bytes(os.urandom(4096 * SECTOR))
    sdb = root / "sdb.img"
    _, starts = make_disk(sdb, [part, filler])
    conf = root / "blkdebug.conf"
    conf.write_text(BLKDEBUG)
    return {"sda": sda, "sdb": sdb, "conf": conf, "starts": starts,
            "bytes": {"sda": sda.read_bytes(), "sdb": sdb.read_bytes()}, "writes": []}


@pytest.fixture(scope="module")
def _q35_holder(default_iso, images, tmp_path_factory):
    extra = ["-drive", f"if=none,id=d0,format=raw,file=blkdebug:{images['conf']}:{images['sda']}",
             "-device", "ide-hd,drive=d0,bus=ide.0",
             "-drive", f"if=none,id=d1,format=raw,file={images['sdb']}",
             "-device", "ide-hd,drive=d1,bus=ide.1",
             "-drive", "if=none,id=cd1", "-device", "ide-cd,drive=cd1,bus=ide.3"]
    holder = SharedMachine(default_iso, tmp_path_factory.mktemp("shared-ahci"), machine="q35",
                           extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def q35(request, _q35_holder):
    yield from shared_machine_fixture(request, _q35_holder)


def guest_crc(machine, command):
    out = machine.run(command, timeout=120)
    match = CRC.search(out)
    assert match, f"{command}: no CRC in {out!r}"
    return int(match.group(1), 16)


def host_crc(data, start, count, sector=SECTOR):
    return zlib.crc32(data[start * sector:(start + count) * sector])


def test_uefi_boot(boot_machine, default_iso, images, tmp_path):
    """OVMF on q35: the firmware leaves the HBA differently; the HBA reset makes it alike."""
    disk = tmp_path / "disk.img"
    disk.write_bytes(images["bytes"]["sda"])
    m = boot_machine(default_iso, mode="uefi-cd", machine="q35",
                     extra_args=["-drive", f"if=none,id=d0,format=raw,file={disk}",
                                 "-device", "ide-hd,drive=d0,bus=ide.4"])
    listing = m.run("ahci")
    assert re.search(r"(?m)^\s+4 \S+ Gb/s disk\s+sda\s+QEMU", listing), listing
    assert re.search(r"(?m)^\s+2 \S+ Gb/s cdrom\s+sr0\s+QEMU", listing), listing
    data = images["bytes"]["sda"]
    assert guest_crc(m, "blk read sda 100 700") == host_crc(data, 100, 700)


def test_timeout_resets_the_port(boot_machine, default_iso, images, tmp_path):
    """QEMU's I/O throttling (8 KiB/s) makes a 64 KiB read outlast the 5 s command timeout:
    one line, COMRESET, -EIO; once the throttle's debt is paid, reads work again."""
    disk = tmp_path / "slow.img"
    disk.write_bytes(images["bytes"]["sda"])
    m = boot_machine(default_iso, machine="q35",
                     extra_args=["-drive", f"if=none,id=d0,format=raw,file={disk},"
                                 "throttling.bps-read=8192",
                                 "-device", "ide-hd,drive=d0,bus=ide.0"])
    out = m.run("blk read sda 0 512", timeout=120)  # 64 KiB chunks; the first is a burst
    assert re.search(r"ahci: sda: READ DMA EXT lba \d+ timed out \(5000 ms\)", out), out
    assert "Input/output error" in out
    m.run("sleep 15", timeout=60)
    data = images["bytes"]["sda"]
    assert guest_crc(m, "blk read sda 100 8") == host_crc(data, 100, 8)


def test_detected_and_numbered(q35):
    assert re.search(r"ahci: 0000:00:1f\.2: AHCI 1\.0, 6 ports", q35.boot_text)
    listing = q35.run("ahci")
    assert all(len(line) <= 80 for line in listing.splitlines())
    irqs = re.search(r"0000:00:1f\.2: (\d+) interrupts on IRQ (\d+)\n", listing)
    assert irqs and int(irqs.group(1)) > 0, listing  # completions came by interrupt
    for port, kind, name in ((0, "disk", "sda"), (1, "disk", "sdb"), (2, "cdrom", "sr0"),
                             (3, "cdrom", "sr1")):
        assert re.search(rf"(?m)^\s+{port} \S+ Gb/s {kind}\s+{name}\s+QEMU", listing), listing
    assert "no medium" in listing
    parts = q35.run("cat /proc/partitions")
    for major, minor, name in ((8, 0, "sda"), (8, 16, "sdb"), (8, 17, "sdb1"), (8, 18, "sdb2"),
                               (11, 0, "sr0")):
        assert re.search(rf"(?m)^\s+{major}\s+{minor}\s+\d+ {name}$", parts), parts
    assert {"sda", "sdb", "sdb1", "sdb2", "sr0", "sr1"} <= set(q35.run("ls /dev").split())


@pytest.mark.parametrize("dev", ["sda", "sdb"])
def test_read_crcs(q35, images, dev):
    data = images["bytes"][dev]
    sectors = len(data) // SECTOR
    for start, count in read_ranges(sectors):
        if dev == "sda" and start <= ERROR_SECTOR < start + count:
            continue
        assert guest_crc(q35, f"blk read {dev} {start} {count}") == \
            host_crc(data, start, count), (dev, start, count)


def test_one_8mib_request(q35, images):
    """`ahci read` hands the driver 8 MiB in one contiguous buffer: one command, two PRDs."""
    crc = host_crc(images["bytes"]["sdb"], 0, 16384)
    out = q35.run("ahci read sdb 0 16384", timeout=120)
    assert f"sdb: 16384 sectors at 0 in 1 command(s): crc32 0x{crc:08x}" in out, out
    out = q35.run("ahci read sdb 100 9000", timeout=120)
    assert f"crc32 0x{host_crc(images['bytes']['sdb'], 100, 9000):08x}" in out, out
    assert "no AHCI disk" in q35.run("ahci read sr0 0 1")


def test_boot_cd_through_atapi(q35, default_iso, tmp_path):
    iso = default_iso.read_bytes()
    sectors = len(iso) // CD_SECTOR
    for start, count in ((0, 1), (16, 4), (sectors - 3, 3), (100, 70)):
        assert guest_crc(q35, f"blk read sr0 {start} {count}") == \
            host_crc(iso, start, count, CD_SECTOR)
    cfg = tmp_path / "grub.cfg"
    subprocess.run(["xorriso", "-indev", str(default_iso), "-osirrox", "on", "-extract",
                    "/boot/grub/grub.cfg", str(cfg)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    grub = cfg.read_bytes()
    q35.run("mkdir /mnt/cd")
    out = q35.run("mount -t iso9660 /dev/sr0 /mnt/cd")
    assert "iso9660: sr0: mounted" in out and "error" not in out.lower(), out
    out = q35.run("crc32 /mnt/cd/boot/grub/grub.cfg")
    assert f"{zlib.crc32(grub):08x}" in out, out
    assert q35.run("umount /mnt/cd").strip() == ""


def test_empty_cd_drive_then_a_medium(q35, tmp_path):
    out = q35.run("blk read sr1 0 1")
    assert "sr1: No medium found" in out
    assert "sr1" not in q35.run("cat /proc/partitions")
    iso = make_iso(tmp_path / "inserted.iso", 300 * 1024)
    q35.qmp().execute("blockdev-change-medium", device="cd1", filename=str(iso), format="raw",
                      **{"read-only-mode": "read-only"})
    data = iso.read_bytes()
    sectors = len(data) // CD_SECTOR
    out = q35.run(f"blk read sr1 0 {sectors}")  # opening revalidates: the new size
    assert CRC.search(out) and int(CRC.search(out).group(1), 16) == zlib.crc32(data), out


def test_failed_read_is_reported_and_the_port_recovers(q35, images):
    out = q35.run(f"blk read sda {ERROR_SECTOR - 2} 8")
    assert re.search(rf"ahci: sda: READ DMA EXT lba {ERROR_SECTOR - 2} failed: status "
                     r"0x[0-9a-f]{2} error 0x04", out), out
    assert "Input/output error" in out
    data = images["bytes"]["sda"]
    assert guest_crc(q35, "blk read sda 0 64") == host_crc(data, 0, 64)


def test_fat32_partition(q35):
    q35.run("mkdir /mnt/f")
    assert q35.run("mount -t vfat /dev/sdb1 /mnt/f").strip() == ""
    for name, data in FILES.items():
        out = q35.run(f"crc32 /mnt/f/{name}")
        assert f"{zlib.crc32(data):08x}" in out, out
    assert "in use" in q35.run("rmmod ahci").lower()  # the mounted disk pins the driver
    assert q35.run("umount /mnt/f").strip() == ""


def test_rmmod_and_modprobe(q35, images):
    q35.run("rmmod ahci")
    assert not {"sda", "sdb", "sr0"} & set(q35.run("ls /dev").split())
    assert "sda" not in q35.run("lsblk")
    q35.run("modprobe ahci")
    assert {"sda", "sdb", "sdb1", "sr0", "sr1"} <= set(q35.run("ls /dev").split())
    data = images["bytes"]["sdb"]
    assert guest_crc(q35, "blk read sdb 300 500") == host_crc(data, 300, 500)


def test_polling_without_the_interrupt(q35, images):
    q35.run("rmmod ahci")
    out = q35.run("modprobe ahci polling=1")
    assert "polling=1: commands complete by polling" in out, out
    listing = q35.run("ahci")
    assert re.search(r"0 interrupts on IRQ \d+ \(polling\)", listing), listing
    data = images["bytes"]["sdb"]
    for start, count in ((0, 1), (250, 300)):
        assert guest_crc(q35, f"blk read sdb {start} {count}") == host_crc(data, start, count)
    q35.run("rmmod ahci")
    q35.run("modprobe ahci")
    assert "(polling)" not in q35.run("ahci")


def test_writes_reach_the_images(q35, images):
    """Last test of the machine: raw and cached writes, sync, poweroff, then the host."""
    writes = [("sda", 0, 1, 21), ("sda", 7, 9, 22), ("sda", 300, 129, 23),
              ("sda", 2048, 1500, 24), ("sda", SDA_SECTORS - 3, 3, 25),
              ("sdb", images["starts"][2] + 10, 700, 26)]
    for dev, start, count, seed in writes:
        crc = guest_crc(q35, f"blk write {dev} {start} {count} {seed}")
        assert crc == zlib.crc32(xorshift_pattern(seed, count * SECTOR))
    q35.run("blk cwrite sda 5000 33 27")  # through the page cache: reaches the disk on sync
    writes.append(("sda", 5000, 33, 27))
    q35.run("sync")
    q35.send_line("poweroff")
    q35.wait_exit(120)
    for dev in ("sda", "sdb"):
        expect = bytearray(images["bytes"][dev])
        for wdev, start, count, seed in writes:
            if wdev == dev:
                expect[start * SECTOR:(start + count) * SECTOR] = \
                    xorshift_pattern(seed, count * SECTOR)
        assert images[dev].read_bytes() == bytes(expect), dev
