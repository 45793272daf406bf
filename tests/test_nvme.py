"""nvme.ko in QEMU (`-device nvme`, class 01:08:02, autoloaded by modules.alias).

One shared -M q35 machine with two controllers:
  00:04.0  nvme0  nvme0n1  16 MiB of random bytes behind QEMU's blkdebug, which fails every read
                           of block ERROR_LBA (the error path: one decoded line, -EIO); QEMU's
                           default MDTS of 512 KiB
  00:05.0  nvme1  nvme1n1  an sfdisk MBR image: nvme1n1p1 FAT16 with two files (made by
                           mkfs.fat), nvme1n1p2 random bytes, nvme1n1p3 ext2 (mke2fs -d, the
                           guest writes a file there, checked by debugfs); mdts=10: 4 MiB
                           commands, whose 1023 PRP entries take two chained list pages (QEMU
                           refuses more than 1024 pages in one command, so mdts=0 cannot show
                           8 MiB)
The guest's `blk read`/`nvme read`/`dd`+`crc32` CRC32s must equal zlib's of the host images;
`blk write` patterns (xorshift64*) must be in the images byte for byte after sync and poweroff.
Other machines: -M pc, OVMF, a throttled disk (timeout, reset, retry), controllers QEMU makes
with bad Identify data (no namespace, 8 KiB blocks, zero capacity, 2^49 blocks) and one that
never becomes ready (fault_not_ready=1).
"""

import os
import re
import zlib

import pytest

from conftest import SharedMachine, shared_machine_fixture
from fatimg import extract, make_disk, make_partition, put_tree
from test_ahci import guest_crc, host_crc
from test_ata import xorshift_pattern
from test_ext2 import debugfs, fsck, mkfs
import keel

SECTOR = 512
NV0_SECTORS = 32768
ERROR_LBA = 30000
FILES = {"hello.txt": b"hello from an NVMe namespace\n", "big.bin": os.urandom(300 * 1024 + 7)}
EXT2_FILES = {"notes.txt": b"ext2 on nvme1n1p3\n", "data.bin": os.urandom(200 * 1024 + 3)}
EXT2_KIB = 4096
BLKDEBUG = f"""[inject-error]
event = "read_aio"
errno = "5"
sector = "{ERROR_LBA}"
once = "off"
"""


def nvme_args(image, serial, addr, extra="", fmt="raw"):
    return ["-drive", f"if=none,id=nv{addr},format={fmt},file={image}",
            "-device", f"nvme,serial={serial},drive=nv{addr},addr={addr}{extra}"]


def read_ranges(sectors):
    """(start, count): ends, page crossings, two pages (PRP2), more (PRP lists), large."""
    return [(0, 1), (0, 8), (1, 3), (7, 9), (5, 16), (3, 17), (sectors - 1, 1),
            (sectors - 8, 8), (250, 300), (2000, 4000), (sectors - 700, 700)]


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    root = tmp_path_factory.mktemp("nvme-images")
    nv0 = root / "nv0.img"
    nv0.write_bytes(os.urandom(NV0_SECTORS * SECTOR))
    part = make_partition(root / "fat16.part", 16, 32768, 4)
    put_tree(part, FILES, root)
    filler = root / "filler.part"
    filler.write_bytes(os.urandom(20000 * SECTOR))
    tree = root / "ext2-tree"
    tree.mkdir()
    for name, data in EXT2_FILES.items():
        (tree / name).write_bytes(data)
    ext2 = root / "ext2.part"
    mkfs(ext2, tree, "1024", EXT2_KIB)
    nv1 = root / "nv1.img"
    _, starts = make_disk(nv1, [part, filler, ext2])
    conf = root / "blkdebug.conf"
    conf.write_text(BLKDEBUG)
    return {"nv0": nv0, "nv1": nv1, "conf": conf, "starts": starts,
            "bytes": {"nvme0n1": nv0.read_bytes(), "nvme1n1": nv1.read_bytes()}}


