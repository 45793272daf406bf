"""The console tty over the serial line: n_tty's line editing and history (loaded at boot),
falling back to the minimal discipline on rmmod and back on insmod/modprobe, and stty/ttys."""

import re

import pytest

import keel

LEFT, RIGHT, UP, DOWN = "\x1b[D", "\x1b[C", "\x1b[A", "\x1b[B"
HOME, END, DELETE = "\x1b[H", "\x1b[F", "\x1b[3~"
CTRL_A, CTRL_C, CTRL_E, CTRL_U, CTRL_W = "\x01", "\x03", "\x05", "\x15", "\x17"
BACKSPACE = "\x7f"


@pytest.fixture(scope="module")
def _tty_machine(default_iso, tmp_path_factory):
    machine = keel.Machine(default_iso, tmp_path_factory.mktemp("shared-tty")).start()
    try:
        machine.wait_prompt()
        yield machine
    finally:
        machine.close()


@pytest.fixture
def shell(_tty_machine):
    """The default ISO booted once for this file (booting it is most of the file's time)."""
    start = len(_tty_machine.text)
    yield _tty_machine
    print(f"--- serial output during this test ---\n{_tty_machine.text[start:]}")


def discipline(shell):
    match = re.search(r"^console: line discipline (\S+)$", shell.run("stty"), re.M)
    assert match, "stty did not name the console's line discipline"
    return match.group(1)


def test_n_tty_attached_at_boot(shell):
    assert re.search(r"^n_tty\s+\d+\s+0", shell.run("lsmod"), re.M)
    assert discipline(shell) == "n_tty"
    output = shell.run("stty")
    assert re.search(r"^line disciplines: minimal n_tty$", output, re.M), output
    assert re.search(r"^console\s+n_tty\s+\S+\s+0$", shell.run("ttys"), re.M)


def test_cursor_editing(shell):
    assert shell.run("echo abd" + LEFT + "c").strip() == "abcd"
    assert shell.run("cho hi" + HOME + "e" + END + "!").strip() == "hi!"
    assert shell.run("cho x" + CTRL_A + "e" + CTRL_E + "y").strip() == "xy"
    assert shell.run("echo abXc" + LEFT + LEFT + DELETE).strip() == "abc"
    assert shell.run("echo abXc" + LEFT + BACKSPACE).strip() == "abc"
    assert shell.run("echo b" + LEFT + LEFT + RIGHT + "a" + RIGHT + RIGHT + "c").strip() == "abc"
    assert shell.run("echo a\x1b[1~\x1b[4~b\x1bOH\x1bOFc").strip() == "abc"


def test_kill_keys(shell):
    assert shell.run("echo one two" + CTRL_W + "three").strip() == "one three"
    assert shell.run("garbage here" + CTRL_U + "echo clean").strip() == "clean"


def test_history(shell):
    shell.run("echo first")
    shell.run("echo second")
    shell.run("echo second")  # not stored twice
    assert shell.run(UP).strip() == "second"
    assert shell.run(UP + UP).strip() == "first"  # the repeated "second" counts once
    assert shell.run(UP + UP + UP + DOWN).strip() == "second"
    # The line being typed survives a trip through the history.
    assert shell.run("echo kept" + UP + UP + DOWN + DOWN).strip() == "kept"
    assert shell.run(UP + " again").strip() == "kept again"


def test_ctrl_c_abandons_line(shell):
    shell.pos = len(shell.text)
    shell.send("echo never-run" + LEFT + LEFT + CTRL_C)
    shell.expect(r"\^C\n")
    shell.wait_prompt()
    assert "never-run\n" not in shell.text[shell.pos - 200:]
    assert shell.run("echo after").strip() == "after"
    assert shell.run(UP).strip() == "after"  # the abandoned line is not in the history


# Unfinished escape sequences: ESC alone, ESC [, with parameters, SS3, an overlong number.
ESCAPE_PREFIXES = ("\x1b", "\x1b[", "\x1b[12;", "\x1bO", "\x1b[" + "9" * 40)


