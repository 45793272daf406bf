"""Processes proper (issue 14, docs/user.md): fork with copy-on-write, vfork, posix_spawn,
execve from user space and its errors, wait4 and its statuses, orphans reaped by init,
process groups, kill, signal handlers and frames (forged frames refused). Each program's output
is compared with the same binary run on the host Linux; plus the process limit against a fork
bomb, Ctrl-C reaching a whole process group and a leak check over 300 fork + exec cycles."""

import pytest

import keel

import test_user
from test_user import USER_BUILD, assert_no_leak, assert_no_oops, host_run, meminfo
from test_user import program_output

guest = test_user.guest
_user_holder = test_user._user_holder

HELLO_HOST = str(USER_BUILD / "hello")
NOT_ELF_HOST = str(keel.ROOT / "tests/fixtures/notelf")  # a text file with x bits: ENOEXEC


@pytest.mark.parametrize("name,host_args,guest_args", [
    ("forktest", (), ()),
    ("cow", (), ()),
    ("mprot", (), ()),
    ("mprot", ("edges",), ("edges",)),
    ("orphan", (), ()),
    ("killpg", (), ()),
    ("jobctl", (), ()),
    ("vforkexec", (HELLO_HOST, NOT_ELF_HOST), ("/bin/hello", "/etc/modules")),
    ("badframe", (), ()),
])
def test_same_output_as_host(guest, name, host_args, guest_args):
    expected, code = host_run(name, host_args)
    assert code == 0
    out = guest.run(f"run /bin/{name} {' '.join(guest_args)}".rstrip(), timeout=120)
    assert_no_oops(out)
    assert program_output(out) == expected


def test_orphan_reparented_to_init(guest):
    out = guest.run("run /bin/orphan ppid", timeout=120)
    assert "grandchild reparented: 1" in out
    assert "grandchild ppid: 1\n" in out
    # Reaped: no zombie left (a task that just exited may still be on its way out).
    assert any("orphan" not in guest.run("ps") for _ in range(5))


def test_forged_kernel_segments_still_run_in_ring_3(guest):
    out = guest.run("run /bin/badframe cs")
    assert_no_oops(out)
    assert "cs forged: exited 7" in out


def test_no_leak_after_300_fork_exec_cycles(guest):
    guest.run("run /bin/forkexec /bin/exit42 3")  # first-use allocations out of the way
    before = meminfo(guest)
    out = guest.run("run /bin/forkexec /bin/exit42 300", timeout=600)
    assert "300 of 300 exited with 42" in out
    assert_no_oops(out)
    assert_no_leak(before, meminfo(guest))


@pytest.mark.parametrize("name", ["signals", "sigframe", "altstack"])
def test_signals_same_output_as_host(guest, name):
    expected, code = host_run(name)
    assert code == 0
    out = guest.run(f"run /bin/{name}", timeout=120)
    assert_no_oops(out)
    assert program_output(out) == expected


def test_fork_bomb_stops_at_the_process_limit(guest):
    guest.run("run /bin/hello")
    before = meminfo(guest)
    out = guest.run("run /bin/forkbomb", timeout=600)
    assert_no_oops(out)
    assert "fork failed with EAGAIN: 1 after 255 children" in out  # 256 with forkbomb
    assert "reaped 255 of 255" in out
    assert program_output(guest.run("run /bin/hello")) == "hello, world\n"  # the shell lives
    assert_no_leak(before, meminfo(guest))


def test_ctrl_c_reaches_the_whole_process_group(guest):
    guest.send_line("run /bin/pgspin")
    guest.expect("spinning in a group of 3")
    guest.send(test_user.CTRL_C)
    guest.expect(r"run: /bin/pgspin killed by signal 2 \(SIGINT\)")
    guest.wait_prompt()
    assert any("pgspin" not in guest.run("ps") for _ in range(5))


@pytest.mark.parametrize("restart", [False, True])
def test_ctrl_c_interrupts_console_read(guest, restart):
    guest.send_line("run /bin/sigread" + (" restart" if restart else ""))
    guest.expect("reading")
    if restart:  # SA_RESTART: the read starts again and gets the next line
        guest.send(test_user.CTRL_C)
        guest.send_line("again")
        guest.expect("read 6 bytes: again")
        guest.expect("handler ran: 1")
    else:
        # A Ctrl-C typed before the program is inside read() only runs the handler (as on
        # Linux) and the read goes on waiting: type it again until the read fails.
        for _ in range(10):
            guest.send(test_user.CTRL_C)
            try:
                guest.expect("read: Interrupted system call, handler ran: 1", timeout=3)
                break
            except keel.KeelError:
                continue
        else:
            pytest.fail("the console read never returned EINTR")
    guest.wait_prompt()
