"""Helpers for the IDE device tests (test_ata_detect.py, test_ata_media.py): host-made disk and
CD images, QEMU -drive arguments per IDE unit, QMP medium changes, and parsers for the guest's
`ata` listing and `lsblk`.

IDE units are numbered as QEMU's -drive index: 0 primary master (hda), 1 primary slave (hdb),
2 secondary master (hdc), 3 secondary slave (hdd).
"""

import os
import re
import subprocess

CD_SECTOR = 2048
DISK_SECTOR = 512
NAMES = ("hda", "hdb", "hdc", "hdd")
CRC = re.compile(r"crc32 0x([0-9a-f]{8})")


def make_iso(path, payload_bytes):
    """An ISO 9660 image (xorriso) holding one random file; its size differs with the payload."""
    src = path.with_suffix(".d")
    src.mkdir()
    (src / "payload.bin").write_bytes(os.urandom(payload_bytes))
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", path.stem[:32], "-o", str(path),
                    str(src)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert path.stat().st_size % CD_SECTOR == 0
    return path


def make_disk(path, sectors):
    path.write_bytes(os.urandom(sectors * DISK_SECTOR))
    return path


def drive_args(unit, kind, path=None):
    """-drive arguments for one IDE unit: kind "hd" (path), "cd" (path, or empty), "none"."""
    if kind == "none":
        return []
    if kind == "hd":
        return ["-drive", f"file={path},format=raw,if=ide,index={unit}"]
    medium = f"file={path},format=raw,readonly=on," if path else ""
    return ["-drive", f"{medium}if=ide,index={unit},media=cdrom"]


def qmp_device(unit, kind):
    """QEMU's name for the block backend of an -drive if=ide unit ("ide1-cd1")."""
    return f"ide{unit // 2}-{'cd' if kind == 'cd' else 'hd'}{unit % 2}"


def change_medium(machine, unit, path):
    machine.qmp().execute("blockdev-change-medium", device=qmp_device(unit, "cd"),
                          filename=str(path), format="raw", **{"read-only-mode": "read-only"})


def eject(machine, unit):
    machine.qmp().execute("eject", device=qmp_device(unit, "cd"))


def qemu_units(machine):
    """{unit: ("hd" | "cd", inserted file or None)} for the IDE units QEMU has (query-block)."""
    units = {}
    for dev in machine.qmp().execute("query-block"):
        match = re.fullmatch(r"ide(\d)-(hd|cd)(\d)", dev["device"])
        if match:
            unit = int(match.group(1)) * 2 + int(match.group(3))
            units[unit] = (match.group(2), dev.get("inserted", {}).get("file"))
    return units


def parse_ata(text):
    """{name: (type, sectors, no_medium)} from `ata`; units of an unused channel are "none"."""
    found, channel = {}, None
    for line in text.splitlines():
        match = re.match(r" (primary|secondary): ", line)
        if match:
            channel = NAMES[0:2] if match.group(1) == "primary" else NAMES[2:4]
            if "no devices" in line or "floating" in line:
                found.update({name: ("none", 0, False) for name in channel})
            continue
        match = re.match(r"  (hd[a-d]): (none|ATAPI|ATA)\b", line)
        if match:
            current = match.group(1)
            found[current] = (match.group(2), 0, False)
            continue
        match = re.match(r"\s+(\d+) sectors of", line)
        if match and found:
            found[current] = (found[current][0], int(match.group(1)), False)
        elif line.startswith("       ") and found and "no medium" in line:
            found[current] = found[current][:2] + (True,)
    return found


def lsblk_sizes(text):
    """{name: sectors} from lsblk."""
    sizes = {}
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 2 and fields[2].isdigit():
            sizes[fields[0]] = int(fields[2])
    return sizes


def guest_crc(machine, command):
    out = machine.run(command)
    match = CRC.search(out)
    assert match, f"{command}: no CRC in {out!r}"
    return int(match.group(1), 16)
