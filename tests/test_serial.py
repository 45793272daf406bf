"""serial.ko in QEMU: detection of COM1, COM2 and a PCI card (pci-serial), 1 MiB each way on
COM2 (a unix socket) with CRC32s matching the host's zlib.crc32 while the shell keeps answering
on COM1, the same on COM1 = ttyS0 itself (a machine whose console is a socket), the PCI port,
error counters, and rmmod/modprobe of serial.ko in the middle of output: no line lost or doubled.
"""

import random
import re
import time
import zlib

import pytest

import keel
import serialhost
from conftest import SharedMachine, shared_machine_fixture

MIB = 1 << 20
PCI_BYTES = 64 * 1024
TTY_INPUT_SIZE = 4096  # <keel/tty.h>


@pytest.fixture(scope="module")
def sockets():
    holder = serialhost.SocketDir()
    yield holder
    holder.close()


@pytest.fixture(scope="module")
def _serial_holder(default_iso, sockets, tmp_path_factory):
    extra = (["-nic", "none"]
             + serialhost.chardev_args("com2", sockets.socket("com2"))
             + serialhost.chardev_args("pcis", sockets.socket("pci"), device="pci-serial"))
    holder = SharedMachine(default_iso, tmp_path_factory.mktemp("shared-serial"),
                           extra_args=extra)
    yield holder
    holder.close()


@pytest.fixture
def machine(request, _serial_holder):
    """The default ISO with COM2 and a pci-serial card on sockets, shared by the tests."""
    yield from shared_machine_fixture(request, _serial_holder)


def connect(sockets, name):
    sock = serialhost.connect(sockets.socket(name))
    sock.settimeout(60)
    return sock


def ports(machine):
    """{tty: (type, io, irq, counters dict, words)} from `serial`: each port's line, then its
    error counters on an indented line."""
    found = {}
    for m in serialhost.PORT_LINE.finditer(machine.run("serial")):
        words = m.group(9).split() + m.group(10).split()
        counters = {name: int(value) for name, value in zip(words, words[1:])
                    if value.isdigit() and not name.isdigit()}
        found[m.group(1)] = (m.group(2), int(m.group(3), 16), int(m.group(4)), counters, words)
    return found


def pci_tty(machine):
    for m in serialhost.DETECTED.finditer(machine.run("dmesg")):
        if " on 0000:" in m.group(5):
            return m.group(1)
    machine.fail("no PCI serial port in dmesg")


def test_detection(machine):
    dmesg = machine.run("dmesg")
    detected = {m.group(1): m for m in serialhost.DETECTED.finditer(dmesg)}
    assert "serial: ttyS0 at I/O 0x3f8 (irq = 4) is a 16550A (console)" in dmesg
    assert "serial: ttyS1 at I/O 0x2f8 (irq = 3) is a 16550A" in dmesg
    assert "ttyS2" not in detected or detected["ttyS2"].group(2) != "3e8"  # no COM3 in QEMU
    listed = ports(machine)
    assert listed["ttyS0"][:3] == ("16550A", 0x3f8, 4) and "console" in listed["ttyS0"][4]
    assert listed["ttyS1"][:3] == ("16550A", 0x2f8, 3)


def test_com2_host_to_guest_while_shell_answers(machine, sockets):
    """1 MiB into ttyS1 captured in the background; the shell answers on COM1 meanwhile."""
    data = random.randbytes(MIB)
    sock = connect(sockets, "com2")
    try:
        machine.run("serial sink ttyS1 on")
        sender = serialhost.Sender(sock, data)
        sender.start()
        answered = 0
        while sender.is_alive() or answered == 0:
            word = f"alive-{answered}"
            assert machine.run(f"echo {word}").strip() == word
            answered += 1
            time.sleep(0.25)  # a command flood would only slow the transfer down
        sender.join()
        assert sender.error is None
        deadline = time.monotonic() + 60
        while True:
            stat = machine.run("serial stat ttyS1")
            count = int(re.search(r"sink on, (\d+) bytes", stat).group(1))
            if count >= MIB or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        machine.run("serial sink ttyS1 off")
    finally:
        sock.close()
    match = re.search(r"sink on, (\d+) bytes on ttyS1, crc32 0x([0-9a-f]{8})", stat)
    assert int(match.group(1)) == MIB
    assert int(match.group(2), 16) == zlib.crc32(data)
    assert answered >= 2, "the shell did not answer while data was flowing"
    counters = ports(machine)["ttyS1"][3]
    assert counters["overrun"] == 0 and counters["framing"] == 0 and counters["rx"] >= MIB


