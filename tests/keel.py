"""Keel's QEMU test library: builds ISO variants, boots them, drives the serial shell, speaks QMP.

Used by the pytest QEMU tests (tests/test_*.py, through tests/conftest.py) and the benchmarks
(tests/bench/). Nothing here measures time for an assertion: timeouts only bound how long a
broken kernel can keep a test waiting, and they are generous because the machine is shared.
"""

import codecs
import fcntl
import json
import os
import re
import select
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pexpect

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("KEEL_BUILD", "build"))  # relative to ROOT, like the Makefile's
PROMPT = "keel> "
NEWLINE = "\r"  # what a terminal sends for Enter
OVMF_CODE = Path("/usr/share/OVMF/OVMF_CODE_4M.fd")
OVMF_VARS = Path("/usr/share/OVMF/OVMF_VARS_4M.fd")
MODES = ("bios-cd", "uefi-cd", "bios-usb", "uefi-usb")

BOOT_TIMEOUT = float(os.environ.get("KEEL_BOOT_TIMEOUT", "240"))
CMD_TIMEOUT = float(os.environ.get("KEEL_CMD_TIMEOUT", "60"))
QEMU_LIFETIME = int(os.environ.get("KEEL_QEMU_LIFETIME", "1200"))  # hard stop for a lost QEMU

# Seen while waiting for something else, these end the wait at once: the kernel is dead.
FATAL_PATTERNS = (r"Kernel panic - not syncing",)
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?=]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>78cDEHM]")


class KeelError(AssertionError):
    """A boot or shell interaction went wrong; the message carries the serial log's tail."""


def session_id():
    """One id per test session (pytest sets it for all its workers), so variants build once."""
    sid = os.environ.get("KEEL_TEST_SESSION")
    if not sid:
        sid = os.environ["KEEL_TEST_SESSION"] = uuid.uuid4().hex
    return sid


# ---------------------------------------------------------------------------------------------
# ISO variants


@dataclass
class Variant:
    """One build configuration: `make BUILD=<dir> iso CMDLINE=... INITRD_EXTRA=...`.

    extra, when given, fills the INITRD_EXTRA folder (it lands under /extra/ in the initrd);
    etc, when given, maps file names to contents placed in the initrd's /etc (replacing files
    of iso/initrd/etc of the same name), through the Makefile's INITRD_STAGE_DIRS.
    """

    name: str
    cmdline: str = ""
    extra: Optional[Callable[[Path], None]] = None
    etc: dict = field(default_factory=dict)

    @property
    def build_dir(self):
        return BUILD if self.name == "default" else BUILD / "test" / self.name

    @property
    def iso(self):
        return ROOT / self.build_dir / "keel.iso"

    @property
    def initrd_root(self):
        return ROOT / self.build_dir / "initrd-root"

    @property
    def inputs_dir(self):
        return ROOT / BUILD / "test" / (self.name + ".inputs")


DEFAULT = Variant("default")


def build_variant(variant):
    """Builds the variant's ISO once per session; concurrent workers wait on a file lock."""
    lock_path = ROOT / BUILD / ".test-build.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = ROOT / variant.build_dir / ".test-session"
        if stamp.exists() and stamp.read_text() == session_id() and variant.iso.exists():
            return variant.iso
        _run_make(variant)
        stamp.write_text(session_id())
    return variant.iso


def _prepare_inputs(variant):
    args, env = [], dict(os.environ)
    shutil.rmtree(variant.inputs_dir, ignore_errors=True)
    if variant.extra:
        extra = variant.inputs_dir / "extra"
        extra.mkdir(parents=True)
        variant.extra(extra)
        args.append(f"INITRD_EXTRA={extra}")
    else:
        args.append("INITRD_EXTRA=")
    if variant.etc:
        etc = variant.inputs_dir / "etc"
        etc.mkdir(parents=True)
        for name, content in variant.etc.items():
            (etc / name).write_text(content)
        # From the environment, so the Makefile's own `INITRD_STAGE_DIRS +=` still apply.
        env["INITRD_STAGE_DIRS"] = f"etc={etc}"
    return args, env


