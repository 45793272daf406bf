"""The reference Linux guest for side-by-side benchmarks (tests/bench/bench_*.py).

/work/shared/linux-guest/mkguest.sh builds Debian 12's kernel with a busybox initramfs (prompt
`linux> `, your files under /extra). This module builds it once into $(BUILD)/linux-guest (the
first build downloads two Debian packages, as root), adds a folder of extra files, and boots it
under the same QEMU flags Keel's benchmarks use (TCG, -M pc, 256 MiB, one CPU), driving its
serial console through keel.Machine. When the guest cannot be built, prepare() says why, so a
benchmark can print Keel's figures alone and state that the comparison was not measured.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import benchlib
from benchlib import keel

MKGUEST = Path(os.environ.get("KEEL_LINUX_GUEST_SCRIPT", "/work/shared/linux-guest/mkguest.sh"))
PROMPT = "linux> "
BUILD_TIMEOUT = 900  # the first build downloads the kernel package


class Unavailable(Exception):
    """The Linux guest cannot be built or booted here; the message says why."""


def guest_dir():
    return keel.ROOT / keel.BUILD / "linux-guest"


def build_static(source, output):
    """Compiles a host C file into a static x86_64 binary for the guest."""
    compiler = shutil.which("musl-gcc") or shutil.which("gcc")
    if not compiler:
        raise Unavailable("no gcc on the host to build the guest's static program")
    result = subprocess.run([compiler, "-static", "-O2", "-pthread", "-o", str(output),
                             str(source)], capture_output=True, text=True)
    if result.returncode:
        raise Unavailable(f"{compiler} -static {source.name} failed: {result.stderr.strip()}")


def prepare(extra, mods=""):
    """Builds (or reuses) the guest with the folder `extra` as /extra and the kernel modules
    `mods` (names, space-separated) loaded at boot; returns (kernel, initrd)."""
    if not MKGUEST.exists():
        raise Unavailable(f"{MKGUEST} is missing")
    out = guest_dir()
    if not (out / "img").is_dir() and os.geteuid() != 0:
        raise Unavailable("the first guest build needs root (apt-get download of the kernel)")
    env = dict(os.environ, OUT=str(out), EXTRA=str(extra), MODS=mods)
    try:
        result = subprocess.run(["bash", str(MKGUEST)], env=env, capture_output=True, text=True,
                                timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Unavailable(f"mkguest.sh took over {BUILD_TIMEOUT} s") from None
    paths = result.stdout.split()
    if result.returncode or len(paths) != 2:
        raise Unavailable(f"mkguest.sh failed ({result.returncode}): "
                          f"{(result.stderr or result.stdout).strip()[-300:]}")
    return Path(paths[0]), Path(paths[1])


class LinuxMachine(keel.Machine):
    """A keel.Machine that boots the Linux guest and talks to its busybox shell."""

    def __init__(self, kernel, initrd, workdir, mem="256M", machine="pc", extra_args=()):
        super().__init__(kernel, workdir, mem=mem, machine=machine, extra_args=extra_args)
        self.kernel, self.initrd = Path(kernel), Path(initrd)

    def command_line(self):
        return (["timeout", "--foreground", "--kill-after=10", str(keel.QEMU_LIFETIME),
                 "qemu-system-x86_64", "-accel", "tcg", "-M", self.machine, "-m", self.mem,
                 "-no-reboot", "-display", "none", "-monitor", "none",
                 "-chardev", "stdio,id=serial0,signal=off", "-serial", "chardev:serial0",
                 "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
                 "-kernel", str(self.kernel), "-initrd", str(self.initrd),
                 "-append", "console=ttyS0 quiet"] + self.extra_args)

    def wait_prompt(self, timeout=keel.BOOT_TIMEOUT):
        return self.expect(re.escape(PROMPT), timeout)

    def run(self, command, timeout=keel.CMD_TIMEOUT):
        start = self.pos = len(self.text)
        self.send_line(command)
        match = self.expect(re.escape(PROMPT), timeout)
        return keel.strip_echo(self.text[start:match.start()], command)


def boot(kernel, initrd, name):
    """Starts the guest and waits for its prompt; the caller closes the machine."""
    machine = LinuxMachine(kernel, initrd, benchlib.workdir(name))
    machine.start()
    machine.wait_prompt()
    return machine
