"""ata.ko in QEMU: IDE disks and the ATAPI boot CD on -M pc (PIIX3 IDE, compatibility mode, bus
master DMA), and the legacy ISA ports on -M q35 with an isa-ide controller.

The -M pc machine has four IDE units:
  hda  primary master    8 MiB of random bytes with an sfdisk MBR (3 primary, 3 logical)
  hdb  primary slave     a sparse 200 GiB image: LBA48 (sectors past 2^28)
  hdc  secondary master  the boot CD (ATAPI)
  hdd  secondary slave   6 MiB of random bytes with an sfdisk GPT
The guest's `blk read` CRC32s (zlib's) of many ranges, read with PIO and with DMA, must equal
the host's; `blk write` patterns (xorshift64*, see kernel/block/blk_cmd.c) must be in the image
files byte for byte after poweroff, with nothing else changed.
"""

import json
import os
import re
import shutil
import subprocess
import zlib

import pytest

import keel
from conftest import SharedMachine, shared_machine_fixture

SECTOR = 512
HDA_SECTORS = 16384
HDD_SECTORS = 12288
BIG_BYTES = 200 << 30
BIG_SECTORS = BIG_BYTES // SECTOR
LBA28_LIMIT = 1 << 28
SFDISK = shutil.which("sfdisk") or "/usr/sbin/sfdisk"

MBR_SCRIPT = """label: dos
unit: sectors

{img}1 : start=2048, size=2048, type=83, bootable
{img}2 : start=4096, size=8192, type=5
{img}3 : start=12288, size=4096, type=c
{img}5 : start=4160, size=1000, type=83
{img}6 : start=5248, size=2000, type=82
{img}7 : start=7296, size=2048, type=c
"""
GPT_SCRIPT = """label: gpt
unit: sectors

{img}1 : start=2048, size=2048, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="esp"
{img}2 : start=4096, size=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"
{img}3 : start=8192, size=2048, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7
"""

