"""Interval timers (docs/process.md, "Interval timers"): alarm(2), getitimer(2) and
setitimer(2) with ITIMER_REAL. tests/user/itimer.c runs on the host Linux and in Keel with the
same output (alarm's rounding, round trips, periodic SIGALRM, sleeps and reads it ends, the
re-arm on delivery, threads, fork, execve, errors); ITIMER_VIRTUAL and ITIMER_PROF are EINVAL
in Keel; no memory is left behind by processes that exit with a timer running; and busybox
`ping`, which sends each echo request from a SIGALRM handler, gets its 3 replies."""

import re
import shutil

import pytest

import keel
import test_user
from test_lwip import PING_LINE, lease, slirp
from test_user import USER_BUILD, assert_no_leak, assert_no_oops, host_run, meminfo
from test_user import program_output

guest = test_user.guest
_user_holder = test_user._user_holder


def test_itimer_same_output_as_host(guest):
    expected, code = host_run("itimer", (str(USER_BUILD / "itimer"),))
    assert code == 0
    out = guest.run("run /bin/itimer /bin/itimer", timeout=120)
    assert_no_oops(out)
    assert not re.search(r"unimplemented 3[678] ", out), out
    assert program_output(out) == expected


def test_virtual_and_prof_are_einval(guest):
    """Keel's scheduler keeps no user/system split of CPU time: these two are refused."""
    out = guest.run("run /bin/itimer virt")
    assert_no_oops(out)
    for call in ("sys_set(ITIMER_VIRTUAL, &v, NULL)", "sys_set(ITIMER_PROF, &v, NULL)",
                 "sys_get(ITIMER_VIRTUAL, &got)", "sys_get(ITIMER_PROF, &got)"):
        assert f"{call} = -1 errno 22 (Invalid argument)" in out, out


def test_no_leak_and_no_late_alarm_after_exit(guest):
    """Each run leaves exited children whose periodic timers were running: mem comes back to
    its baseline and nothing fires on a freed process."""
    guest.run("run /bin/itimer", timeout=120)  # first-use allocations out of the way
    before = meminfo(guest)
    for _ in range(3):
        out = guest.run("run /bin/itimer", timeout=120)
        assert "child with a running timer exited 3" in out, out
        assert_no_oops(out)
    guest.run("run /bin/hello")
    assert_no_leak(before, meminfo(guest))


def fill(root):
    (root / "bin").mkdir()
    shutil.copy("/bin/busybox", root / "bin" / "busybox")


PING = keel.Variant("itimer-ping", extra=fill)


def test_busybox_ping_three_replies(boot_machine):
    """busybox ping re-arms alarm() to send each request: 3 of them, 3 replies, the summary."""
    keel.build_variant(PING)
    machine = boot_machine(PING.iso, extra_args=slirp())
    lease(machine)
    out = machine.run("run /extra/bin/busybox ping -c 3 10.0.2.2", timeout=60)
    assert [int(m.group(1)) for m in PING_LINE.finditer(out)] == [0, 1, 2], out
    assert "3 packets transmitted, 3 packets received, 0% packet loss" in out, out
    assert re.search(r"^round-trip min/avg/max = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms$", out,
                     re.M), out
    # glibc's start-up asks for rseq and prctl (not Keel's yet); the timer calls are there
    assert not re.search(r"unimplemented 3[678] ", machine.text), machine.tail()
    assert "Oops" not in machine.text and "BUG" not in machine.text, machine.tail()
