"""USB in QEMU on a PC without PS/2 (-M q35,i8042=off): xhci.ko (autoloaded by the controller's
class 0c:03:30), usbcore.ko (enumeration, hubs, lsusb) and usbhid.ko (autoloaded by the
keyboard's interface modalias usb:v0627p0001...ic03isc01ip01in00).

Keys typed through QMP send-key travel usb-kbd -> xHCI interrupt endpoint -> usbhid's report
diff -> input layer -> console keyboard -> the shell, which echoes them on the serial console.
Each key is sent once the previous one has been echoed: QEMU's usb-kbd folds everything that
happens between two polls into one report, whose key order says nothing about press order.

Covered: every printable character (shifted ones too), Caps Lock and its LED (SET_REPORT),
lsusb against QEMU's `info usb`, a keyboard behind two hubs, unplug (device_del) and plug
(device_add, which autoloads usbhid), 20 reloads of usbhid and xhci with mem at its baseline,
and one OVMF boot. The PS/2 path is tests/test_ps2.py's.
"""

import os
import re
import time
import zlib

import pytest

import keel
from conftest import SharedMachine, shared_machine_fixture
from modtest import mem
from test_ps2 import CHAR_KEYS, SHIFTED, UNSHIFTED, shell_quote, wait_leds

Q35 = "q35,i8042=off"
XHCI = ["-device", "qemu-xhci,id=xhci"]
KBD = ["-device", "usb-kbd,bus=xhci.0,port=1,id=kbd"]
MOUSE = ["-device", "usb-mouse,bus=xhci.0,port=2,id=mouse"]
LSUSB = re.compile(r"^Bus (\d{3}) Device (\d{3}): ID ([0-9a-f]{4}):([0-9a-f]{4}) (.*)$", re.M)


@pytest.fixture(scope="module")
def _usb_holder(default_iso, tmp_path_factory):
    holder = SharedMachine(default_iso, tmp_path_factory.mktemp("shared-usb"), machine=Q35,
                           extra_args=XHCI + KBD + MOUSE)
    yield holder
    holder.close()


@pytest.fixture
def usb(request, _usb_holder):
    for machine in shared_machine_fixture(request, _usb_holder):
        # The prompt may come before the hub thread has enumerated everything.
        wait_output(machine, "lsusb", lambda out: "Mouse" in out and "Keyboard" in out)
        yield machine


def hmp(machine, command):
    return machine.qmp().execute("human-monitor-command", **{"command-line": command})


def wait_output(machine, command, predicate, timeout=30):
    """Runs command until predicate(output) holds (USB events arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        out = machine.run(command)
        if predicate(out) or time.monotonic() > deadline:
            return out
        time.sleep(0.3)


def type_key(machine, qcodes, echo):
    """Presses qcodes together and waits until the shell has echoed echo (either case:
    Caps Lock may be on)."""
    machine.qmp().send_key(*qcodes)
    machine.expect("(?i)" + re.escape(echo))


def type_line(machine, text):
    """Types text and Enter, one key at a time, each after the previous one's echo; returns
    the command's output."""
    machine.pos = len(machine.text)
    for ch in text:
        qcode, shifted = CHAR_KEYS[ch]
        type_key(machine, ("shift", qcode) if shifted else (qcode,), ch)
    start = machine.pos
    machine.qmp().send_key("ret")
    match = machine.expect(re.escape(keel.PROMPT))
    return machine.text[start:match.start()].lstrip("\n")


def lsusb_devices(machine):
    """(vid:pid, name) of every device but the root hubs."""
    out = machine.run("lsusb")
    assert all(len(line) <= 80 for line in out.splitlines()), out
    return sorted((f"{m[2]}:{m[3]}", m[4]) for m in LSUSB.findall(out) if m[2] != "1d6b")


def qemu_usb_products(machine):
    return sorted(re.findall(r"Product ([^,]+), ID", hmp(machine, "info usb")))


