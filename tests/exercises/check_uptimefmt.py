"""Checker of the "uptimefmt" exercise (docs/shell.md#exercises): a module uptimefmt.ko
whose command `uptimef` prints the time since boot as "up D days, HH:MM:SS.mmm"."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "uptimefmt", "docs/shell.md#exercises", command="uptimef", module="uptimefmt",
    what="write a module uptimefmt.ko adding the shell command `uptimef`")

FORMAT = re.compile(r"^up (\d+) days?, (\d\d):(\d\d):(\d\d)\.(\d\d\d)$", re.M)
UPTIME = re.compile(r"^up (\d+)\.(\d{3}) s$", re.M)


def ms_of(match):
    d, h, m, s, ms = (int(g) for g in match.groups())
    assert h < 24 and m < 60 and s < 60, f"fields out of range in {match.group(0)!r}"
    return (((d * 24 + h) * 60 + m) * 60 + s) * 1000 + ms


def uptime_ms(machine):
    out = machine.run("uptime")
    match = UPTIME.search(out)
    assert match, f"the built-in uptime said {out!r}"
    return int(match.group(1)) * 1000 + int(match.group(2))


def test_loads(machine, exercise):
    exlib.insmod(machine, exercise)


def test_format_and_value(machine):
    before = uptime_ms(machine)
    out = machine.run("uptimef")
    match = FORMAT.search(out)
    assert match, f"`uptimef` should print 'up D days, HH:MM:SS.mmm', it printed {out!r}"
    after = uptime_ms(machine)
    value = ms_of(match)
    # Read between two readings of the built-in clock: never earlier, never later.
    assert before <= value <= after, \
        f"uptimef said {value} ms, but the built-in uptime said {before} ms then {after} ms"


def test_usage(machine):
    out = machine.run("uptimef now")
    # The shell checks the words against the usage line before the command runs.
    assert ("usage:" in out or "extra argument" in out) and not FORMAT.search(out), \
        f"`uptimef now` (an unexpected argument) should be refused in one line: {out!r}"


def test_unloads(machine, exercise):
    exlib.rmmod_clean(machine, exercise)
    assert exlib.command_not_found(machine.run("uptimef")), \
        "the command should go away with the module"