def test_com2_guest_to_host(machine, sockets):
    sock = connect(sockets, "com2")
    try:
        data, crc, _ = serialhost.guest_sends(machine, sock, "ttyS1", MIB, seed=7)
    finally:
        sock.close()
    assert len(data) == MIB
    assert zlib.crc32(data) == crc
    assert ports(machine)["ttyS1"][3]["tx"] >= MIB


def test_pci_serial_card(machine, sockets):
    tty = pci_tty(machine)
    listed = ports(machine)
    assert listed[tty][0] == "16550A" and "pci" in listed[tty][4]
    assert "Kernel driver in use: serial" in machine.run("lspci -v")
    sock = connect(sockets, "pci")
    try:
        data, crc, _ = serialhost.guest_sends(machine, sock, tty, PCI_BYTES, seed=3)
        assert len(data) == PCI_BYTES and zlib.crc32(data) == crc
        payload = random.randbytes(PCI_BYTES)
        count, crc, _ = serialhost.guest_receives(machine, sock, tty, payload)
        assert count == PCI_BYTES and crc == zlib.crc32(payload)
    finally:
        sock.close()
    assert ports(machine)[tty][3]["overrun"] == 0


def test_settings_and_errors(machine):
    out = machine.run("serial set ttyS1 57600 7e2")
    assert re.search(r"^ttyS1 16550A .* 57600 7e2 ", out, re.M)
    out = machine.run("serial set ttyS1 115200 8n1")
    assert re.search(r"^ttyS1 16550A .* 115200 8n1 ", out, re.M)
    assert "usage:" in machine.run("serial set ttyS1 12345")
    assert "no such port" in machine.run("serial stat ttyS7")
    assert "usage:" in machine.run("serial send ttyS1")


def test_tty_core_integration(machine, sockets):
    """stty reaches the UART (console tty -> ttyS0 too); without a sink, received bytes go to
    ttyS1's tty input queue; when it is full serial.ko holds the rest back in the UART (the host
    waits) rather than dropping it, and a capture started later gets every remaining byte."""
    machine.run("stty -F ttyS1 57600 cs7")
    assert re.search(r"^ttyS1 .* 57600 7n1 ", machine.run("serial"), re.M)
    machine.run("stty 38400")
    assert re.search(r"^ttyS0 .* 38400 8n1 ", machine.run("serial"), re.M)
    machine.run("stty 115200")
    machine.run("stty -F ttyS1 115200 cs8")
    ttys = machine.run("ttys")
    assert all(re.search(rf"^{tty}\s", ttys, re.M) for tty in ("ttyS0", "ttyS1"))
    before = ports(machine)["ttyS1"][3]
    data = random.randbytes(TTY_INPUT_SIZE + 1000)
    sock = connect(sockets, "com2")
    try:
        sock.sendall(data)
        taken, deadline = -1, time.monotonic() + 30
        while taken != ports(machine)["ttyS1"][3]["rx"] - before["rx"]:  # until it stops
            assert time.monotonic() < deadline, "ttyS1 kept receiving"
            taken = ports(machine)["ttyS1"][3]["rx"] - before["rx"]
            time.sleep(1)
        assert 0 < taken <= TTY_INPUT_SIZE, taken  # the queue's room, no more
        assert ports(machine)["ttyS1"][3]["dropped"] == before["dropped"]
        out = machine.run(f"serial recv ttyS1 {len(data) - taken} 20000", timeout=60)
        assert f"received {len(data) - taken} bytes on ttyS1, crc32 0x{zlib.crc32(data[taken:]):08x}" in out, out
    finally:
        sock.close()


