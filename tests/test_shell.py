"""The shell on a plain boot: bad input gets a one-line error and a new prompt, and the kernel
log is readable."""

import re


def test_echo_joins_arguments(shell):
    assert shell.run("echo a  b   c").strip() == "a b c"
    assert shell.run("echo").strip() == ""


def test_unknown_command(shell):
    output = shell.run("no-such-command --flag")
    assert "command not found" in output.lower(), output
    assert shell.run("echo still alive").strip() == "still alive"


def test_empty_line_just_prompts_again(shell):
    assert shell.run("").strip() == ""
    assert shell.run("echo after empty").strip() == "after empty"


def test_cat_missing_file(shell):
    output = shell.run("cat /no/such/file")
    assert output.strip(), "cat of a missing file printed nothing"
    assert re.search(r"(?i)no such file|not found|ENOENT|error", output), output
    assert shell.run("echo ok").strip() == "ok"


def test_line_too_long(shell):
    transcript = shell.run_sync("x" * 10000)
    assert "line too long" in transcript.lower(), transcript[-2000:]
    assert shell.run("echo works after long line").strip() == "works after long line"


def test_dmesg_has_banner(shell):
    output = shell.run("dmesg")
    assert re.search(r"Keel \d+\.\d+", output), output[-2000:]


def test_dmesg_reports_boot_time(shell):
    output = shell.run("dmesg")
    assert re.search(r"boot: entry to prompt took \d+\.\d{3} ms", output), output[-2000:]


def test_boot_log_has_no_bug_reports(shell):
    """The debugging checks (might_sleep, spinlock, WARN) stay silent on a normal boot, and
    across handing the console's serial port back and forth (rmmod/modprobe serial)."""
    shell.run("rmmod serial")
    shell.run("modprobe serial")
    log = shell.run("dmesg")
    bad = [line for line in log.splitlines()
           if re.search(r"\bBUG\b|WARNING:|Oops|INFO: task", line)]
    assert not bad, "\n".join(bad)
