"""Checker of the "constat" exercise (docs/console.md#exercises): a module constat.ko that
registers a console counting the bytes and lines written to the consoles; `constat` prints
"constat: B bytes, L lines" (the counts from before that line is printed)."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "constat", "docs/console.md#exercises", command="constat", module="constat",
    what="write a module constat.ko registering a counting console and the command `constat`")

COUNTS = re.compile(r"^constat: (\d+) bytes, (\d+) lines$", re.M)


def counts(machine):
    out = machine.run("constat")
    match = COUNTS.search(out)
    assert match, f"`constat` should print 'constat: B bytes, L lines': {out!r}"
    return int(match.group(1)), int(match.group(2))


def test_loads(machine, exercise):
    exlib.insmod(machine, exercise)


def test_counts_output(machine):
    b1, l1 = counts(machine)
    word = "c" * 300
    machine.run(f"echo {word}")
    b2, l2 = counts(machine)
    # Between the two readings at least: the first report line, the echoed line (the shell's
    # echo of what was typed goes through the tty, not necessarily the consoles) and its output.
    assert b2 - b1 >= len(word) + 1, f"300 characters printed, only {b2 - b1} bytes counted"
    assert l2 - l1 >= 2, f"two lines printed at least, only {l2 - l1} counted"


def test_printk_counted(machine):
    b1, l1 = counts(machine)
    machine.run("insmod /lib/modules/hello.ko")  # prints two pr_info lines
    machine.run("rmmod hello")
    b2, l2 = counts(machine)
    assert l2 - l1 >= 3, f"printk lines are written to every console; counted {l2 - l1}"


def test_unloads(machine, exercise):
    exlib.rmmod_clean(machine, exercise)