def test_unload_during_output_loses_no_line(machine):
    """Numbered lines, then rmmod and modprobe of serial.ko, three times in one shell line."""
    lines = 300
    out = machine.run(f"repeat 3 serial seq {lines} ; rmmod serial ; modprobe serial",
                      timeout=180)
    numbers = [int(m.group(1)) for m in re.finditer(rf"^seq (\d+) of {lines}$", out, re.M)]
    assert numbers == list(range(lines)) * 3
    assert out.count("serial: ttyS0 at I/O 0x3f8 (irq = 4) is a 16550A (console)") == 3
    assert "repeat: 3 iterations done" in out
    assert "ttyS1" in ports(machine)  # the ports came back
    assert machine.run("echo still-here").strip() == "still-here"


def test_rmmod_leaves_nothing(machine):
    """rmmod serial: no command, no PCI binding; COM1 input and output still work (early
    console); modprobe brings every port back."""
    machine.run("rmmod serial")
    assert "command not found" in machine.run("serial")
    assert "Kernel driver in use: serial" not in machine.run("lspci -v")
    assert machine.run("echo early-console").strip() == "early-console"
    out = machine.run("modprobe serial")
    assert "serial: ttyS0 at I/O 0x3f8 (irq = 4) is a 16550A (console)" in out
    assert set(ports(machine)) >= {"ttyS0", "ttyS1", pci_tty(machine)}
    assert "Kernel driver in use: serial" in machine.run("lspci -v")


def test_parameters(machine):
    """console=0 leaves COM1 to the early console; probe_mask=1 probes COM1 only."""
    machine.run("rmmod serial")
    out = machine.run("modprobe serial console=0")
    assert "serial: COM1 left to the early console (console=0)" in out
    listed = ports(machine)
    assert "ttyS0" not in listed and listed["ttyS1"][1] == 0x2f8
    assert "pci" in listed["ttyS2"][4]  # numbered after the COM ports, COM1 included
    assert machine.run("echo early-still").strip() == "early-still"
    machine.run("rmmod serial")
    machine.run("modprobe serial probe_mask=1")
    listed = ports(machine)
    assert listed["ttyS0"][1] == 0x3f8
    assert all(port[1] != 0x2f8 for port in listed.values())  # COM2 not probed
    assert "pci" in listed["ttyS1"][4]  # the PCI card takes the next free number
    machine.run("rmmod serial")
    machine.run("modprobe serial")
    assert {"ttyS0", "ttyS1"} <= set(ports(machine))


@pytest.fixture
def socket_console(default_iso, boot_machine, tmp_path):
    machine = serialhost.SocketConsoleMachine(default_iso, tmp_path / "socket-console")
    machine.start()
    try:
        machine.wait_prompt()
        yield machine
    finally:
        print(f"--- console output ({machine.workdir}) ---\n{machine.text[-3000:]}")
        machine.close()


def test_ttys0_both_ways(socket_console):
    """1 MiB each way on COM1 = ttyS0 itself, the console line taken in raw mode."""
    machine = socket_console
    data = random.randbytes(MIB)
    count, crc, _ = serialhost.guest_receives(machine, None, "ttyS0", data)
    assert count == MIB and crc == zlib.crc32(data)
    assert machine.run("echo console-back").strip() == "console-back"
    sent, after, match = serialhost.console_guest_sends(machine, "ttyS0", MIB, seed=11)
    assert match and int(match.group(1)) == MIB
    assert after.startswith(b"\r\nserial: sent")
    assert zlib.crc32(sent) == int(match.group(3), 16)
    counters = ports(machine)["ttyS0"][3]
    assert counters["overrun"] == 0 and counters["rx"] >= MIB and counters["tx"] >= MIB
