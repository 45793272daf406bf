"""Checker of the "tickcount" exercise (docs/sched.md#exercises): a module tickcount.ko
running a kernel thread named "tickcount" that wakes up periodically; `tickcount` prints
"tickcount: N wakeups, T ticks"; rmmod stops the thread."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "tickcount", "docs/sched.md#exercises", command="tickcount", module="tickcount",
    what="write a module tickcount.ko with a kernel thread and the command `tickcount`")

COUNTS = re.compile(r"^tickcount: (\d+) wakeups, (\d+) ticks$", re.M)


def counts(machine):
    out = machine.run("tickcount")
    match = COUNTS.search(out)
    assert match, f"`tickcount` should print 'tickcount: N wakeups, T ticks': {out!r}"
    return int(match.group(1)), int(match.group(2))


def test_loads_and_thread_exists(machine, exercise):
    exlib.insmod(machine, exercise, "period_ms=20")
    ps = machine.run("ps")
    assert re.search(r"^\s*\d+ [RSD] .*\btickcount$", ps, re.M), \
        f"`ps` lists no task named tickcount:\n{ps}"


def test_counts_grow(machine):
    w1, t1 = counts(machine)
    # No `sleep`: its unit is the shell's business. Asking again is enough for a thread that
    # runs; the bound only stops a broken one from keeping the test forever.
    for _ in range(500):
        w2, t2 = counts(machine)
        if w2 >= w1 + 3:
            break
    assert w2 > w1, f"no wake-up counted over 500 readings ({w1} then {w2})"
    # A wake-up after period_ms=20 ms has seen at least 20 ticks (HZ 1000) go by since the
    # previous one: the counts are consistent whatever the machine's speed.
    assert t2 - t1 >= 20 * (w2 - w1), \
        f"{w2 - w1} wake-ups of period 20 ms but only {t2 - t1} ticks counted"


def test_rmmod_stops_thread(machine, exercise):
    exlib.rmmod_clean(machine, exercise)
    ps = machine.run("ps")
    assert not re.search(r"\btickcount$", ps, re.M), f"the thread outlived rmmod:\n{ps}"
