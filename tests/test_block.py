"""The block layer in QEMU through ramdisk.ko: disks loaded from images the host's sfdisk made
(tests/blk/mkimages.sh: MBR with an extended partition, GPT with names) must show in lsblk with
the offsets, sizes, types and GUIDs of sfdisk --json; `blk read` CRCs must equal zlib.crc32 of
the host's bytes; `blk write` must write the documented xorshift64* pattern at the right place;
bad input (ranges past the end, a missing device, a read-only disk, a disk that stops
answering) gives one clear line and leaves the kernel working.
"""

import json
import re
import subprocess
import zlib

import pytest

import conftest
import keel

SECTOR = 512
MASK = (1 << 64) - 1


def make_images(root):
    subprocess.run(["sh", str(keel.ROOT / "tests" / "blk" / "mkimages.sh"), str(root)],
                   check=True)


BLOCK = keel.Variant("block", extra=make_images)
IMAGES = "image=/extra/mbr.img,/extra/gpt.img"


@pytest.fixture(scope="module")
def block_variant():
    keel.build_variant(BLOCK)
    return BLOCK


@pytest.fixture(scope="module")
def _block_holder(block_variant, tmp_path_factory):
    holder = conftest.SharedMachine(block_variant.iso, tmp_path_factory.mktemp("shared-block"))
    yield holder
    holder.close()


@pytest.fixture
def blk(request, _block_holder):
    yield from conftest.shared_machine_fixture(request, _block_holder)


def host_image(variant, name):
    return (variant.inputs_dir / "extra" / name).read_bytes()


def sfdisk_table(variant, name):
    return json.loads((variant.inputs_dir / "extra" / f"{name}.json").read_text())["partitiontable"]


def pattern(seed, nbytes):
    """The bytes `blk write ... SEED` writes (see kernel/block/blk_cmd.c)."""
    x = (seed + 0x9e3779b97f4a7c15) & MASK or 1
    out = bytearray()
    for _ in range(nbytes // 8):
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        out += ((x * 0x2545f4914f6cdd1d) & MASK).to_bytes(8, "little")
    return bytes(out)


def parse_lsblk(text, guids=""):
    """{name: {...}} from lsblk's table (the last column is free text) and `lsblk -g`'s GUIDs:
    ptype is the MBR id ("0x83") or, for a GPT partition, its type GUID."""
    devices = {}
    for line in text.splitlines():
        fields = line.split(None, 8)
        if len(fields) < 8 or fields[0] == "NAME":
            continue
        devices[fields[0]] = {
            "sectors": int(fields[2]), "sector_size": int(fields[3]), "ro": fields[4] == "1",
            "type": fields[5], "start": None if fields[6] == "-" else int(fields[6]),
            "ptype": fields[7], "uuid": "-", "details": fields[8] if len(fields) > 8 else ""}
    for line in guids.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] in devices:
            devices[fields[0]].update(ptype=fields[1], uuid=fields[2])
    return devices


def lsblk(machine):
    return parse_lsblk(machine.run("lsblk"), machine.run("lsblk -g"))


def load_ramdisk(machine, params):
    if "ramdisk" in machine.run("lsmod"):
        machine.run("rmmod ramdisk")
    out = machine.run(f"insmod /lib/modules/ramdisk.ko {params}")
    assert "error" not in out.lower() and "fail" not in out.lower(), out
    return out


def crc_of(machine, command):
    out = machine.run(command)
    match = re.search(r"crc32 0x([0-9a-f]{8})", out)
    assert match, out
    return int(match.group(1), 16)


def partition_number(node):
    return int(re.search(r"(\d+)$", node).group(1))


def test_lsblk_matches_sfdisk(blk, block_variant):
    out = load_ramdisk(blk, IMAGES)
    assert " ram0: ram0p1 ram0p2 ram0p3 < ram0p5 ram0p6 ram0p7 >" in out, out
    assert " ram1: ram1p1 ram1p2 ram1p3 ram1p5 ram1p6" in out, out
    devices = lsblk(blk)
    for disk, image in (("ram0", "mbr.img"), ("ram1", "gpt.img")):
        table = sfdisk_table(block_variant, image)
        assert devices[disk]["sectors"] == len(host_image(block_variant, image)) // SECTOR
        assert devices[disk]["type"] == "disk"
        names = {n for n in devices if n.startswith(disk + "p")}
        assert names == {f"{disk}p{partition_number(p['node'])}" for p in table["partitions"]}
        for p in table["partitions"]:
            dev = devices[f"{disk}p{partition_number(p['node'])}"]
            assert (dev["start"], dev["sectors"], dev["type"]) == (p["start"], p["size"], "part")
            if table["label"] == "dos":
                assert int(dev["ptype"], 16) == int(p["type"], 16)
                assert ("bootable" in dev["details"]) == bool(p.get("bootable"))
            else:
                assert dev["ptype"] == p["type"].lower()
                assert dev["uuid"] == p["uuid"].lower()
                label = f'"{p["name"]}"' if "name" in p else None
                assert dev["details"].endswith(label) if label else '"' not in dev["details"]
    assert devices["ram1p1"]["details"].startswith("EFI System")
    assert devices["ram1p2"]["details"].startswith("Linux filesystem")
    assert devices["ram1p6"]["details"].startswith("BIOS boot")
    assert devices["ram0p6"]["details"] == "Linux swap"


