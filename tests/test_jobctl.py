"""Job control and the console (issue 14 points 7-9, docs/user.md "Job control and the
console"): Debian's busybox sh, typed at the keel> prompt as a path, runs interactively on the
serial console with line editing and job control: a pipeline, `sleep &` and `jobs`, Ctrl-Z on a
foreground job, `bg`, `fg` and Ctrl-C, kill -STOP/-CONT seen by the shell's wait, `exit` back
to keel>. Then the boot image's second GRUB entry (init=/sbin/init): busybox init on the
console, a shell after Enter, job control there too, `poweroff` ending QEMU; and init dying
panics with Linux's "Attempted to kill init!"."""

import re
import shutil
import subprocess
import time

import pytest

import keel
from test_user import assert_no_oops

SH_PROMPT = "/ # "


class Shell:
    """busybox sh on a machine's console: commands typed, output read up to the next prompt."""

    def __init__(self, machine):
        self.m = machine

    def run(self, command, timeout=60):
        start = self.m.pos = len(self.m.text)
        self.m.send(command + keel.NEWLINE)
        self.m.expect(re.escape(command), timeout)  # the echo, then the output
        match = self.m.expect(re.escape(SH_PROMPT), timeout)
        return self.m.text[start:match.start()]

    def start_job(self, command):
        """A foreground command that is still running afterwards."""
        self.m.pos = len(self.m.text)
        self.m.send(command + keel.NEWLINE)
        self.m.expect(re.escape(command) + r"\n")
        time.sleep(2)  # until the child has put itself in the foreground

    def key(self, char, expect, tries=3):
        """Types a control key until expect appears (a key typed before the job took the
        foreground went to the shell, which ignores it)."""
        for _ in range(tries):
            self.m.send(char)
            try:
                return self.m.expect(expect, timeout=10)
            except keel.KeelError:
                continue
        self.m.fail(f"no /{expect}/ after typing {char!r} {tries} times")


@pytest.fixture(scope="module")
def keel_machine(default_iso, tmp_path_factory):
    machine = keel.boot(default_iso, tmp_path_factory.mktemp("jobctl"))
    yield machine
    machine.close()


@pytest.fixture
def keel_sh(keel_machine):
    """busybox sh started from the keel> prompt (again, after a test that left it)."""
    keel_machine.pos = len(keel_machine.text)
    keel_machine.send(keel.NEWLINE)
    prompt = keel_machine.expect(rf"{re.escape(SH_PROMPT)}|{re.escape(keel.PROMPT)}")
    if prompt.group(0) == keel.PROMPT:
        keel_machine.send_line("/bin/sh")
        keel_machine.expect(re.escape(SH_PROMPT), 120)
    return Shell(keel_machine)


def test_pipeline(keel_sh):
    out = keel_sh.run("echo one two three | tr a-z A-Z | wc -w")
    assert re.search(r"(?m)^3$", out), out
    out = keel_sh.run("echo hello | tr a-z A-Z; echo $((6*7))")
    assert "HELLO\n42\n" in out, out


def test_background_job_listed(keel_sh):
    keel_sh.run("sleep 30 &")
    out = keel_sh.run("jobs")
    assert re.search(r"\[\d\]\+\s+Running\s+sleep 30", out), out


def test_ctrl_z_bg_fg_ctrl_c(keel_sh):
    keel_sh.start_job("sleep 100")
    keel_sh.key("\x1a", r"\^Z\[\d\]\+\s+Stopped\s+sleep 100")  # echoed as Linux's ECHOCTL
    keel_sh.m.expect(re.escape(SH_PROMPT))
    out = keel_sh.run("jobs")
    assert re.search(r"\[(\d)\]\+\s+Stopped\s+sleep 100", out), out
    job = re.search(r"\[(\d)\]\+\s+Stopped\s+sleep 100", out).group(1)
    out = keel_sh.run("bg")
    assert re.search(rf"\[{job}\] sleep 100", out), out
    out = keel_sh.run("jobs")
    assert re.search(rf"\[{job}\]\+\s+Running\s+sleep 100", out), out
    keel_sh.start_job(f"fg %{job}")
    keel_sh.key("\x03", re.escape(SH_PROMPT))
    out = keel_sh.run("jobs; echo shell alive")
    assert "sleep 100" not in out and "shell alive" in out, out


def test_kill_stop_and_cont_seen_by_wait(keel_sh):
    keel_sh.run("sleep 4 & pid=$!")
    out = keel_sh.run("kill -STOP $pid; sleep 1; jobs")
    assert re.search(r"Stopped.*sleep 4", out), out  # ash's waitpid(WUNTRACED) saw it
    # ash does not wait with WCONTINUED (its `wait` on a job it saw stop gives 128 + 19):
    # that the job runs on shows in its normal end.
    out = keel_sh.run("kill -CONT $pid; sleep 5; jobs", timeout=120)
    assert re.search(r"Done\s+sleep 4", out), out
    keel_sh.run("sleep 60 & pid=$!")
    out = keel_sh.run("kill -STOP $pid; kill $pid; kill -CONT $pid; wait $pid; echo status $?")
    assert "status 143" in out, out  # 128 + SIGTERM, held while stopped


