"""The file, pipe, terminal, time, system and module system calls of issue 14's second slice:
static musl programs from tests/user/ run in Keel by the shell's `run` and on the host, and
their outputs compared (the host Linux is the oracle). Programs print only what both kernels
must agree on; what the host cannot show the same way (the console as a terminal, the guest's
clock against the host's) is asserted on the guest's output directly."""

import time

import pytest

import conftest
import keel
from test_user import USER, assert_no_leak, assert_no_oops, host_run, meminfo, program_output


@pytest.fixture(scope="module")
def _files_holder(tmp_path_factory):
    keel.build_variant(USER)
    holder = conftest.SharedMachine(USER.iso, tmp_path_factory.mktemp("shared-user-files"),
                                    extra_args=["-cpu", "max"])
    yield holder
    holder.close()


@pytest.fixture
def guest(request, _files_holder):
    yield from conftest.shared_machine_fixture(request, _files_holder)


def guest_run(guest, name, args=()):
    out = guest.run(f"run /bin/{name} {' '.join(args)}".rstrip())
    assert_no_oops(out)
    return program_output(out)


@pytest.mark.parametrize("name", ["fsfiles", "fds", "pipes", "errors", "sysinfo", "polls"])
def test_same_output_as_host(guest, name):
    expected, code = host_run(name)
    assert code == 0, expected
    assert guest_run(guest, name) == expected


def test_ctrl_c_ends_blocked_pipe_read(guest):
    guest.send_line("run /bin/pipes block")
    guest.expect("blocking")
    guest.send("\x03")
    guest.expect(r"run: /bin/pipes killed by signal 2 \(SIGINT\)")
    guest.wait_prompt()
    assert "hello pipe" in guest_run(guest, "pipes")


def test_time_calls(guest):
    """The host's clock at test start is argv[1]: CLOCK_REALTIME (from the RTC) must be
    near it in both kernels; the rest is the same on both."""
    now = str(int(time.time()))
    expected, code = host_run("timecalls", (now,))
    assert code == 0 and "realtime near the host's: 1" in expected, expected
    assert guest_run(guest, "timecalls", (now,)) == expected


def test_syslog_reads_kernel_log(guest):
    out = guest_run(guest, "sysinfo", ("syslog",))
    assert "size buffer positive: 1" in out
    assert "read all: 1, mentions cpu: 1" in out
    assert "last 10 bytes: 10, ends in newline: 1" in out
    assert "syscall(SYS_syslog, 3, (void *)16, 100) = -1 errno 14" in out
    assert "syscall(SYS_syslog, 77, buf, 10) = -1 errno 22" in out


def test_module_calls(guest):
    out = guest_run(guest, "modcalls")
    expected = [
        "fd = 3",
        'syscall(SYS_finit_module, fd, "", 0) = 0',
        'syscall(SYS_finit_module, fd, "", 0) = -1 errno 17',
        'syscall(SYS_delete_module, "hello", O_NONBLOCK) = 0',
        'syscall(SYS_delete_module, "hello", O_NONBLOCK) = -1 errno 2',
        "fstat(fd, &st) = 0",
        "read(fd, image, st.st_size) == st.st_size = 1",
        'syscall(SYS_init_module, image, st.st_size, "who=syscall") = 0',
        'syscall(SYS_init_module, image, st.st_size, "") = -1 errno 17',
        'syscall(SYS_delete_module, "hello", O_NONBLOCK) = 0',
        'syscall(SYS_init_module, (void *)16, st.st_size, "") = -1 errno 14',
        'syscall(SYS_finit_module, 99, "", 0) = -1 errno 9',
        "syscall(SYS_delete_module, (void *)16, 0) = -1 errno 14",
        'syscall(SYS_delete_module, "nosuchmodule", 0) = -1 errno 2',
    ]
    lines = [l for l in out.splitlines() if not l.startswith("hello:")]
    assert len(lines) == len(expected), out
    for want, got in zip(expected, lines):
        assert got.startswith(want), out
    assert "hello: loaded (who=syscall, count=1)" in guest.run("dmesg")
    assert "hello" not in guest.run("lsmod")