def test_read_crcs_match_host(blk, block_variant):
    load_ramdisk(blk, IMAGES)
    mbr, gpt = host_image(block_variant, "mbr.img"), host_image(block_variant, "gpt.img")
    assert crc_of(blk, f"blk read ram0 0 {len(mbr) // SECTOR}") == zlib.crc32(mbr)
    assert crc_of(blk, "blk read ram1 0 1") == zlib.crc32(gpt[:SECTOR])
    for disk, image, table in (("ram0", mbr, "mbr.img"), ("ram1", gpt, "gpt.img")):
        for p in sfdisk_table(block_variant, table)["partitions"]:
            name = f"{disk}p{partition_number(p['node'])}"
            start, count = min(3, p["size"] - 1), min(40, p["size"] - 3)
            first = (p["start"] + start) * SECTOR
            expected = zlib.crc32(image[first:first + count * SECTOR])
            assert crc_of(blk, f"blk read {name} {start} {count}") == expected, name


def test_write_pattern_lands_at_partition_offset(blk, block_variant):
    load_ramdisk(blk, IMAGES)
    mbr = bytearray(host_image(block_variant, "mbr.img"))
    p6 = next(p for p in sfdisk_table(block_variant, "mbr.img")["partitions"]
              if p["node"].endswith("6"))
    seed, start, count = 0x1234abcd, 17, 300  # 300 sectors: three 64 KiB chunks
    data = pattern(seed, count * SECTOR)
    assert crc_of(blk, f"blk write ram0p6 {start} {count} {seed}") == zlib.crc32(data)
    assert crc_of(blk, f"blk read ram0p6 {start} {count}") == zlib.crc32(data)
    first = (p6["start"] + start) * SECTOR
    mbr[first:first + len(data)] = data
    assert crc_of(blk, f"blk read ram0 0 {len(mbr) // SECTOR}") == zlib.crc32(bytes(mbr))
    stat = blk.run("blk stat")
    assert re.search(rf"^ram0p6\s+{count}\s+{count}\s+0\s+0\s+0\s*$", stat, re.M), stat


def test_bad_ranges_and_missing_device(blk):
    load_ramdisk(blk, IMAGES)
    out = blk.run("blk read ram0 4000 200")
    assert out.strip() == ("blk: ram0: sectors 4000-4199 past the end of the device "
                           "(4096 sectors)"), out
    out = blk.run("blk read ram0p1 0 513")
    assert "blk: ram0p1: sectors 0-512 past the end of the device (512 sectors)" in out
    out = blk.run("blk write ram0p1 511 2 5")
    assert "past the end" in out
    out = blk.run("blk read ram0 18446744073709551615 2")
    assert "past the end" in out, out
    assert blk.run("blk read hdz 0 1").strip() == 'blk: no block device "hdz"'
    assert "empty range" in blk.run("blk read ram0 0 0")
    assert "usage:" in blk.run("blk read ram0")
    assert 'bad start sector "x"' in blk.run("blk read ram0 x 1")


def test_disk_counts_that_wrap(blk):
    """Issue 11, class 1: rd_nr=4294967295 plus one image wrapped to 0 disks and loaded."""
    if "ramdisk" in blk.run("lsmod"):
        blk.run("rmmod ramdisk")
    out = blk.run("insmod /lib/modules/ramdisk.ko image=/extra/mbr.img rd_nr=4294967295")
    assert "ramdisk" in out and "ramdisk" not in blk.run("lsmod"), out
    assert not [name for name in parse_lsblk(blk.run("lsblk")) if name.startswith("ram")]


def test_read_only_disk(blk, block_variant):
    load_ramdisk(blk, "image=/extra/mbr.img readonly=1")
    assert blk.run("blk write ram0 0 1 1").strip() == "blk: ram0: read-only device"
    assert blk.run("blk write ram0p5 0 8 1").strip() == "blk: ram0p5: read-only device"
    devices = lsblk(blk)
    assert devices["ram0"]["ro"] and devices["ram0p5"]["ro"]
    mbr = host_image(block_variant, "mbr.img")
    assert crc_of(blk, "blk read ram0 0 4096") == zlib.crc32(mbr)  # nothing was written


def test_disk_that_stops_answering(blk):
    load_ramdisk(blk, "rd_nr=1 rd_size=1024 fail_from=1000")
    out = blk.run("blk read ram0 0 2048")
    assert "blk: ram0: read failed at sector 896 (896 of 2048 sectors done): Input/output error" in out
    out = blk.run("blk write ram0 900 200 3")
    assert "blk: ram0: write failed at sector 900 (0 of 200 sectors done)" in out
    assert crc_of(blk, "blk read ram0 0 1000") == zlib.crc32(bytes(1000 * SECTOR))
    assert re.search(r"^ram0\s+\d+\s+0\s+1\s+1\s+0\s*$", blk.run("blk stat"), re.M)
    out = blk.run("rmmod ramdisk")
    assert "block: ram0: removed" in out
    # ata.ko (autoloaded for QEMU's IDE controller) may still list the boot CD as hdc.
    assert not [name for name in parse_lsblk(blk.run("lsblk")) if name.startswith("ram")]