def test_enumerated_and_lsusb_matches_qemu(usb):
    assert re.search(r"xhci 0000:00:\S+: xHCI 1\.00?, \d+ slots, \d+ ports", usb.boot_text)
    wait_output(usb, "input", lambda out: "Mouse" in out and "Keyboard" in out)
    devices = lsusb_devices(usb)
    assert devices == sorted([("0627:0001", "QEMU QEMU USB Keyboard"),
                              ("0627:0001", "QEMU QEMU USB Mouse")]), devices
    assert [name.split(" ", 1)[1] for _, name in devices] == qemu_usb_products(usb)
    tree = usb.run("lsusb -t")
    assert re.search(r"Port 1: Dev \d+, If 0, Class=Human Interface Device, Driver=usbhid", tree)
    assert re.search(r"Port 2: Dev \d+, If 0, Class=Human Interface Device, Driver=usbhid", tree)
    lsmod = usb.run("lsmod")
    for module in ("xhci", "usbcore", "usbhid"):
        assert re.search(rf"(?m)^{module} ", lsmod), lsmod
    inputs = usb.run("input")
    assert '"QEMU QEMU USB Keyboard"' in inputs and '"QEMU QEMU USB Mouse"' in inputs
    assert "ps2: no i8042 controller found" in usb.boot_text


@pytest.mark.parametrize("text", [UNSHIFTED, SHIFTED], ids=["unshifted", "shifted"])
def test_every_printable_character(usb, text):
    command = "echo " + shell_quote(text)
    output = type_line(usb, command)
    assert output == text + "\n", output


def test_caps_lock_changes_case_and_led(usb):
    usb.qmp().send_key("caps_lock")
    assert "leds=caps\n" in wait_leds(usb, "caps")
    output = type_line(usb, "ECHO aZ1")  # Caps Lock makes it echo
    usb.qmp().send_key("caps_lock")
    assert "leds=none\n" in wait_leds(usb, "none")
    assert output == "Az1\n", output
    assert type_line(usb, "echo aZ") == "aZ\n"


def test_mouse_buttons_reach_the_input_layer(usb):
    time.sleep(1)  # the release of the Enter that ran the last command comes 100 ms late
    usb.pos = len(usb.text)
    usb.send_line("showkey -k -n 2 -t 20")
    usb.expect(r"showkey: .* stops\)\n")
    for down in (True, False):
        usb.qmp().execute("input-send-event", events=[
            {"type": "btn", "data": {"down": down, "button": "left"}}])
        time.sleep(0.3)
    out = usb.expect(r"showkey: done\n")
    text = usb.text[:out.start()]
    assert "keycode 272 press" in text and "keycode 272 release" in text
    usb.wait_prompt()


def test_unplug_and_plug_autoloads_usbhid(usb):
    hmp(usb, "device_del kbd")
    inputs = wait_output(usb, "input", lambda out: "USB Keyboard" not in out)
    assert "USB Keyboard" not in inputs
    assert re.search(r"usb 1-1: USB disconnect, device number \d+", usb.text)
    assert ("0627:0001", "QEMU QEMU USB Keyboard") not in lsusb_devices(usb)
    usb.run("rmmod usbhid")
    assert "usbhid" not in usb.run("lsmod")
    hmp(usb, "device_add usb-kbd,bus=xhci.0,port=1,id=kbd")
    inputs = wait_output(usb, "input", lambda out: "USB Keyboard" in out)
    assert "USB Keyboard" in inputs, inputs
    assert re.search(r"(?m)^usbhid ", usb.run("lsmod"))
    assert type_line(usb, "echo back") == "back\n"
    assert lsusb_devices(usb) and qemu_usb_products(usb) == ["QEMU USB Keyboard",
                                                             "QEMU USB Mouse"]


def test_reload_usbhid_and_xhci_memory_at_baseline(usb):
    usb.run("rmmod usbhid; modprobe usbhid")  # allocations made once (shell, modprobe)
    wait_output(usb, "input", lambda out: "USB Keyboard" in out)
    baseline = mem(usb)
    out = usb.run("repeat -q 100 rmmod usbhid ; modprobe usbhid", timeout=600)
    assert "rror" not in out and "failed" not in out, out
    out = usb.run("repeat -q 99 rmmod xhci ; modprobe xhci", timeout=900)
    assert "rror" not in out and "failed" not in out, out
    out = usb.run("rmmod xhci", timeout=60)
    usb.run("modprobe xhci", timeout=60)
    # The interrupt (MSI with the APIC, else INTx) took events, not only the fallback poll.
    counts = re.search(r"xhci \S+: stopped after (\d+) events, (\d+) interrupts", out)
    assert counts and int(counts[2]) > 0, out
    inputs = wait_output(usb, "input", lambda out: "USB Keyboard" in out and "Mouse" in out)
    assert "USB Keyboard" in inputs and "USB Mouse" in inputs, inputs
    after = mem(usb)
    assert after["HeapUsed"] - baseline["HeapUsed"] < 1024, (baseline, after)
    assert baseline["MemFree"] - after["MemFree"] <= 64, (baseline, after)
    assert type_line(usb, "echo alive") == "alive\n"
    assert "Oops" not in usb.text and "BUG" not in usb.text