def test_termios(guest):
    out = guest_run(guest, "termios")
    for want in [
        "isatty 0 1 2: 1 1 1",
        "icanon 1 echo 1 isig 1 vmin 1 vintr 3",
        "after raw: icanon 0 echo 0",
        "winsize 80x25\n", "winsize 132x50\n",
        "pgrp is pid: 1",
        "tcsetpgrp(0, getpid()) = 0",
        "ioctl(0, TIOCSCTTY, 0) = -1 errno 1",  # not a session leader: EPERM, as Linux
        "tcgetsid is the session: 1",
        "tcsetpgrp(0, 99999) = -1 errno 3",  # no such group
        "tcsetpgrp(0, -2) = -1 errno 22",
        "ioctl(0, TIOCGPGRP, &pgrp) = -1 errno 25",  # setsid: no controlling terminal
        "tcgetsid(0) = -1 errno 25",
        "tcgetsid(0) = -1 errno 25 (Not a tty)\nioctl(0, TIOCSCTTY, 0) = -1 errno 1",  # in the child
        "ioctl(0, TCGETS, (void *)16) = -1 errno 14",
        "ioctl(fd, TCGETS, &t) = -1 errno 25",
        "isatty(fd) = 0",
        "ioctl(p[0], TIOCGWINSZ, &ws) = -1 errno 25",
        "ioctl(99, TCGETS, &t) = -1 errno 9",
        "/dev/tty is a tty: 1",
        "/dev/console is a tty: 1",
    ]:
        assert want in out, out


def test_raw_mode_reads_one_byte(guest):
    guest.send_line("run /bin/termios raw")
    guest.expect("raw>")
    guest.send("x")
    guest.expect(r"got 1 byte\(s\), first 120")
    guest.expect("raw2>")
    guest.send("\x03")
    guest.expect(r"got 1 byte\(s\), first 3\r?\n")
    guest.expect("raw3>")
    for c in "abc":  # VMIN 3: one read for three bytes typed one by one
        guest.send(c)
        time.sleep(0.2)
    guest.expect(r"got 3 byte\(s\): abc")
    guest.expect(r"read\(0, c, sizeof\(c\)\) = 0")
    guest.wait_prompt()
    # the shell got its canonical mode back, and Ctrl-C interrupts programs again
    assert "hello, world" in guest_run(guest, "hello")
    guest.send_line("run /bin/spin")
    guest.expect("spinning")
    guest.send("\x03")
    guest.expect(r"run: /bin/spin killed by signal 2 \(SIGINT\)")
    guest.wait_prompt()


def test_fuzz_file_calls(guest):
    out = guest.run("run /bin/fsfuzz", timeout=300)
    assert_no_oops(out)
    assert "fsfuzz: 20000 calls, still alive" in out, out
    assert "hello, world" in guest_run(guest, "hello")


def test_canonical_read_without_echo(guest):
    guest.send_line("run /bin/termios noecho")
    guest.expect("secret>")
    start = len(guest.text)
    guest.send("hunter2x\x7f\r")
    guest.expect(r"line \[hunter2\]")
    assert "hunter2" not in guest.text[start:guest.text.index("read(0, line", start)], guest.text
    guest.wait_prompt()


@pytest.mark.parametrize("name", ["pipes", "fds", "polls", "sysinfo", "termios"])
def test_no_leak(guest, name):
    """Pipes, fd tables, poll tables, fs_structs, syslog copies all go. (fsfiles and errors
    are left out: their random /tmp names leave negative dentries in the dcache, a cache
    bounded by DCACHE_UNUSED_MAX, not a leak.)"""
    guest.run(f"run /bin/{name}")  # first-use allocations out of the way
    before = meminfo(guest)
    out = guest.run(f"repeat 20 run /bin/{name}", timeout=600)
    assert_no_oops(out)
    assert_no_leak(before, meminfo(guest))


def test_mount_sync_reboot_calls(guest):
    out = guest_run(guest, "sysadmin")
    for want in [
        'mount("none", "/tmp/kmnt", "ramfs", 0, NULL) = 0',
        "f_type 0x858458f6 namelen 255",
        "fstatfs f_type 0x858458f6",
        'umount2("/tmp/kmnt", 0) = -1 errno 16',
        "syncfs(1) = 0",
        'umount("/tmp/kmnt") = 0\n',
        'umount("/tmp/kmnt") = -1 errno 22',
        'mount("none", "/tmp/kmnt", "nosuchfs", 0, NULL) = -1 errno 19',
        'mount("none", (char *)16, "ramfs", 0, NULL) = -1 errno 14',
        'mount("none", "/tmp/kmnt", "ramfs", MS_BIND, NULL) = -1 errno 22',
        'rmdir("/tmp/kmnt") = 0',
        "syscall(SYS_reboot, 0, 0, RB_POWER_OFF, 0) = -1 errno 22",
        "syscall(SYS_reboot, 0xfee1dead, 12345, RB_POWER_OFF, 0) = -1 errno 22",
        "syscall(SYS_reboot, 0xfee1dead, 672274793, 0x12345678, 0) = -1 errno 22",
        "reboot(RB_ENABLE_CAD) = 0",
    ]:
        assert want in out, out