def test_ctrl_backslash_quits(keel_sh):
    keel_sh.start_job("sleep 100")
    keel_sh.key("\x1c", r"Quit")  # SIGQUIT: killed, with the core flag
    keel_sh.m.expect(re.escape(SH_PROMPT))
    assert "alive" in keel_sh.run("echo alive")


def test_background_read_and_tostop_write_stop(keel_sh):
    keel_sh.run("busybox cat &")
    out = keel_sh.run("sleep 1; jobs")
    assert re.search(r"Stopped \(tty input\)\s+busybox cat", out), out  # SIGTTIN
    keel_sh.run("kill -9 %busybox; sleep 1; jobs")
    keel_sh.run("stty tostop; (echo from the background) &")
    out = keel_sh.run("sleep 1; jobs")
    assert re.search(r"Stopped \(tty output\)", out), out  # SIGTTOU
    assert not re.search(r"(?m)^from the background$", out), out
    out = keel_sh.run("stty -tostop; fg")  # foreground now: the write goes through
    assert re.search(r"(?m)^from the background$", out), out


def test_line_editing_and_ctrl_c_at_the_prompt(keel_sh):
    # Raw mode: the shell's line editor sees each key (Ctrl-A, left arrow...)
    keel_sh.m.pos = len(keel_sh.m.text)
    keel_sh.m.send("cho edited\x01e\x1b[D" + keel.NEWLINE)
    keel_sh.m.expect(r"(?m)^edited$")
    keel_sh.m.expect(re.escape(SH_PROMPT))
    keel_sh.m.send("echo abandoned\x03")  # Ctrl-C drops the line, the shell stays
    keel_sh.m.expect(re.escape(SH_PROMPT))
    assert "alive" in keel_sh.run("echo alive")


def test_exit_gives_the_console_back(keel_sh):
    m = keel_sh.m
    m.pos = len(m.text)
    m.send("exit" + keel.NEWLINE)
    m.wait_prompt(60)
    out = m.run("/bin/busybox false")
    assert "keel: /bin/busybox exited with status 1" in out, out
    out = m.run("/bin/busybox ls -l /proc")
    assert re.search(r"(?m)meminfo$", out), out
    assert "exited" not in out, out
    out = m.run("/bin/nosuchprogram")
    assert "keel: /bin/nosuchprogram: " in out and "ENOENT" in out, out
    # Ctrl-C is the kernel shell's again: a long command stops, the prompt comes back.
    m.send_line("run /bin/spin")
    time.sleep(2)
    m.send("\x03")
    m.wait_prompt(60)
    assert_no_oops(m.text)


def grub_entry_iso(tmp_path, init):
    """The default build's ISO with GRUB's second entry (busybox init) as the default, and
    init=/sbin/init replaced by init when given."""
    isodir = tmp_path / "isodir"
    shutil.copytree(keel.ROOT / keel.BUILD / "isodir", isodir)
    cfg = isodir / "boot/grub/grub.cfg"
    text = cfg.read_text()
    assert "menuentry \"Keel with busybox init\"" in text
    text = text.replace("set default=0", "set default=1")
    if init:
        text = text.replace("init=/sbin/init", f"init={init}")
    cfg.write_text(text)
    iso = tmp_path / "init.iso"
    subprocess.run(["grub-mkrescue", "-o", str(iso), str(isodir)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return iso


def test_busybox_init_shell_and_poweroff(default_iso, tmp_path):
    machine = keel.Machine(grub_entry_iso(tmp_path, None), tmp_path / "qemu").start()
    try:
        machine.expect("init: running /sbin/init as pid 1", keel.BOOT_TIMEOUT)
        machine.expect("busybox init: /etc/inittab read")
        machine.expect("Please press Enter to activate this console.")
        machine.send(keel.NEWLINE)
        machine.expect(re.escape(SH_PROMPT))
        sh = Shell(machine)
        out = sh.run("echo $((1+2)) | tr 3 x; ls /sbin/init")
        assert "x\n" in out and "/sbin/init" in out, out
        out = sh.run("kill -9 1; echo init still there")  # pid 1 has no default actions
        assert "init still there" in out, out
        sh.start_job("sleep 100")  # the shell has the console as controlling terminal
        sh.key("\x1a", r"Stopped\s+sleep 100")
        machine.expect(re.escape(SH_PROMPT))
        out = sh.run("kill %1; jobs")
        machine.send("poweroff" + keel.NEWLINE)
        machine.expect("Requesting system poweroff")
        assert machine.wait_exit(120) is not None
        assert_no_oops(machine.text)
    finally:
        machine.close()


def test_init_exit_panics(default_iso, tmp_path):
    machine = keel.Machine(grub_entry_iso(tmp_path, "/bin/false"), tmp_path / "qemu").start()
    try:
        machine.expect(r"Kernel panic - not syncing: Attempted to kill init! "
                       r"exitcode=0x00000100", keel.BOOT_TIMEOUT, fatal=None)
    finally:
        machine.close()
