"""One shell style (issue 12, point 5): every command listed by `help` and `help debug` (with
the test modules' commands loaded) explains itself with `help CMD`, refuses an unknown option,
missing and extra words in one `cmd: ...` or `usage: ...` answer without a printk timestamp;
the shell's `;`, `#` and quotes; `sleep` in seconds; the debug group; 80 columns; insmod of
files that are not modules; the licence taint message of a module without MODULE_LICENSE."""

import re

import pytest

TIMESTAMP = re.compile(r"\[\s*\d+\.\d{6}\]")
MODDIR = "/lib/modules"
# Modules whose init registers shell commands (debug ones, and lwip.ko's dhcp, ping, nc).
COMMAND_MODULES = ("test_fpu", "bench_sched", "test_modref", "test_kthread", "test_mutex",
                   "test_timer", "test_locking", "test_fault", "lwip")
FREE_TEXT = {"echo"}  # its words are what it prints


def listed(output):
    """Command names of a `help` listing: lines "  name  help", not the wrapped ones."""
    return [m.group(1) for m in re.finditer(r"^  (\S+)", output, re.M)]


def usage_lines(help_text):
    """The usage lines `help CMD` printed: "usage: a" then lines indented under it."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("usage: "))
    usage = [lines[start][len("usage: "):]]
    usage += [line.strip() for line in lines[start + 1:] if line.startswith("       ")]
    return usage


def word_counts(usage):
    """(required, most) plain words of one usage line (most None: "..."), as the shell counts."""
    required, most, depth, value_next = 0, 0, 0, False
    for token in usage.split()[1:]:
        optional = depth > 0 or token.startswith("[")
        depth += len(token) - len(token.lstrip("["))
        bare = token.lstrip("[").rstrip("]")
        closes = token.endswith("]")
        depth -= len(token) - len(token.rstrip("]"))
        is_option = bare.startswith("-") and len(bare) > 1 and not bare[1].isdigit() \
            and bare[1] != "]"
        was_value, value_next = value_next, is_option and optional and not closes
        if was_value or is_option or bare == "|":
            continue
        required += not optional
        most = None if most is None or "..." in bare else most + 1
    return required, most


def assert_one_answer(name, output, what):
    """One `name: ...` line, or a usage (its lines aligned under the first); no timestamp."""
    lines = [line for line in output.splitlines() if line.strip()]
    assert lines, f"{what}: no answer"
    assert not TIMESTAMP.search(output), f"{what}: a printk line instead of {name}: ...\n{output}"
    if lines[0].startswith("usage: "):
        assert all(line.startswith("       ") for line in lines[1:]), f"{what}:\n{output}"
    else:
        assert lines[0].startswith(f"{name}: ") and len(lines) == 1, f"{what}:\n{output}"


@pytest.fixture
def loaded_shell(shell):
    for module in COMMAND_MODULES:
        out = shell.run(f"lsmod")
        if not re.search(rf"^{module}\s", out, re.M):
            out = shell.run(f"insmod {MODDIR}/{module}.ko")
            assert not TIMESTAMP.search(out) or "error" not in out.lower(), out
    return shell


def test_every_command_has_one_style(loaded_shell):
    shell = loaded_shell
    normal, debug = listed(shell.run("help")), listed(shell.run("help debug"))
    assert {"ls", "cat", "insmod", "sleep", "help"} <= set(normal), normal
    assert {"crash", "symbench", "schedbench", "wqtest", "timertest", "test_fpu"} <= set(debug)
    assert not set(normal) & set(debug)
    for name in normal + debug:
        text = shell.run(f"help {name}")
        assert text.startswith(f"usage: {name}"), f"help {name}:\n{text}"
        assert all(len(line) <= 80 for line in text.splitlines()), f"help {name}:\n{text}"
        usages = usage_lines(text)
        if name not in FREE_TEXT:
            assert_one_answer(name, shell.run(f"{name} --bogus"), f"{name} --bogus")
        counts = [word_counts(u) for u in usages]
        if counts[0][0] > 0:
            out = shell.run(name)
            assert "usage: " in out and not TIMESTAMP.search(out), f"{name} alone:\n{out}"
        if name not in FREE_TEXT and all(most is not None for _, most in counts):
            words = max(most for _, most in counts) + 1
            line = f"{name}" + " x" * words
            assert_one_answer(name, shell.run(line), line)
    assert shell.run("echo still alive").strip() == "still alive"


def test_help_fits_80_columns_and_hides_debug(shell):
    for command in ("help", "help debug"):
        out = shell.run(command)
        assert all(len(line) <= 80 for line in out.splitlines()), out
    assert "crash" not in listed(shell.run("help"))
    assert "crash" in listed(shell.run("help debug"))
    assert "debug command" in shell.run("help crash")
    assert shell.run("help no-such").strip() == \
        "help: no-such: no such command (type 'help')"


def test_semicolons_comments_and_quotes(shell):
    assert shell.run("echo a; echo b ;echo c").splitlines() == ["a", "b", "c"]
    assert shell.run("echo a ; # echo b").strip() == "a"
    assert shell.run("# only a comment").strip() == ""
    assert shell.run("echo a#b # c").strip() == "a#b"
    assert shell.run("""echo 'a  b' "c  d" 'x"y' "p'q" '' \\; \\#""").strip("\n") == \
        """a  b c  d x"y p'q  ; #"""
    assert shell.run("echo 'a;b' \"c;d\"").strip() == "a;b c;d"
    out = shell.run("echo ran; echo 'unclosed")
    assert "missing closing quote" in out and "ran" not in out, out
    assert shell.run("no-such-cmd; echo next").splitlines()[-1] == "next"
    # repeat takes the rest of the line: its ';' separate the commands it repeats
    out = shell.run("repeat 2 echo a ; echo b")
    assert out.splitlines() == ["a", "b", "a", "b", "repeat: 2 iterations done"], out


def test_sleep_takes_seconds(shell):
    for line in ("sleep 0.5", "sleep 1", "sleep .25", "sleep 0"):
        assert shell.run(line).strip() == "", line
    assert shell.run("sleep").strip() == "usage: sleep SECONDS"
    assert shell.run("sleep 1 2").strip() == "sleep: extra argument: 2"
    assert shell.run("sleep x").strip().startswith("sleep: x: ")
    assert shell.run("sleep 1.5s").strip().startswith("sleep: 1.5s: ")
    assert "too long" in shell.run("sleep 100000")


def test_module_errors_are_command_lines(shell):
    out = shell.run("insmod /no/such.ko")
    assert out.startswith("insmod: ") and not TIMESTAMP.search(out), out
    out = shell.run("rmmod no_such_module")
    assert out.startswith("rmmod: ") and not TIMESTAMP.search(out), out
    assert TIMESTAMP.search(shell.run("dmesg").splitlines()[-1])  # dmesg keeps the record


def test_not_modules_refused(boot_machine, modules_iso):
    machine = boot_machine(modules_iso)
    for name, reason in (("hello_mod", "no module_init, no MODULE_LICENSE"),
                         ("hello_plain", "no version magic"),
                         ("nomodinfo", "not a kernel module (no .modinfo section)")):
        out = machine.run(f"insmod /extra/notmod/{name}.ko")
        assert len(out.strip().splitlines()) == 1 and out.startswith("insmod: "), out
        assert reason in out and not TIMESTAMP.search(out), out
    assert "hello_mod" not in machine.run("lsmod")
    out = machine.run("insmod /extra/notmod/nolicense.ko")
    assert "nolicense: module license 'unspecified' taints kernel." in out, out