def test_keyboard_behind_two_hubs(boot_machine, default_iso, stick_image):
    """A keyboard two hubs deep and a stick behind the first hub: both enumerate, type and
    read; unplugging the inner hub takes the keyboard with it and leaves the stick."""
    m = boot_machine(default_iso, machine=Q35, extra_args=XHCI + [
        "-device", "usb-hub,bus=xhci.0,port=1,id=hub1",
        "-device", "usb-hub,bus=xhci.0,port=1.2,id=hub2",
        "-device", "usb-kbd,bus=xhci.0,port=1.2.3,id=kbd",
        "-drive", f"if=none,id=hubstick,format=raw,file={stick_image}",
        "-device", "usb-storage,bus=xhci.0,port=1.4,drive=hubstick"])
    tree = wait_output(m, "lsusb -t", lambda out: "Driver=usbhid" in out and
                       "Driver=usb-storage" in out)
    assert re.search(r"(?m)^        \|__ Port 4: Dev \d+, If 0, Class=Mass Storage, "
                     r"Driver=usb-storage", tree), tree
    data = stick_image.read_bytes()
    assert guest_crc(m, "blk read sda 100 300") == zlib.crc32(data[100 * SECTOR:400 * SECTOR])
    assert re.search(r"(?m)^    \|__ Port 1: Dev \d+, If 0, Class=Hub, Driver=hub", tree), tree
    assert re.search(r"(?m)^        \|__ Port 2: Dev \d+, If 0, Class=Hub, Driver=hub", tree)
    assert re.search(r"(?m)^            \|__ Port 3: Dev \d+, If 0, Class=Human Interface "
                     r"Device, Driver=usbhid", tree), tree
    assert [n for _, n in lsusb_devices(m)].count("QEMU QEMU USB Hub") == 2
    assert "hub 1-1.2: 8 ports detected" in m.text
    assert type_line(m, "echo deep") == "deep\n"
    hmp(m, "device_del hub2")
    inputs = wait_output(m, "input", lambda out: "USB Keyboard" not in out)
    assert "USB Keyboard" not in inputs
    assert re.search(r"usb 1-1\.2\.3: USB disconnect", m.text)
    assert re.search(r"usb 1-1\.2: USB disconnect", m.text)
    assert [n for _, n in lsusb_devices(m)].count("QEMU QEMU USB Hub") == 1
    assert guest_crc(m, "blk read sda 0 64") == zlib.crc32(data[:64 * SECTOR])  # still there


def test_uefi_boot_types(boot_machine, default_iso):
    m = boot_machine(default_iso, mode="uefi-cd", machine=Q35, extra_args=XHCI + KBD)
    wait_output(m, "input", lambda out: "USB Keyboard" in out)
    assert type_line(m, "echo uefi typed") == "uefi typed\n"


SECTOR = 512
STICK_SECTORS = 16384
CRC = re.compile(r"crc32 0x([0-9a-f]{8})")


@pytest.fixture(scope="module")
def stick_image(tmp_path_factory):
    """An MBR disk: a random 6 MiB partition and 1 MiB of random bytes after it."""
    import subprocess
    path = tmp_path_factory.mktemp("usb-stick") / "stick.img"
    data = bytearray(os.urandom(STICK_SECTORS * SECTOR))
    path.write_bytes(bytes(data))
    subprocess.run(["sfdisk", "-q", str(path)], input="label: dos\nstart=2048, size=12288, "
                   "type=83\n", text=True, check=True)
    return path


def guest_crc(machine, command):
    out = machine.run(command, timeout=120)
    match = CRC.search(out)
    assert match, f"{command}: no CRC in {out!r}"
    return int(match.group(1), 16)


