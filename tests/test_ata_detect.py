"""ata.ko's device detection on every master/slave combination of {ATA disk, CD with a medium,
empty CD, nothing}, on both IDE channels (issue 11, class 7: a disk's IDENTIFY overwrote the
slave's signature, so a CD behind a disk was reported absent).

The machine boots from a USB stick with -nodefaults (no default CD at hdc), so all four IDE
units are free. Each boot puts one master/slave shape (disk, CD drive, nothing) on each channel;
nine boots give every shape on both channels. Within a boot each CD drive's medium is inserted
or ejected through QMP and ata.ko reloaded, so every CD drive is seen both with and without a
medium: 16 combinations per channel. The guest's `ata` listing and `lsblk` must match what QEMU
says it has (query-block), and a sector read from each medium must match the host's bytes.
"""

import itertools
import re
import zlib

import pytest

import atadev

SHAPES = list(itertools.product(("hd", "cd", "none"), repeat=2))  # (master, slave)
# Boot i: primary SHAPES[i], secondary SHAPES[(i + 4) % 9]: both channels see all nine shapes.
BOOTS = [SHAPES[i] + SHAPES[(i + 4) % len(SHAPES)] for i in range(len(SHAPES))]
DISK_SECTORS = 2048
ERRORS = re.compile(r"ata: .*(timeout|failed|not registered)|Oops|WARNING")


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """A disk image and an ISO per IDE unit, of different sizes so units cannot be confused."""
    root = tmp_path_factory.mktemp("ata-detect")
    return {unit: {"hd": atadev.make_disk(root / f"disk{unit}.img", DISK_SECTORS + 8 * unit),
                   "cd": atadev.make_iso(root / f"cd{unit}.iso", 300_000 + 150_000 * unit)}
            for unit in range(4)}


def medium_states(kinds):
    """Per state, {unit: has a medium} for the CD units: every combination on each channel
    (the channels step through theirs side by side). State 0 has every medium inserted."""
    per_channel = [[u for u in (c, c + 1) if kinds[u] == "cd"] for c in (0, 2)]
    count = max(2 ** len(cds) for cds in per_channel)
    states = []
    for state in range(count):
        inserted = {}
        for cds in per_channel:
            bits = state % (2 ** len(cds))
            inserted.update({u: not bits >> i & 1 for i, u in enumerate(cds)})
        states.append(inserted)
    return states


def expected(kinds, inserted, media):
    """{name: (type, sectors, no_medium)} as the guest's `ata` should list them."""
    want = {}
    for unit, kind in enumerate(kinds):
        name = atadev.NAMES[unit]
        if kind == "hd":
            want[name] = ("ATA", DISK_SECTORS + 8 * unit, False)
        elif kind == "cd" and inserted[unit]:
            want[name] = ("ATAPI", media[unit]["cd"].stat().st_size // atadev.CD_SECTOR, False)
        elif kind == "cd":
            want[name] = ("ATAPI", 0, True)
        else:
            want[name] = ("none", 0, False)
    return want


def check_qemu_agrees(machine, kinds, inserted, media):
    """The harness's own check: QEMU has the devices and media the test meant to give it."""
    units = atadev.qemu_units(machine)
    for unit, kind in enumerate(kinds):
        if kind == "none":
            assert unit not in units
        else:
            medium = str(media[unit][kind]) if kind == "hd" or inserted[unit] else None
            assert units[unit] == (kind, medium), f"unit {unit}"


def check_reads(machine, want, media):
    for unit, name in enumerate(atadev.NAMES):
        kind, sectors, no_medium = want[name]
        if kind == "ATA":
            data = media[unit]["hd"].read_bytes()
            assert atadev.guest_crc(machine, f"blk read {name} {sectors - 8} 8") == \
                zlib.crc32(data[-8 * atadev.DISK_SECTOR:])
        elif kind == "ATAPI" and not no_medium:
            data = media[unit]["cd"].read_bytes()
            assert atadev.guest_crc(machine, f"blk read {name} 16 1") == \
                zlib.crc32(data[16 * atadev.CD_SECTOR:17 * atadev.CD_SECTOR])
        elif kind == "ATAPI":
            assert f"blk: {name}: No medium found" in machine.run(f"blk read {name} 0 1")


def check_state(machine, kinds, inserted, media, log):
    want = expected(kinds, inserted, media)
    check_qemu_agrees(machine, kinds, inserted, media)
    assert atadev.parse_ata(machine.run("ata")) == want, f"{kinds} media {inserted}"
    present = {name: v[1] for name, v in want.items() if v[0] != "none"}
    listed = {name: size for name, size in atadev.lsblk_sizes(machine.run("lsblk")).items()
              if name in atadev.NAMES}
    assert listed == present
    check_reads(machine, want, media)
    assert not ERRORS.search(log), log


def set_media(machine, inserted, media):
    for unit, has_medium in inserted.items():
        if has_medium:
            atadev.change_medium(machine, unit, media[unit]["cd"])
        else:
            atadev.eject(machine, unit)


@pytest.mark.parametrize("kinds", BOOTS, ids=["-".join(k) for k in BOOTS])
def test_all_combinations(boot_machine, default_iso, media, kinds):
    states = medium_states(kinds)
    args = ["-nodefaults"]
    for unit, kind in enumerate(kinds):
        path = media[unit][kind] if kind != "none" and (kind == "hd" or states[0][unit]) else None
        args += atadev.drive_args(unit, kind, path)
    machine = boot_machine(default_iso, mode="bios-usb", extra_args=args)
    boot_log = "\n".join(line for line in machine.boot_text.splitlines() if "ata" in line)
    check_state(machine, kinds, states[0], media, boot_log)
    for inserted in states[1:]:
        set_media(machine, inserted, media)
        log = machine.run("rmmod ata") + machine.run("modprobe ata")
        check_state(machine, kinds, inserted, media, log)
    assert "ata" in machine.run("lsmod")
