"""Host side of serial.ko's tests and benchmark: QEMU serial ports on unix sockets, and a Machine
whose console (COM1) is such a socket, binary-clean, unlike the pty (which turns \\n into \\r\\n
and ^C into SIGINT).

A guest command `serial send <tty> <seed> <bytes>` prints `serial: sent N bytes on ttySn, crc32
0xXXXXXXXX`; `serial recv <tty> <bytes> [ms]` prints `serial: <tty> taken for N raw bytes`
when it is ready, then `serial: received N bytes on ttySn, crc32 0xXXXXXXXX`.
"""

import os
import re
import select
import shutil
import socket
import tempfile
import threading
import time

import keel

SENT = re.compile(r"serial: sent (\d+) bytes on (ttyS\d+), crc32 0x([0-9a-f]{8})\n")
RECEIVED = re.compile(r"serial: received (\d+) bytes on (ttyS\d+), crc32 0x([0-9a-f]{8})\n")
DETECTED = re.compile(r"serial: (ttyS\d+) at I/O 0x([0-9a-f]+) \(irq = (\d+)\) is a (\w+)(.*)")
# One port of `serial`: its line, then the error counters indented on the next.
PORT_LINE = re.compile(r"^(ttyS\d+) (\w+) io 0x([0-9a-f]+) irq (\d+) (\d+) (\d)([neo])(\d) (.*)\n"
                       r"( +overrun .*)$", re.M)


class SocketDir:
    """A short-named temporary folder for unix sockets (sun_path holds 108 bytes)."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="keel-ser-")

    def socket(self, name):
        return os.path.join(self.path, name + ".sock")

    def close(self):
        shutil.rmtree(self.path, ignore_errors=True)


def chardev_args(chardev_id, path, device=None):
    """QEMU arguments for a serial port (ISA, or `device` such as pci-serial) on a socket."""
    args = ["-chardev", f"socket,id={chardev_id},path={path},server=on,wait=off"]
    if device:
        return args + ["-device", f"{device},chardev={chardev_id}"]
    return args + ["-serial", f"chardev:{chardev_id}"]


def connect(path, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Receiver(threading.Thread):
    """Reads `count` bytes from a socket in the background."""

    def __init__(self, sock, count):
        super().__init__(daemon=True)
        self.sock, self.count, self.data = sock, count, bytearray()
        self.finished_at = None

    def run(self):
        self.sock.settimeout(120)
        try:
            while len(self.data) < self.count:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.data += chunk
        except OSError:
            pass
        self.finished_at = time.monotonic()


class Sender(threading.Thread):
    """Writes data to a socket in the background."""

    def __init__(self, sock, data):
        super().__init__(daemon=True)
        self.sock, self.data, self.error = sock, data, None
        self.finished_at = None

    def run(self):
        try:
            self.sock.sendall(self.data)
        except OSError as error:
            self.error = error
        self.finished_at = time.monotonic()


def guest_sends(machine, sock, tty, count, seed=1):
    """`serial send` on tty, read from sock; returns (data, guest's crc, seconds)."""
    receiver = Receiver(sock, count)
    receiver.start()
    start = time.monotonic()
    out = machine.run(f"serial send {tty} {seed} {count}", timeout=180)
    receiver.join(60)
    match = SENT.search(out)
    if not match:
        machine.fail(f"serial send {tty}: no result line")
    end = receiver.finished_at or time.monotonic()
    return bytes(receiver.data), int(match.group(3), 16), end - start


def guest_receives(machine, sock, tty, data, timeout_ms=120000):
    """`serial recv` on tty of data written to sock; returns (count, guest's crc, seconds)."""
    machine.pos = len(machine.text)
    machine.send_line(f"serial recv {tty} {len(data)} {timeout_ms}")
    machine.expect(rf"{tty} taken for \d+ raw bytes")
    start = time.monotonic()
    if sock is None:
        machine.send(data)
    else:
        sock.sendall(data)
    match = machine.expect(RECEIVED.pattern, timeout=timeout_ms / 1000 + 30)
    seconds = time.monotonic() - start
    machine.wait_prompt(keel.CMD_TIMEOUT)
    return int(match.group(1)), int(match.group(3), 16), seconds


class SocketConsoleMachine(keel.Machine):
    """A Machine whose COM1 (the shell's console) is a unix socket: binary-clean both ways.
    self.raw keeps every byte received."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.console_path = str(self._qmp_dir / "com1.sock")
        self.sock = None
        self.raw = bytearray()

    def command_line(self):
        argv = super().command_line()
        stdio = argv.index("stdio,id=serial0,signal=off")
        del argv[stdio - 1:stdio + 1]  # the "-chardev stdio" pair
        argv[argv.index("chardev:serial0")] = "chardev:con0"
        # wait=on: QEMU starts the guest only once we are connected, so nothing is lost.
        return argv + ["-chardev", f"socket,id=con0,path={self.console_path},server=on,wait=on"]

    def start(self):
        super().start()
        self.sock = connect(self.console_path)
        return self

    def _read_available(self, timeout):
        if self.exitstatus is not None:
            return False
        readable, _, _ = select.select([self.sock], [], [], timeout)
        if not readable:
            return True
        data = self.sock.recv(65536)
        if not data:
            self.child.expect(keel.pexpect.EOF, timeout=10)
            self.child.close()
            self.exitstatus = self.child.exitstatus if self.child.exitstatus is not None else -1
            return False
        self.raw += data
        self._log.write(data)
        self._log.flush()
        self.text += self._strip_escapes(self._decoder.decode(data).replace("\r", ""))
        return True

    def send(self, data):
        """Writes text or bytes while reading, like Machine.send."""
        view = memoryview(data.encode() if isinstance(data, str) else data)
        deadline = time.monotonic() + 180
        self.sock.setblocking(False)
        try:
            while view:
                if time.monotonic() > deadline:
                    self.fail("timed out writing to the console socket")
                readable, writable, _ = select.select([self.sock], [self.sock], [], 1.0)
                if readable:
                    self.sock.setblocking(True)
                    alive = self._read_available(0)
                    self.sock.setblocking(False)
                    if not alive:
                        self.fail("QEMU exited while input was being sent")
                if writable:
                    try:
                        view = view[self.sock.send(view[:65536]):]
                    except BlockingIOError:
                        pass
        finally:
            self.sock.setblocking(True)

    def close(self):
        if self.sock is not None:
            self.sock.close()
        super().close()


def console_guest_sends(machine, tty, count, seed=1, timeout=180):
    """`serial send` on the console line of a SocketConsoleMachine: (the count raw bytes after
    the command's `sending` line, the bytes after them, the match of its result line)."""
    marker = f"serial: sending {count} bytes on {tty}\r\n".encode()
    start = len(machine.raw)
    machine.send_line(f"serial send {tty} {seed} {count}")
    deadline = time.monotonic() + timeout
    # Searches only the raw bytes' tail: expect() on a megabyte of text would be quadratic.
    while True:
        begin = machine.raw.find(marker, start)
        if begin >= 0:
            tail = machine.raw[begin + len(marker) + count:].decode(errors="replace")
            match = SENT.search(tail.replace("\r", ""))
            if match and keel.PROMPT in tail[match.end():]:
                break
        if time.monotonic() > deadline or not machine._read_available(1.0):
            machine.fail(f"serial send {tty}: no result line and prompt")
    machine.pos = len(machine.text)
    begin += len(marker)
    rest = bytes(machine.raw[begin + count:])
    match = SENT.search(rest.decode(errors="replace").replace("\r", ""))
    return bytes(machine.raw[begin:begin + count]), rest, match
