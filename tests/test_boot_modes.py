"""Keel boots to its shell in all four ways a PC can boot the hybrid ISO: BIOS and UEFI, from a
CD and from a USB stick; under UEFI the framebuffer console draws the boot text."""

import re
import zlib
from pathlib import Path

import pytest

import keel


@pytest.fixture(scope="module", params=keel.MODES)
def mode_machine(request, default_iso, tmp_path_factory):
    machine = keel.boot(default_iso, tmp_path_factory.mktemp(request.param), mode=request.param)
    yield machine
    print(f"--- serial output ({machine.workdir}) ---\n{machine.text}")
    machine.close()


def test_shell_basic_commands(mode_machine):
    assert mode_machine.run("echo hello   from keel").strip() == "hello from keel"

    info = keel.parse_meminfo(mode_machine.run("mem"))
    assert set(info) == {"MemTotal", "MemFree", "HeapUsed"}, "mem must print all three lines"
    assert 0 < info["MemFree"] <= info["MemTotal"]

    assert re.search(r"\d", mode_machine.run("uptime")), "uptime prints no number"

    listing = mode_machine.run("ls /")
    assert re.search(r"(?m)(^|\s)etc/?(\s|$)", listing), f"ls / lacks etc:\n{listing}"


def non_background_fraction(image, first_row, rows):
    """Fraction of pixels in the band that differ from the image's most common colour."""
    counts = {}
    for i in range(0, len(image.pixels), 3):
        key = image.pixels[i:i + 3]
        counts[key] = counts.get(key, 0) + 1
    background = max(counts, key=counts.get)
    band = image.rows(first_row, rows)
    differing = sum(1 for i in range(0, len(band), 3) if band[i:i + 3] != background)
    return differing / (len(band) // 3), len(counts)


def test_screen_console_draws_text(mode_machine):
    """UEFI: the framebuffer console (GRUB's 1024x768 mode); BIOS: VGA text mode (QEMU renders
    its 80x25 cells as 720x400). Either way the boot log must be visible on the screen."""
    image = mode_machine.qmp().screendump(mode_machine.workdir / "screen.ppm")
    if mode_machine.mode.startswith("uefi"):
        assert image.width >= 800, f"UEFI screen is {image.width}x{image.height}: no framebuffer"
    else:
        assert (image.width, image.height) == (720, 400), "BIOS screen is not VGA text mode"
    top_rows = min(image.height, 128)  # the first lines of boot text
    fraction, colours = non_background_fraction(image, 0, top_rows)
    assert colours >= 2, "the screen is a single colour: nothing was drawn"
    # A line of 8x16 glyphs lights roughly 10-20 % of its pixels; demand far less than that.
    assert fraction > 0.005, (f"only {fraction:.4%} of the top {top_rows} rows differ from "
                              f"the background ({image.width}x{image.height})")


def test_boot_stick_is_a_block_device(mode_machine, default_iso):
    """Booted from a USB stick (qemu-xhci + usb-storage, BIOS and UEFI), Keel finds the stick
    it booted from as sda: its sectors read back as the host's image, and the ISO 9660
    filesystem on it mounts (without -t) and holds the kernel GRUB loaded. (Booted from a
    CD, there is no stick and no sda.)"""
    image = Path(default_iso).read_bytes()
    lsblk = mode_machine.run("lsblk")
    if not mode_machine.mode.endswith("-usb"):
        assert not re.search(r"(?m)^sda\b", lsblk), lsblk
        return
    assert re.search(r"(?m)^sda\b", lsblk), lsblk
    out = mode_machine.run("blk read sda 0 128")
    assert f"crc32 0x{zlib.crc32(image[:128 * 512]):08x}" in out, out
    mode_machine.run("mkdir /mnt/stick")
    out = mode_machine.run("mount /dev/sda /mnt/stick")
    assert "mount:" not in out and "iso9660: sda: mounted" in out, out
    assert "keel.elf" in mode_machine.run("ls /mnt/stick/boot")
    out = mode_machine.run("crc32 /mnt/stick/boot/keel.elf")
    kernel = Path(keel.ROOT / keel.BUILD / "keel.elf").read_bytes()
    assert f"{zlib.crc32(kernel):08x}" in out, out
    assert mode_machine.run("umount /mnt/stick").strip() == ""
