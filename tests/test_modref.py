"""Code that would run after its module is gone (modules/test_modref): a module's shell
command, work item, line discipline and tty driver each run `rmmod` of their own module. The
kernel holds a reference on the module around every call into it, so each attempt is refused
with EBUSY and one line saying why, the call returns into code that is still there (no oops),
and the shell names the command from live memory. Afterwards a plain rmmod works."""

import re

import pytest

BUSY_COMMAND = "rmmod: test_modref is in use (running its shell command)"
BUSY_REF = "rmmod: test_modref is in use (1 reference held)"
BUSY_OWN_CODE = "rmmod: test_modref is in use (called from its own code)"
REFUSED = "rmmod refused"


def no_oops(out):
    return "Call Trace:" not in out and "BUG:" not in out and "Oops" not in out


@pytest.fixture
def modref(shell):
    if "test_modref" not in shell.run("lsmod"):
        out = shell.run("insmod /lib/modules/test_modref.ko")
        assert "test_modref" in shell.run("lsmod"), out
    return shell


def test_rmmod_from_its_own_command_is_refused(modref):
    out = modref.run("modref_self")
    assert BUSY_COMMAND in out, out
    assert f"test_modref: command: {REFUSED}" in out, out
    # The shell's report names the command: read from the module, which is still there.
    assert "modref_self: Device or resource busy (EBUSY)" in out, out
    assert no_oops(out), out
    assert "test_modref" in modref.run("lsmod")


def test_rmmod_from_another_task_while_the_command_sleeps(modref):
    out = modref.run("modref_sleep")
    assert BUSY_COMMAND in out, out
    assert f"test_modref: work: {REFUSED}" in out, out
    assert "test_modref: sleep: woke up, work's rmmod gave -16" in out, out
    assert no_oops(out), out


def test_rmmod_from_its_own_work_item(modref):
    out = modref.run("modref_work") + modref.run("modref_wait")
    # The work may try while modref_wait runs (the command pins the module) or before it
    # starts (then the work's own frames on its stack are what refuses): both are EBUSY.
    assert BUSY_OWN_CODE in out or BUSY_COMMAND in out, out
    assert "test_modref: wait: work's rmmod gave -16" in out, out
    assert no_oops(out), out


def test_rmmod_from_its_line_discipline(modref):
    modref.run("stty ldisc modref")
    try:
        # '!' makes the discipline's receive_char run the rmmod while the shell reads a line.
        start = len(modref.text)
        modref.run("ab!cd")
        out = modref.text[start:]  # with the echo: the refusal comes in the middle of it
        assert BUSY_REF in out, out
        assert f"test_modref: ldisc: {REFUSED}" in out, out
        assert re.search(r"keel: abcd: command not found", out), out
        assert no_oops(out), out
    finally:
        modref.run("stty ldisc n_tty")
    assert "n_tty" in modref.run("stty")


def test_rmmod_from_its_tty_driver(modref):
    out = modref.run("stty -F ttyMR 9600")
    assert BUSY_REF in out, out
    assert f"test_modref: tty: {REFUSED}" in out, out
    assert no_oops(out), out


def test_plain_rmmod_then_works(modref):
    out = modref.run("rmmod test_modref")
    assert "test_modref: unloaded" in out, out
    # Its console was written to up to its exit, and then never again.
    assert re.search(r"test_modref: its console was given [1-9]\d* bytes", out), out
    assert "test_modref" not in modref.run("lsmod")
    assert "modref_self" in modref.run("modref_self")  # now just "command not found"
    assert "keel" in modref.run("echo keel")