@pytest.mark.parametrize("ldisc", ["n_tty", "minimal"])
def test_unfinished_escape_gives_way(shell, ldisc):
    """ESC [ then Enter or Ctrl-C used to be swallowed as the sequence's end: the key must act."""
    assert shell.run(f"stty ldisc {ldisc}").strip() == ""
    try:
        for prefix in ESCAPE_PREFIXES:
            assert shell.run("echo gave-way" + prefix).strip() == "gave-way", repr(prefix)
            shell.pos = len(shell.text)
            shell.send("echo never-run" + prefix + CTRL_C)
            shell.expect(r"\^C\n")
            shell.wait_prompt()
            assert "never-run\n" not in shell.text[shell.pos - 200:]
            assert shell.run("echo abx" + prefix + BACKSPACE + "c").strip() == "abc"
            assert shell.run("junk" + prefix + CTRL_U + "echo clean").strip() == "clean"
    finally:
        assert shell.run("stty ldisc n_tty").strip() == ""


def test_rmmod_falls_back_to_minimal(shell):
    shell.run("rmmod n_tty")
    assert discipline(shell) == "minimal"
    assert "n_tty" not in shell.run("stty")
    # Arrow keys are swallowed, backspace and Ctrl-U still work.
    assert shell.run("echo ab" + LEFT + UP + "c").strip() == "abc"
    assert shell.run("echo abx" + BACKSPACE + "c").strip() == "abc"
    assert shell.run("junk" + CTRL_U + "echo minimal").strip() == "minimal"

    shell.run("insmod /lib/modules/n_tty.ko")
    assert discipline(shell) == "n_tty"
    assert shell.run("echo abd" + LEFT + "c").strip() == "abcd"
    shell.run("rmmod n_tty")
    shell.run("modprobe n_tty")
    assert discipline(shell) == "n_tty"
    assert shell.run("echo xz" + LEFT + "y").strip() == "xyz"


def test_stty_switches_discipline(shell):
    assert shell.run("stty ldisc minimal").strip() == ""
    assert discipline(shell) == "minimal"
    assert shell.run("echo ab" + LEFT + "c").strip() == "abc"
    assert shell.run("stty -F console ldisc n_tty").strip() == ""
    assert discipline(shell) == "n_tty"


def test_stty_errors(shell):
    assert shell.run("stty ldisc foo").strip() == 'stty: no line discipline "foo"'
    assert shell.run("stty -F ttyS9").strip() == 'stty: no tty "ttyS9" (see ttys)'
    assert shell.run("stty bogus").strip() == 'stty: unknown setting "bogus"'
    assert shell.run("stty -F").strip().startswith("usage: stty")
    assert shell.run("echo still here").strip() == "still here"


def test_stty_speed(shell):
    output = shell.run("stty")
    linked = re.search(r"^serial line: (tty\S+)$", output, re.M)
    if not linked:
        # No serial driver owns COM1 in this build: speeds cannot be set, and stty says why.
        message = shell.run("stty 9600")
        assert "no serial driver owns the console line" in message, message
        return
    # Our own line: only settings that keep it working (115200 8N1), and refusals.
    assert shell.run("stty 115200 cs8 -parenb -cstopb").strip() == ""
    assert re.search(r"^speed 115200 baud; cs8 -parenb -parodd -cstopb$", shell.run("stty"), re.M)
    assert "unsupported" in shell.run("stty 1234")


def test_typed_ahead_input_is_not_lost(shell):
    """While the shell sleeps, far more than the console tty's 4 KiB queue is typed: serial.ko
    leaves the rest in the UART (the host waits) instead of dropping it, so every line runs."""
    lines = [f"echo ahead-{i:03d}-" + "x" * 48 for i in range(120)]  # ~7.5 KB
    start = shell.pos = len(shell.text)
    shell.send_line("sleep 1.5")
    shell.send("".join(line + keel.NEWLINE for line in lines))
    shell.expect(r"(?m)^ahead-119-x{48}$", timeout=60)
    shell.wait_prompt()
    out = shell.text[start:]
    got = re.findall(r"(?m)^(ahead-\d{3})-x{48}$", out)
    assert got == [f"ahead-{i:03d}" for i in range(120)]
    assert re.search(r"(?m)^console\s+\S+\s+\d+\s+0$", shell.run("ttys"))