def test_usb_storage_reads_writes_and_unplug(boot_machine, default_iso, stick_image):
    from test_ata import xorshift_pattern
    m = boot_machine(default_iso, machine=Q35, extra_args=XHCI + [
        "-drive", f"if=none,id=stick,format=raw,file={stick_image}",
        "-device", "usb-storage,bus=xhci.0,port=3,drive=stick,id=stick",
        "-boot", "order=d"])  # the stick has a partition table: SeaBIOS would boot it
    wait_output(m, "lsblk", lambda out: "sda1" in out)
    assert re.search(r"usb-storage 1-\d+:1\.0: sda: \"QEMU QEMU HARDDISK\", 16384 blocks of 512 "
                     r"bytes \(8 MiB\)", m.text), m.text[-2000:]
    data = stick_image.read_bytes()
    for start, count in [(0, 1), (1, 7), (127, 130), (2048, 1), (4000, 2000),
                         (STICK_SECTORS - 300, 300)]:
        expect = zlib.crc32(data[start * SECTOR:(start + count) * SECTOR])
        assert guest_crc(m, f"blk read sda {start} {count}") == expect, (start, count)
    assert guest_crc(m, "blk read sda1 0 64") == zlib.crc32(data[2048 * SECTOR:2112 * SECTOR])
    writes = [(5, 3, 31), (3000, 300, 32), (STICK_SECTORS - 1, 1, 33)]
    for start, count, seed in writes:
        crc = guest_crc(m, f"blk write sda {start} {count} {seed}")
        assert crc == zlib.crc32(xorshift_pattern(seed, count * SECTOR))
    m.run("sync")
    expect = bytearray(data)
    for start, count, seed in writes:
        expect[start * SECTOR:(start + count) * SECTOR] = xorshift_pattern(seed, count * SECTOR)
    assert stick_image.read_bytes() == bytes(expect)
    hmp(m, "device_del stick")
    assert "sda" not in wait_output(m, "lsblk", lambda out: "sda" not in out)
    # device_del took the drive with it (if=none drives go with their device): a new one.
    hmp(m, f"drive_add 0 if=none,id=stick2,format=raw,file={stick_image}")
    assert hmp(m, "device_add usb-storage,bus=xhci.0,port=3,drive=stick2,id=stick") == ""
    assert "sda1" in wait_output(m, "lsblk", lambda out: "sda1" in out)
    assert guest_crc(m, "blk read sda 5 3") == zlib.crc32(xorshift_pattern(31, 3 * SECTOR))
    module = re.search(r"(?m)^(usb[-_]storage)\s", m.run("lsmod")).group(1)
    reload = f"rmmod {module} ; modprobe {module}"
    m.run(f"repeat -q 1 {reload}")  # allocations made once (shell, modprobe)
    wait_output(m, "lsblk", lambda out: "sda1" in out)
    baseline = mem(m)
    out = m.run(f"repeat -q 100 {reload}", timeout=900)
    assert "rror" not in out and "failed" not in out, out
    assert "sda1" in wait_output(m, "lsblk", lambda out: "sda1" in out)
    after = mem(m)
    assert after["HeapUsed"] - baseline["HeapUsed"] < 1024, (baseline, after)
    assert baseline["MemFree"] - after["MemFree"] <= 64, (baseline, after)
    assert guest_crc(m, "blk read sda 5 3") == zlib.crc32(xorshift_pattern(31, 3 * SECTOR))
    assert "Oops" not in m.text


def test_empty_stick_is_skipped(boot_machine, default_iso, tmp_path):
    """A stick of 0 bytes (QEMU then fails READ CAPACITY): one line, the device skipped, no
    block device, the machine fine."""
    empty = tmp_path / "empty.img"
    empty.write_bytes(b"")
    m = boot_machine(default_iso, machine=Q35, extra_args=XHCI + [
        "-drive", f"if=none,id=empty,format=raw,file={empty}",
        "-device", "usb-storage,bus=xhci.0,port=3,drive=empty"])
    log = wait_output(m, "dmesg", lambda out: "skipped" in out)
    assert re.search(r"usb-storage 1-\d+:1\.0: .*skipped", log), log[-1500:]
    assert "sda" not in m.run("lsblk")
    assert "Oops" not in m.text