def _run_make(variant):
    args, env = _prepare_inputs(variant)
    env.pop("MAKEFLAGS", None)
    env.pop("MFLAGS", None)
    cmd = ["make", "--no-print-directory", "-j2", f"BUILD={variant.build_dir}",
           f"CMDLINE={variant.cmdline}", *args, "iso"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise KeelError(f"building variant {variant.name} failed: {' '.join(cmd)}\n"
                        + proc.stdout[-4000:])
    for name, content in variant.etc.items():
        staged = variant.initrd_root / "etc" / name
        if not staged.exists() or staged.read_text() != content:
            raise KeelError(f"variant {variant.name}: /etc/{name} did not reach the initrd "
                            "staging tree (INITRD_STAGE_DIRS from the environment ignored?)")


# ---------------------------------------------------------------------------------------------
# QMP


class QMPError(Exception):
    pass


class QMP:
    """A minimal QMP client: JSON objects, one per line, over QEMU's unix socket."""

    def __init__(self, path, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(str(path))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rwb")
        self.events = []
        greeting = self._receive()
        if "QMP" not in greeting:
            raise QMPError(f"unexpected QMP greeting {greeting}")
        self.execute("qmp_capabilities")

    def _receive(self):
        line = self.file.readline()
        if not line:
            raise EOFError("QMP connection closed")
        return json.loads(line)

    def execute(self, command, **arguments):
        request = {"execute": command}
        if arguments:
            request["arguments"] = arguments
        self.file.write(json.dumps(request).encode() + b"\n")
        self.file.flush()
        while True:
            reply = self._receive()
            if "event" in reply:
                self.events.append(reply)
            elif "error" in reply:
                raise QMPError(f"{command}: {reply['error']}")
            elif "return" in reply:
                return reply["return"]

    def drain_events(self):
        """Reads every message left on the socket until QEMU closes it (after it exits)."""
        try:
            while True:
                reply = self._receive()
                if "event" in reply:
                    self.events.append(reply)
        except (EOFError, OSError, ValueError):
            pass
        return self.events

    def screendump(self, path):
        self.execute("screendump", filename=str(path))
        return read_ppm(path)

    def send_key(self, *qcodes, hold_time=None):
        keys = [{"type": "qcode", "data": k} for k in qcodes]
        args = {"keys": keys}
        if hold_time is not None:
            args["hold-time"] = hold_time
        return self.execute("send-key", **args)

    def query_pci(self):
        return self.execute("query-pci")

    def quit(self):
        try:
            self.execute("quit")
        except (EOFError, OSError):
            pass

    def close(self):
        try:
            self.file.close()
            self.sock.close()
        except OSError:
            pass


@dataclass
class Image:
    width: int
    height: int
    pixels: bytes  # RGB, row-major

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return self.pixels[i:i + 3]

    def rows(self, first, count):
        start = first * self.width * 3
        return self.pixels[start:start + count * self.width * 3]


def read_ppm(path):
    """Parses the binary PPM (P6, maxval 255) QEMU's screendump writes."""
    data = Path(path).read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError(f"{path}: not a P6/255 PPM")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + width * height * 3]
    return Image(width, height, pixels)


# ---------------------------------------------------------------------------------------------
# A QEMU machine on the serial console


def qemu_mode_args(mode, iso, workdir):
    """The QEMU arguments that boot `iso` in one of MODES; copies what QEMU may write."""
    firmware, medium = mode.split("-")
    args = []
    if firmware == "uefi":
        vars_copy = workdir / "ovmf-vars.fd"
        shutil.copyfile(OVMF_VARS, vars_copy)
        args += ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                 "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    elif firmware != "bios":
        raise ValueError(f"unknown mode {mode}")
    if medium == "cd":
        args += ["-cdrom", str(iso)]
        if firmware == "bios":
            # SeaBIOS tries hard disks first; on q35 that includes NVMe namespaces, and a test
            # disk with an MBR signature (sfdisk's, or random bytes a test wrote) would be
            # booted instead of the CD and hang before GRUB.
            args += ["-boot", "order=d"]
    elif medium == "usb":
        stick = workdir / "stick.img"
        shutil.copyfile(iso, stick)
        args += ["-drive", f"if=none,id=stick,format=raw,file={stick}",
                 "-device", "qemu-xhci", "-device", "usb-storage,drive=stick,bootindex=0"]
    else:
        raise ValueError(f"unknown mode {mode}")
    return args


class Machine:
    """One QEMU run with its serial port on a pexpect pty and a QMP socket.

    Output is kept as text (CRs and ANSI escapes removed) in self.text; self.pos marks how far
    expect() has consumed. The raw bytes also go to <workdir>/serial.log.
    """

    def __init__(self, iso, workdir, mode="bios-cd", mem="256M", machine="pc", extra_args=()):
        self.iso, self.mode, self.mem, self.machine = Path(iso), mode, mem, machine
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.extra_args = list(extra_args)
        self.text, self.pos = "", 0
        self._pending_escape = ""
        self.boot_text = None
        self.child = None
        self.exitstatus = None
        self._qmp = None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._qmp_dir = Path(tempfile.mkdtemp(prefix="keel-qmp-"))  # short: sun_path limit
        self.qmp_path = self._qmp_dir / "qmp.sock"

    def command_line(self):
        return (["timeout", "--foreground", "--kill-after=10", str(QEMU_LIFETIME),
                 "qemu-system-x86_64", "-accel", "tcg", "-M", self.machine, "-m", self.mem,
                 "-no-reboot", "-display", "none", "-monitor", "none",
                 # signal=off: a Ctrl-C the test types reaches the guest instead of ending QEMU
                 "-chardev", "stdio,id=serial0,signal=off", "-serial", "chardev:serial0",
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                 "-qmp", f"unix:{self.qmp_path},server=on,wait=off"]
                + qemu_mode_args(self.mode, self.iso, self.workdir) + self.extra_args)

    def start(self):
        argv = self.command_line()
        (self.workdir / "qemu-command").write_text(" ".join(argv) + "\n")
        self._log = open(self.workdir / "serial.log", "wb")
        self.started_at = time.monotonic()
        self.child = pexpect.spawn(argv[0], argv[1:], timeout=None, echo=False)
        return self

    # --- reading -------------------------------------------------------------------------

    def _read_available(self, timeout):
        """Reads what QEMU printed within `timeout` s; False once QEMU has exited."""
        if self.exitstatus is not None:
            return False
        try:
            data = self.child.read_nonblocking(65536, timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            self.child.close()
            self.exitstatus = self.child.exitstatus
            if self.exitstatus is None:
                self.exitstatus = -(self.child.signalstatus or 0)
            return False
        self._log.write(data)
        self._log.flush()
        self.text += self._strip_escapes(self._decoder.decode(data).replace("\r", ""))
        return True

    def _strip_escapes(self, chunk):
        """Removes terminal escape sequences, holding back one cut off at the chunk's end
        (QEMU often passes the guest's output on a byte at a time)."""
        text = self._pending_escape + chunk
        self._pending_escape = ""
        cut = text.rfind("\x1b")
        if cut != -1 and len(text) - cut < 16 and not ANSI_ESCAPE.match(text, cut):
            text, self._pending_escape = text[:cut], text[cut:]
        return ANSI_ESCAPE.sub("", text)

    def tail(self, lines=40):
        return "\n".join(self.text.splitlines()[-lines:])

    def fail(self, message):
        status = "" if self.exitstatus is None else f" (QEMU exited, status {self.exitstatus})"
        raise KeelError(f"{message}{status} [{self.mode}, -M {self.machine}, -m {self.mem}]\n"
                        f"--- last serial output ({self.workdir}/serial.log) ---\n{self.tail()}")

    def wait_for(self, predicate, timeout, what, fatal=FATAL_PATTERNS):
        """Reads until predicate(text from self.pos) is truthy and returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate(self.text[self.pos:])
            if value:
                return value
            for pattern in fatal or ():
                if re.search(pattern, self.text[self.pos:]):
                    self._read_available(1)  # let the rest of the message arrive
                    self.fail(f"kernel died while waiting for {what}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.fail(f"timed out after {timeout:.0f} s waiting for {what}")
            if not self._read_available(min(remaining, 1.0)):
                value = predicate(self.text[self.pos:])
                if value:
                    return value
                self.fail(f"QEMU exited while waiting for {what}")

    def expect(self, pattern, timeout=CMD_TIMEOUT, fatal=FATAL_PATTERNS):
        """Waits for regex `pattern` after self.pos; consumes up to the match's end."""
        regex = re.compile(pattern)
        match = self.wait_for(regex.search, timeout, f"/{pattern}/", fatal)
        start = self.pos
        self.pos += match.end()
        return regex.search(self.text, start)  # the same match, with absolute offsets

    def wait_prompt(self, timeout=BOOT_TIMEOUT):
        match = self.expect(re.escape(PROMPT), timeout)
        if self.boot_text is None:
            self.boot_text = self.text[:match.start()]  # all output before the first prompt
        return match

    # --- writing -------------------------------------------------------------------------

    def send(self, text):
        """Writes to the serial port while still reading, so a long line cannot deadlock
        (the guest echoes while we type; neither side may block on a full pty)."""
        data = memoryview(text.encode())
        fd = self.child.child_fd
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        try:
            deadline = time.monotonic() + CMD_TIMEOUT
            while data:
                if time.monotonic() > deadline:
                    self.fail("timed out writing to the serial port")
                readable, writable, _ = select.select([fd], [fd], [], 1.0)
                if readable and not self._read_available(0):
                    self.fail("QEMU exited while input was being sent")
                if writable:
                    try:
                        data = data[os.write(fd, data[:64]):]
                    except BlockingIOError:
                        pass
        finally:
            fcntl.fcntl(fd, fcntl.F_SETFL, flags)

    def send_line(self, line):
        self.send(line + NEWLINE)

    def run(self, command, timeout=CMD_TIMEOUT):
        """Types a command at the prompt; returns its output (without the echoed command
        line) up to the next prompt."""
        start = self.pos = len(self.text)
        self.send_line(command)
        match = self.expect(re.escape(PROMPT), timeout)
        return strip_echo(self.text[start:match.start()], command)

    def run_sync(self, command, timeout=CMD_TIMEOUT):
        """Like run(), but for input after which the prompt count is unknown (a rejected
        overlong line, say): afterwards the shell must answer a marker echo to be in sync."""
        start = len(self.text)
        self.pos = start
        self.send_line(command)
        marker = f"sync-{uuid.uuid4().hex[:8]}"
        self.send_line(f"echo {marker}")
        self.expect(rf"(?m)^{marker}$", timeout)
        self.wait_prompt(timeout)
        return self.text[start:]

    # --- QMP and exit --------------------------------------------------------------------

    def qmp(self):
        if self._qmp is None:
            self._qmp = QMP(self.qmp_path)
        return self._qmp

    def wait_exit(self, timeout=CMD_TIMEOUT):
        """Waits for QEMU to exit; returns its exit status."""
        deadline = time.monotonic() + timeout
        while self._read_available(1.0):
            if time.monotonic() > deadline:
                self.fail(f"QEMU still running {timeout:.0f} s later")
        return self.exitstatus

    def alive(self):
        return self.child is not None and self.exitstatus is None and self.child.isalive()

    def close(self):
        if self._qmp:
            self._qmp.close()
        if self.child is not None and self.child.isalive():
            self.child.terminate(force=True)
        if self.child is not None:
            self.child.close(force=True)
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self._qmp_dir, ignore_errors=True)


def strip_echo(output, command):
    """Drops the shell's echo of the command: everything up to the first newline."""
    head, sep, rest = output.partition("\n")
    return rest if sep else ""


def boot(iso, workdir, **kwargs):
    """Starts a Machine and waits for the first prompt (after /etc/rc has run)."""
    machine = Machine(iso, workdir, **kwargs).start()
    try:
        machine.wait_prompt(BOOT_TIMEOUT)
    except BaseException:
        machine.close()
        raise
    return machine


def parse_meminfo(text):
    """{'MemTotal': kB, 'MemFree': kB, 'HeapUsed': bytes} from `mem` output."""
    values = {}
    for key, unit in (("MemTotal", "kB"), ("MemFree", "kB"), ("HeapUsed", "bytes")):
        match = re.search(rf"^{key}:\s+(\d+)\s+{unit}\s*$", text, re.M)
        if match:
            values[key] = int(match.group(1))
    return values
