"""Robustness of processes (issue 14), in a boot of its own so that it runs beside the other
process tests: 10,000 fork/exit cycles and 1,000 fork/exec/exit cycles with `mem` back at its
baseline, every system call taking a pointer given NULL, -1, a kernel address and an unmapped
page (the same errors as the host's Linux, no oops), and random system calls with random
arguments for a full minute."""

import pytest

import keel
from test_user import assert_no_leak, assert_no_oops, host_run, meminfo, program_output

FUZZ_SECONDS = 60


@pytest.fixture(scope="module")
def guest(default_iso, tmp_path_factory):
    machine = keel.boot(default_iso, tmp_path_factory.mktemp("robust"))
    machine.run("run /bin/forkexec /bin/exit42 3")  # first-use allocations out of the way
    machine.run("run /bin/forkloop 3")
    yield machine
    machine.close()


@pytest.mark.parametrize("command,result", [
    ("forkloop 10000", "forkloop: 10000 of 10000 reaped with their status"),
    ("forkexec /bin/exit42 1000", "1000 of 1000 exited with 42"),
], ids=["10000 fork-exit", "1000 fork-exec-exit"])
def test_cycles_leave_memory_at_baseline(guest, command, result):
    before = meminfo(guest)
    out = guest.run(f"run /bin/{command}", timeout=1200)
    assert_no_oops(out)
    assert result in out, out
    assert_no_leak(before, meminfo(guest))


def test_bad_pointers_in_every_pointer_argument_like_host(guest):
    expected, code = host_run("ptrcalls")
    assert code == 0 and expected.count("Bad address") > 150, expected
    out = guest.run("run /bin/ptrcalls", timeout=300)
    assert_no_oops(out)
    assert program_output(out) == expected


def test_random_syscalls_for_a_minute(guest):
    out = guest.run(f"run /bin/fuzzall {FUZZ_SECONDS}", timeout=FUZZ_SECONDS * 10)
    assert_no_oops(out)
    assert "still alive" in out, out
    assert program_output(guest.run("run /bin/hello")) == "hello, world\n"
    assert "Oops" not in guest.run("dmesg")