@pytest.fixture(scope="module")
def _q35_holder(default_iso, images, tmp_path_factory):
    extra = (nvme_args(f"blkdebug:{images['conf']}:{images['nv0']}", "deadbeef", 4) +
             nvme_args(images["nv1"], "cafe", 5, ",mdts=10"))
    holder = SharedMachine(default_iso, tmp_path_factory.mktemp("shared-nvme"), machine="q35",
                           extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def q35(request, _q35_holder):
    yield from shared_machine_fixture(request, _q35_holder)


def test_detected_and_numbered(q35):
    assert re.search(r'nvme: nvme0: 0000:00:04\.0: "QEMU NVMe Ctrl" serial deadbeef fw \S+, '
                     r'NVMe 1\.4, 512 KiB per command', q35.boot_text), q35.boot_text
    assert "nvme: nvme1: 0000:00:05.0" in q35.boot_text
    listing = q35.run("nvme")
    assert all(len(line) <= 80 for line in listing.splitlines()), listing
    irqs = re.search(r"nvme0 0000:00:04\.0: IRQ \d+, (\d+) interrupts", listing)
    assert irqs and int(irqs.group(1)) > 0, listing  # completions came by interrupt
    nvme_lines = [line for line in q35.run("cat /proc/interrupts").splitlines()
                  if line.split()[-1:] == ["nvme"]]
    assert len(nvme_lines) == 2 and all("PCI-MSIX" in line for line in nvme_lines), nvme_lines
    assert re.search(r"(?m)^\s+nvme0n1\s+1\s+512 QEMU NVMe Ctrl\s+16 MiB$", listing), listing
    parts = q35.run("cat /proc/partitions")
    for major, minor, name in ((259, 0, "nvme0n1"), (259, 1, "nvme1n1"), (259, 2, "nvme1n1p1"),
                               (259, 3, "nvme1n1p2"), (259, 4, "nvme1n1p3")):
        assert re.search(rf"(?m)^\s+{major}\s+{minor}\s+\d+ {name}$", parts), parts
    assert {"nvme0n1", "nvme1n1", "nvme1n1p1", "nvme1n1p2"} <= set(q35.run("ls /dev").split())
    assert "nvme" in q35.run("lsmod")


def test_shell_style(q35):
    """What tests/test_shell_style.py checks of every command, for one that exists only
    while nvme.ko is loaded."""
    assert "usage: nvme" in q35.run("help nvme")
    out = q35.run("nvme --bogus").strip().splitlines()
    assert len(out) == 1 and out[0].startswith("nvme: "), out
    for words in ("read", "read nvme0n1 0", "list extra words"):
        out = q35.run(f"nvme {words}")
        assert out.startswith("usage: nvme\n"), (words, out)
        assert not re.search(r"\[\s*\d+\.\d{6}\]", out), out


@pytest.mark.parametrize("dev", ["nvme0n1", "nvme1n1"])
def test_read_crcs(q35, images, dev):
    data = images["bytes"][dev]
    sectors = len(data) // SECTOR
    for start, count in read_ranges(sectors):
        if dev == "nvme0n1" and start <= ERROR_LBA < start + count:
            continue
        assert guest_crc(q35, f"blk read {dev} {start} {count}") == \
            host_crc(data, start, count), (dev, start, count)


def test_large_requests_and_prp_lists(q35, images):
    """8 MiB in one buffer: 16 commands of 512 KiB (one PRP list page each) on nvme0, two
    commands of 4 MiB with two chained PRP list pages each on nvme1 (mdts=10)."""
    data = images["bytes"]["nvme1n1"]
    out = q35.run("nvme read nvme1n1 0 16384", timeout=120)
    assert f"nvme1n1: 16384 blocks at 0 in 2 command(s): crc32 0x{host_crc(data, 0, 16384):08x}" \
        in out, out
    out = q35.run("nvme read nvme1n1 3 16381", timeout=120)
    assert f"in 2 command(s): crc32 0x{host_crc(data, 3, 16381):08x}" in out, out
    data = images["bytes"]["nvme0n1"]
    out = q35.run("nvme read nvme0n1 0 16384", timeout=120)
    assert f"in 16 command(s): crc32 0x{host_crc(data, 0, 16384):08x}" in out, out
    assert "no NVMe namespace" in q35.run("nvme read nvme1n1p1 0 1")
    assert "bad range" in q35.run(f"nvme read nvme0n1 {NV0_SECTORS - 1} 2")


def test_dd_with_1mib_blocks(q35, images):
    data = images["bytes"]["nvme0n1"]
    out = q35.run("dd if=/dev/nvme0n1 of=/tmp/nv.bin bs=1M count=5 skip=1", timeout=120)
    assert "5+0 records in" in out, out
    out = q35.run("crc32 /tmp/nv.bin")
    assert f"{zlib.crc32(data[1 << 20:6 << 20]):08x}" in out, out
    out = q35.run("crc32 /dev/nvme1n1p2", timeout=120)
    start = images["starts"][2]
    part = images["bytes"]["nvme1n1"][start * SECTOR:(start + 20000) * SECTOR]
    assert f"{zlib.crc32(part):08x}" in out, out
    q35.run("rm /tmp/nv.bin")


def test_failed_read_is_decoded(q35, images):
    out = q35.run(f"blk read nvme0n1 {ERROR_LBA - 2} 8")
    assert re.search(rf"nvme: nvme0n1: READ lba {ERROR_LBA - 2} failed: Unrecovered Read Error "
                     r"\(sct 2 sc 0x81", out), out
    assert "Input/output error" in out
    data = images["bytes"]["nvme0n1"]
    assert guest_crc(q35, "blk read nvme0n1 0 64") == host_crc(data, 0, 64)


def mount_and_check(machine, fstype, dev, files):
    """Mounts dev at /mnt/<dev> and compares each file's CRC32 with the host's; the mount
    point, still mounted."""
    mnt = f"/mnt/{dev}"
    machine.run(f"mkdir {mnt}")
    assert machine.run(f"mount -t {fstype} /dev/{dev} {mnt}").strip() == ""
    for name, data in files.items():
        out = machine.run(f"crc32 {mnt}/{name}")
        assert f"{zlib.crc32(data):08x}" in out, out
    return mnt


@pytest.mark.parametrize("fstype,dev", [("vfat", "nvme1n1p1"), ("ext2", "nvme1n1p3")])
def test_file_systems_on_partitions(q35, fstype, dev):
    """mkfs.fat's FAT16 and mke2fs's ext2; a file written to ext2 is checked after poweroff.
    A mounted namespace pins the driver."""
    mnt = mount_and_check(q35, fstype, dev, FILES if fstype == "vfat" else EXT2_FILES)
    assert "in use" in q35.run("rmmod nvme").lower()
    if fstype == "ext2":
        q35.run(f"echo written by keel > {mnt}/keel.txt")
    assert q35.run(f"umount {mnt}").strip() == ""


def test_polling_without_the_interrupt(q35, images):
    q35.run("rmmod nvme")
    out = q35.run("modprobe nvme polling=1")
    assert "polling=1: commands complete by polling" in out, out
    listing = q35.run("nvme")
    assert re.search(r"IRQ \d+ \(polling\), 0 interrupts", listing), listing
    data = images["bytes"]["nvme1n1"]
    for start, count in ((0, 1), (250, 300)):
        assert guest_crc(q35, f"blk read nvme1n1 {start} {count}") == \
            host_crc(data, start, count)
    q35.run("rmmod nvme")
    q35.run("modprobe nvme")
    assert "(polling)" not in q35.run("nvme")


def test_load_unload_100_times(q35, images):
    q35.run("rmmod nvme")
    q35.run("modprobe nvme")
    before = keel.parse_meminfo(q35.run("mem"))
    out = q35.run("repeat -q 100 rmmod nvme ; modprobe nvme", timeout=600)
    assert "error" not in out.lower() and "fail" not in out.lower(), out
    after = keel.parse_meminfo(q35.run("mem"))
    assert after["HeapUsed"] - before["HeapUsed"] < 1024, (before, after)
    assert before["MemFree"] - after["MemFree"] <= 64, (before, after)
    parts = q35.run("cat /proc/partitions")
    assert re.search(r"(?m)^\s+259\s+0\s+\d+ nvme0n1$", parts), parts  # numbers reused
    data = images["bytes"]["nvme1n1"]
    assert guest_crc(q35, "blk read nvme1n1 300 500") == host_crc(data, 300, 500)


def test_writes_reach_the_images(q35, images):
    """Last test of the machine: raw and cached writes, sync, poweroff, then the host."""
    writes = [("nvme0n1", 0, 1, 31), ("nvme0n1", 7, 9, 32), ("nvme0n1", 300, 129, 33),
              ("nvme0n1", 2048, 1500, 34), ("nvme0n1", NV0_SECTORS - 3, 3, 35),
              ("nvme1n1", images["starts"][2] + 10, 700, 36)]
    for dev, start, count, seed in writes:
        crc = guest_crc(q35, f"blk write {dev} {start} {count} {seed}")
        assert crc == zlib.crc32(xorshift_pattern(seed, count * SECTOR))
    q35.run("blk cwrite nvme0n1 5000 33 37")  # through the page cache: reaches it on sync
    writes.append(("nvme0n1", 5000, 33, 37))
    q35.run("sync")
    q35.send_line("poweroff")
    q35.wait_exit(120)
    ext2 = extract(images["nv1"], images["starts"][3], EXT2_KIB * 2, images["nv1"].parent /
                   "ext2.after")
    assert fsck(ext2).returncode == 0, fsck(ext2).stdout
    assert debugfs(ext2, "cat /keel.txt") == "written by keel\n"
    start3 = images["starts"][3] * SECTOR  # the ext2 partition changed: compared above
    images["bytes"]["nvme1n1"] = images["bytes"]["nvme1n1"][:start3] + ext2.read_bytes() + \
        images["bytes"]["nvme1n1"][start3 + EXT2_KIB * 1024:]
    for dev, name in (("nvme0n1", "nv0"), ("nvme1n1", "nv1")):
        expect = bytearray(images["bytes"][dev])
        for wdev, start, count, seed in writes:
            if wdev == dev:
                expect[start * SECTOR:(start + count) * SECTOR] = \
                    xorshift_pattern(seed, count * SECTOR)
        assert images[name].read_bytes() == bytes(expect), dev


@pytest.mark.parametrize("machine,mode", [("pc", "bios-cd"), ("q35", "uefi-cd")])
def test_other_machines_and_firmware(boot_machine, default_iso, images, tmp_path, machine, mode):
    """-M pc (i440FX, INTx through the PIIX) with SeaBIOS, and q35 with OVMF, whose NVMe
    driver leaves the controller enabled: the reset makes it alike."""
    disk = tmp_path / "disk.img"
    disk.write_bytes(images["bytes"]["nvme0n1"])
    m = boot_machine(default_iso, mode=mode, machine=machine,
                     extra_args=nvme_args(disk, "deadbeef", 6))
    listing = m.run("nvme")
    assert re.search(r"nvme0 0000:00:06\.0: IRQ \d+, [1-9]\d* interrupts", listing), listing
    data = images["bytes"]["nvme0n1"]
    assert guest_crc(m, "blk read nvme0n1 100 700") == host_crc(data, 100, 700)
    assert guest_crc(m, "nvme read nvme0n1 9 3000") == host_crc(data, 9, 3000)
    m.run("blk write nvme0n1 40 20 5")
    m.run("sync")
    m.send_line("poweroff")
    m.wait_exit(120)
    assert disk.read_bytes()[40 * SECTOR:60 * SECTOR] == xorshift_pattern(5, 20 * SECTOR)


def test_timeout_resets_the_controller(boot_machine, default_iso, images, tmp_path):
    """QEMU's I/O throttling (8 KiB/s) makes a 64 KiB read outlast io_timeout=2: one line,
    a controller reset, one retry, then -EIO; once the throttle's debt is paid, reads work."""
    disk = tmp_path / "slow.img"
    disk.write_bytes(images["bytes"]["nvme0n1"])
    m = boot_machine(default_iso, machine="q35", extra_args=[
        "-drive", f"if=none,id=nv6,format=raw,file={disk},throttling.bps-read=8192",
        "-device", "nvme,serial=slow,drive=nv6,addr=6"])
    m.run("rmmod nvme")
    m.run("modprobe nvme io_timeout=2")
    out = m.run("blk read nvme0n1 0 512", timeout=180)
    assert re.search(r"nvme: nvme0n1: READ lba \d+ timed out \(2000 ms\), resetting the "
                     r"controller", out), out
    assert "nvme: nvme0: controller reset" in out, out
    assert "Input/output error" in out, out
    assert re.search(r"[1-9]\d* resets", m.run("nvme"))
    m.run("sleep 20", timeout=60)
    data = images["bytes"]["nvme0n1"]
    assert guest_crc(m, "blk read nvme0n1 100 8") == host_crc(data, 100, 8)


def test_bad_identify_data_is_skipped(boot_machine, default_iso, tmp_path):
    """Controllers whose Identify data a block device cannot hold, made by QEMU itself: no
    namespace, 8 KiB blocks, zero capacity, 2^49 blocks. One line each, nothing registered,
    nothing left behind; rmmod works."""
    small = tmp_path / "small.img"
    small.write_bytes(bytes(1 << 20))
    zero = tmp_path / "zero.img"
    zero.write_bytes(b"")
    huge = "driver=null-co,size=288230376151711744,read-zeroes=on"
    m = boot_machine(default_iso, machine="q35", extra_args=[
        "-device", "nvme,serial=empty,addr=4",
        *nvme_args(small, "big-blocks", 5, ",logical_block_size=8192,physical_block_size=8192"),
        *nvme_args(zero, "zero", 6),
        "-drive", f"if=none,id=nv7,{huge}", "-device", "nvme,serial=huge,drive=nv7,addr=7"])
    text = m.boot_text
    assert "nvme: nvme0: no active namespaces, controller skipped" in text, text
    assert re.search(r"nvme: nvme0n1: skipped: LBA format \d+ has 2\^13-byte blocks \(512 to "
                     r"4096 supported\)", text), text
    assert "nvme: nvme0n1: skipped: zero capacity (nsze 0)" in text, text
    assert "nvme: nvme0n1: skipped: nsze 562949953421312 blocks is beyond 2^48" in text, text
    assert text.count("no usable namespace, controller skipped") == 3, text
    assert "nvme: no NVMe controller" in m.run("nvme")
    assert "nvme" not in m.run("cat /proc/partitions")
    before = keel.parse_meminfo(m.run("mem"))
    m.run("repeat -q 20 rmmod nvme ; modprobe nvme", timeout=300)
    after = keel.parse_meminfo(m.run("mem"))
    assert after["HeapUsed"] - before["HeapUsed"] < 1024, (before, after)
    assert before["MemFree"] - after["MemFree"] <= 64, (before, after)


def test_controller_never_ready(boot_machine, default_iso, images, tmp_path):
    """fault_not_ready=1 gives the controller an admin queue address off a page boundary,
    which QEMU refuses (CSTS.CFS, RDY stays 0): CAP.TO (7.5 s) later one line, the
    controller skipped, nothing left behind (three times: the 128 KiB bounce buffer or the
    controller's memory would show)."""
    disk = tmp_path / "disk.img"
    disk.write_bytes(images["bytes"]["nvme0n1"])
    m = boot_machine(default_iso, machine="q35", extra_args=nvme_args(disk, "deadbeef", 6))
    m.run("rmmod nvme")
    before = keel.parse_meminfo(m.run("mem"))
    out = m.run("modprobe nvme fault_not_ready=1", timeout=180)
    assert re.search(r"nvme: nvme0: not ready after 7500 ms \(CAP\.TO\), CSTS 0x\d+ "
                     r"\(controller fatal status\)", out), out
    assert "nvme: no NVMe controller" in m.run("nvme")
    assert "nvme" not in m.run("cat /proc/partitions")
    m.run("repeat -q 2 rmmod nvme ; modprobe nvme fault_not_ready=1", timeout=300)
    m.run("rmmod nvme")
    after = keel.parse_meminfo(m.run("mem"))
    assert after["HeapUsed"] - before["HeapUsed"] < 1024, (before, after)
    assert before["MemFree"] - after["MemFree"] <= 64, (before, after)  # the bounce is 128
    m.run("modprobe nvme")
    data = images["bytes"]["nvme0n1"]
    assert guest_crc(m, "blk read nvme0n1 0 16") == host_crc(data, 0, 16)