# (start, count) in 512-byte sectors: first and last sectors, 128 KiB (sector 256) and 64 KiB
# crossings, DMA/PIO chunk boundaries, large ranges, a partition's interior.
def read_ranges(sectors):
    return [(0, 1), (0, 8), (1, 3), (sectors - 1, 1), (sectors - 8, 8), (250, 12), (255, 2),
            (127, 2), (100, 700), (4000, 1500), (sectors - 600, 600), (sectors // 2 + 3, 97)]


CRC = re.compile(r"crc32 0x([0-9a-f]{8})")
INTERRUPTS = re.compile(r"(primary|secondary): .*?, (\d+) interrupts")


def xorshift_pattern(seed, nbytes):
    """The bytes `blk write DEV START COUNT SEED` writes (kernel/block/blk_cmd.c)."""
    mask = (1 << 64) - 1
    x = (seed + 0x9E3779B97F4A7C15) & mask or 1
    out = bytearray()
    for _ in range(nbytes // 8):
        x ^= x >> 12
        x = (x ^ (x << 25)) & mask
        x ^= x >> 27
        out += ((x * 0x2545F4914F6CDD1D) & mask).to_bytes(8, "little")
    return bytes(out)


def sfdisk_image(path, sectors, script):
    with open(path, "wb") as f:
        f.write(os.urandom(sectors * SECTOR))
    subprocess.run([SFDISK, "-q", str(path)], input=script.format(img=path), text=True,
                   check=True, stdout=subprocess.DEVNULL)
    table = json.loads(subprocess.run([SFDISK, "--json", str(path)], check=True, text=True,
                                      stdout=subprocess.PIPE).stdout)["partitiontable"]
    return path.read_bytes(), table


@pytest.fixture(scope="module")
def disks(tmp_path_factory):
    """The -M pc disk images, their original bytes and sfdisk's view of their tables."""
    root = tmp_path_factory.mktemp("ata-disks")
    hda, hdd, big = root / "hda.img", root / "hdd.img", root / "big.img"
    hda_bytes, hda_table = sfdisk_image(hda, HDA_SECTORS, MBR_SCRIPT)
    hdd_bytes, hdd_table = sfdisk_image(hdd, HDD_SECTORS, GPT_SCRIPT)
    with open(big, "wb") as f:
        f.truncate(BIG_BYTES)
    return {"paths": {"hda": hda, "hdb": big, "hdd": hdd},
            "bytes": {"hda": hda_bytes, "hdd": hdd_bytes},
            "tables": {"hda": hda_table, "hdd": hdd_table},
            "writes": []}


def drive(path, index):
    return ["-drive", f"file={path},format=raw,if=ide,index={index}"]


@pytest.fixture(scope="module")
def _pc_holder(default_iso, disks, tmp_path_factory):
    paths = disks["paths"]
    extra = ["-boot", "d"] + drive(paths["hda"], 0) + drive(paths["hdb"], 1) + \
        drive(paths["hdd"], 3)
    holder = SharedMachine(default_iso, tmp_path_factory.mktemp("shared-ata"), extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def pc(request, _pc_holder):
    yield from shared_machine_fixture(request, _pc_holder)


def guest_crc(machine, command):
    out = machine.run(command)
    match = CRC.search(out)
    assert match, f"{command}: no CRC in {out!r}"
    return int(match.group(1), 16)


def set_mode(machine, dev, mode):
    assert f"{dev}: {mode}" in machine.run(f"ata mode {dev} {mode}")


def interrupts(machine, channel):
    return int(dict(INTERRUPTS.findall(machine.run("ata")))[channel])


def lsblk_rows(machine, command="lsblk"):
    """{name: fields} of `lsblk` (NAME SIZE SECTORS SSZ RO TYPE START PTYPE DETAILS...) or of
    `lsblk -g` (NAME PARTTYPE PARTUUID)."""
    rows = {}
    for line in machine.run(command).splitlines()[1:]:
        fields = line.split()
        if fields:
            rows[fields[0]] = fields
    return rows


# ---- -M pc ------------------------------------------------------------------------------------

def test_autoloaded_and_detected(pc):
    assert re.search(r"ata: 0000:00:01\.1: IDE controller 8086:7010, primary compatibility, "
                     r"secondary compatibility, bus master on", pc.boot_text)
    listing = pc.run("ata")
    assert re.search(r'hda: ATA "QEMU HARDDISK"\n\s+serial "QM\d+" firmware "\S+"', listing)
    assert re.search(rf"{HDA_SECTORS} sectors of 512 bytes \(8 MiB\), LBA48\n"
                     r"\s+DMA supported, mode dma", listing)
    assert re.search(rf"{BIG_SECTORS} sectors of 512 bytes \(204800 MiB\), LBA48", listing)
    assert re.search(r'hdc: ATAPI "QEMU DVD-ROM"', listing)
    assert re.search(r"sectors of 2048 bytes .*packet\n.*read-only", listing)
    assert re.search(rf"{HDD_SECTORS} sectors of 512 bytes \(6 MiB\)", listing)
    assert "ata" in pc.run("lsmod")


@pytest.mark.parametrize("mode", ["pio", "dma"])
def test_read_crcs(pc, disks, mode):
    for dev, sectors in (("hda", HDA_SECTORS), ("hdd", HDD_SECTORS)):
        set_mode(pc, dev, mode)
        image = disks["bytes"][dev]
        for start, count in read_ranges(sectors):
            want = zlib.crc32(image[start * SECTOR:(start + count) * SECTOR])
            got = guest_crc(pc, f"blk read {dev} {start} {count}")
            assert got == want, f"{dev} {mode} sectors {start}+{count}"
            if count <= 256:
                # `ata read` reads to an odd address: DMA through the bounce buffer.
                got = guest_crc(pc, f"ata read {dev} {start} {count}")
                assert got == want, f"{dev} {mode} (ata read) sectors {start}+{count}"
    set_mode(pc, "hda", "dma")
    set_mode(pc, "hdd", "dma")


@pytest.mark.parametrize("mode,least,most", [("pio", 256, 100000), ("dma", 1, 8)])
def test_mode_really_used(pc, mode, least, most):
    """256 sectors: PIO interrupts once per sector, DMA once per command."""
    set_mode(pc, "hdd", mode)
    before = interrupts(pc, "secondary")
    guest_crc(pc, "blk read hdd 1024 256")
    grown = interrupts(pc, "secondary") - before
    set_mode(pc, "hdd", "dma")
    assert least <= grown <= most, f"{mode}: {grown} interrupts for 256 sectors"


@pytest.mark.parametrize("dev", ["hda", "hdd"])
def test_partitions_match_sfdisk(pc, disks, dev):
    table = disks["tables"][dev]
    rows = lsblk_rows(pc)
    expected = {}
    for part in table["partitions"]:
        number = re.search(r"(\d+)$", part["node"]).group(1)
        expected[f"{dev}{number}"] = (part["start"], part["size"])
    found = {name: (int(r[6]), int(r[2])) for name, r in rows.items()
             if re.fullmatch(rf"{dev}\d+", name)}
    assert found == expected
    if table["label"] == "gpt":
        guids = lsblk_rows(pc, "lsblk -g")
        for part in table["partitions"]:
            number = re.search(r"(\d+)$", part["node"]).group(1)
            assert rows[f"{dev}{number}"][7] == "gpt"
            assert guids[f"{dev}{number}"][2] == part["uuid"].lower()


def test_boot_cd_is_atapi(pc, default_iso):
    iso = default_iso.read_bytes()
    row = lsblk_rows(pc)["hdc"]
    assert (int(row[2]), row[3], row[4], row[5]) == (len(iso) // 2048, "2048", "1", "rom")
    assert guest_crc(pc, "blk read hdc 16 1") == zlib.crc32(iso[32768:34816])
    assert guest_crc(pc, "blk read hdc 0 20") == zlib.crc32(iso[:20 * 2048])
    last = len(iso) // 2048 - 3
    assert guest_crc(pc, f"blk read hdc {last} 3") == zlib.crc32(iso[last * 2048:])


def test_bad_input(pc):
    out = pc.run("blk write hdc 0 1 7")
    assert "read-only" in out
    out = pc.run(f"blk read hda {HDA_SECTORS - 1} 2")
    assert "past the end" in out
    # Without the block layer's range check the device itself refuses: decoded error register.
    for mode in ("dma", "pio"):
        set_mode(pc, "hda", mode)
        out = pc.run(f"ata read hda {HDA_SECTORS} 1")
        assert re.search(rf"hda: {mode.upper()} read at LBA {HDA_SECTORS} \(1 sectors\) failed: "
                         r"status 0x[0-9a-f]{2}, error 0x04 \(ABRT\)", out), out
        assert "Input/output error" in out
    set_mode(pc, "hda", "dma")
    assert "ata: hdz: no such device" in pc.run("ata read hdz 0 1")
    assert guest_crc(pc, "blk read hda 0 1") is not None  # still fine afterwards


LBA48_LIMIT = 1 << 48
U64_MAX = (1 << 64) - 1


def refused(machine, command, why):
    """A command the driver must refuse before touching the device: one line naming why."""
    out = machine.run(command)
    assert why in out and "crc32" not in out, f"{command}: {out!r}"


@pytest.mark.parametrize("mode", ["dma", "pio"])
def test_overflowing_ranges(pc, disks, default_iso, mode):
    """Issue 11, class 1: counts whose byte size wraps 32 bits and LBAs whose end wraps 2^48,
    2^32 or 2^64 are refused before any transfer; test_writes_reach_the_image checks after
    poweroff that none of the refused writes reached hda (byte for byte) or hdb (sector 0)."""
    set_mode(pc, "hda", mode)
    # 2,097,152 x 2048 bytes is 2^32: it wrapped to 0 and the CD's data went over the kernel.
    refused(pc, "ata read hdc 0 2097152", "ata: read: bad sector count \"2097152\"")
    refused(pc, "ata read hdc 0 65", "bad sector count")  # 65 x 2048 bytes > 128 KiB
    refused(pc, "ata read hda 0 257", "bad sector count")
    refused(pc, "ata read hda 0 4294967295", "bad sector count")
    # 8,388,608 x 512 bytes is 2^32 too: 8 MiB of kernel memory would have gone to the disk.
    refused(pc, "ata write hda 0 8388608 1", "ata: write: bad sector count")
    # LBA 2^48 wrapped to sector 0 in the taskfile; ends past 2^64 wrapped to small ones.
    refused(pc, f"ata write hda {LBA48_LIMIT} 1 1", "past the end of the device")
    refused(pc, f"ata write hda {LBA48_LIMIT - 1} 2 1", "past the end of the device")
    refused(pc, f"ata write hda {U64_MAX} 2 1", "past the end of the device")
    refused(pc, f"ata write hda {HDA_SECTORS} 1 1", "past the end of the device")
    refused(pc, f"ata write hdb {LBA48_LIMIT} 1 1", "past the end of the device")
    refused(pc, f"ata read hda {LBA48_LIMIT} 1", "past the addressing limit")
    refused(pc, f"ata read hdb {LBA48_LIMIT - 1} 2", "past the addressing limit")
    refused(pc, f"ata read hda {U64_MAX} 2", "past the addressing limit")
    # READ(10) carries 32 bits of LBA: 2^32 - 1 + 2 sectors would wrap to sector 0.
    refused(pc, f"ata read hdc {(1 << 32) - 1} 2", "past the addressing limit")
    refused(pc, f"ata read hdc {U64_MAX} 2", "past the addressing limit")
    # The block layer's own checks, through the same shapes.
    refused(pc, f"blk write hda {U64_MAX} 2 1", "past the end of the device")
    refused(pc, f"blk read hdb {LBA48_LIMIT - 1} 2", "past the end of the device")
    refused(pc, f"blk read hdc {U64_MAX} 2", "past the end of the device")
    # The largest counts still work, and nothing was overwritten: devices, names, data.
    iso = default_iso.read_bytes()
    assert guest_crc(pc, "ata read hdc 16 64") == zlib.crc32(iso[16 * 2048:80 * 2048])
    assert guest_crc(pc, "ata read hda 0 256") == zlib.crc32(disks["bytes"]["hda"][:256 * SECTOR])
    assert {"hda", "hdb", "hdc", "hdd"} <= set(lsblk_rows(pc))
    assert guest_crc(pc, "blk read hdc 16 1") == zlib.crc32(iso[32768:34816])
    set_mode(pc, "hda", "dma")


@pytest.mark.parametrize("mode", ["dma", "pio"])
def test_lba48_past_128g(pc, disks, mode):
    set_mode(pc, "hdb", mode)
    seed = 48 if mode == "dma" else 49
    ranges = [(LBA28_LIMIT - 8, 16), (BIG_SECTORS - 40, 40)] if mode == "dma" else \
        [(LBA28_LIMIT + 1000, 300)]
    for start, count in ranges:
        pc.run(f"blk write hdb {start} {count} {seed}")
        want = zlib.crc32(xorshift_pattern(seed, count * SECTOR))
        assert guest_crc(pc, f"blk read hdb {start} {count}") == want
        disks["writes"].append(("hdb", start, count, seed))
        seed += 1
    # Unwritten sectors of the sparse image read as zeros, just past the LBA28 limit too.
    assert guest_crc(pc, f"blk read hdb {LBA28_LIMIT + 9} 7") == zlib.crc32(bytes(7 * SECTOR))
    set_mode(pc, "hdb", "dma")


def test_rmmod_flushes_and_modprobe_restores(pc, disks):
    assert "in use" in pc.run("rmmod pci")  # refused: ata uses it
    pci_line = [line for line in pc.run("lsmod").splitlines() if line.startswith("pci ")]
    assert pci_line and "ata" in pci_line[0].split()[-1].split(",")
    out = pc.run("rmmod ata")
    for dev in ("hda", "hdb", "hdd"):
        assert f"ata: {dev}: write cache flushed" in out
    assert not [name for name in lsblk_rows(pc) if name.startswith("hd")]
    assert "not found" in pc.run("ata")
    out = pc.run("modprobe ata dma=0")
    rows = lsblk_rows(pc)
    assert {"hda", "hda5", "hdb", "hdc", "hdd", "hdd3"} <= set(rows)
    listing = pc.run("ata")
    assert "mode dma" not in listing and "mode pio" in listing
    image = disks["bytes"]["hda"]
    assert guest_crc(pc, "blk read hda 250 12") == zlib.crc32(image[250 * SECTOR:262 * SECTOR])


def test_writes_reach_the_image(pc, disks):
    """Last test of the machine: writes with DMA and with PIO, then poweroff, then the host."""
    writes = [("hda", "dma", 200, 300, 11), ("hda", "pio", HDA_SECTORS - 5, 5, 12),
              ("hdd", "pio", 250, 20, 13), ("hdd", "dma", 3000, 1024, 14)]
    for dev, mode, start, count, seed in writes:
        set_mode(pc, dev, mode)
        pc.run(f"blk write {dev} {start} {count} {seed}")
        disks["writes"].append((dev, start, count, seed))
    # `ata write` writes from an odd address: with DMA the data goes through the bounce buffer.
    set_mode(pc, "hda", "dma")
    crc = guest_crc(pc, "ata write hda 1000 129 16")
    assert crc == zlib.crc32(xorshift_pattern(16, 129 * SECTOR))
    disks["writes"].append(("hda", 1000, 129, 16))
    assert "read-only" in pc.run("ata write hdc 0 1 1").lower()
    # Through a logical partition: hda5 starts at sector 4160 of hda.
    pc.run("blk write hda5 10 20 15")
    disks["writes"].append(("hda", 4170, 20, 15))
    pc.run("blk flush hda")
    pc.send_line("poweroff")
    pc.wait_exit()
    for dev in ("hda", "hdd"):
        expect = bytearray(disks["bytes"][dev])
        for wdev, start, count, seed in disks["writes"]:
            if wdev == dev:
                expect[start * SECTOR:(start + count) * SECTOR] = \
                    xorshift_pattern(seed, count * SECTOR)
        assert disks["paths"][dev].read_bytes() == bytes(expect), dev
    with open(disks["paths"]["hdb"], "rb") as f:
        assert f.read(SECTOR) == bytes(SECTOR)  # refused writes at 2^48 did not wrap to 0
        for dev, start, count, seed in disks["writes"]:
            if dev == "hdb":
                f.seek(start * SECTOR)
                assert f.read(count * SECTOR) == xorshift_pattern(seed, count * SECTOR)


# ---- -M q35 with an ISA IDE controller: no PCI IDE function --------------------------------

def test_legacy_ports_without_pci_ide(boot_machine, default_iso, tmp_path):
    image = tmp_path / "legacy.img"
    data = os.urandom(2048 * SECTOR)
    image.write_bytes(data)
    machine = boot_machine(default_iso, machine="q35", extra_args=[
        "-device", "isa-ide,iobase=0x1f0,iobase2=0x3f6,irq=14",
        "-drive", f"if=none,id=legacy,file={image},format=raw",
        "-device", "ide-hd,drive=legacy,bus=ide.6"])
    assert "ata" not in machine.run("lsmod")  # nothing to autoload it: no class 01:01
    out = machine.run("modprobe ata")
    assert "ata: legacy ports 0x1f0/0x170: 1 device(s)" in out
    listing = machine.run("ata")
    assert "secondary: floating" in listing and "mode pio" in listing
    assert guest_crc(machine, "blk read hda 250 12") == zlib.crc32(data[250 * SECTOR:262 * SECTOR])
    # Nothing answers as the slave: the command times out, the channel is reset, and stays usable.
    out = machine.run("ata identify hdb", timeout=keel.CMD_TIMEOUT + 10)
    assert "hdb: timeout after 5000 ms" in out and "resetting the channel" in out
    assert "Timed out" in out
    assert guest_crc(machine, "blk read hda 2047 1") == zlib.crc32(data[-SECTOR:])
    out = machine.run("rmmod ata")
    assert "hda: write cache flushed" in out
    assert "ata: no IDE controller" not in out


def test_no_controller_at_all(boot_machine, default_iso):
    """q35 without IDE: no PCI IDE function and the legacy ports float."""
    machine = boot_machine(default_iso, machine="q35")
    out = machine.run("modprobe ata")
    assert "ata: no IDE controller: no PCI IDE function, and the legacy ports" in out
    assert "ata" not in machine.run("lsmod").split()
