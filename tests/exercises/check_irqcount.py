"""Checker of the "irqcount" exercise (docs/interrupts.md#exercises): a module irqcount.ko
that shares IRQ 4 (COM1, the console's serial port) with serial.ko, counts its interrupts and
leaves them to serial.ko; `irqcount` prints "irqcount: IRQ 4: N interrupts"."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "irqcount", "docs/interrupts.md#exercises", command="irqcount", module="irqcount",
    what="write a module irqcount.ko sharing IRQ 4 and the command `irqcount`")

COUNT = re.compile(r"^irqcount: IRQ 4: (\d+) interrupts$", re.M)


def count(machine):
    out = machine.run("irqcount")
    match = COUNT.search(out)
    assert match, f"`irqcount` should print 'irqcount: IRQ 4: N interrupts': {out!r}"
    return int(match.group(1))


def test_loads(machine, exercise):
    exlib.insmod(machine, exercise)


def test_counts_typed_characters(machine):
    first = count(machine)
    # Each character typed on the console raises COM1's receive interrupt.
    machine.run("echo " + "x" * 40)
    second = count(machine)
    assert second > first, f"typing 46 characters raised no counted interrupt ({first}, {second})"


def test_console_still_works(machine):
    # Returning IRQ_HANDLED, or reading the UART, would steal the console's input.
    out = machine.run("echo still-typing-fine")
    assert "still-typing-fine" in out


def test_unloads(machine, exercise):
    exlib.rmmod_clean(machine, exercise)
    assert "still-here" in machine.run("echo still-here")
