"""Checker of the "greet" exercise (docs/modules.md#exercises): two stacked modules.
greet_core.ko has a charp parameter `name` (default "world") and exports greet_name() and
greet_count() with EXPORT_SYMBOL_GPL; greet_user.ko uses them for a shell command `greet`
printing "hello, NAME (N)", N counting the greetings. So `modprobe greet_user` loads
greet_core first, and greet_core cannot be removed while greet_user is loaded."""

import re

import exlib

EXERCISE = exlib.Exercise(
    "greet", "docs/modules.md#exercises", command="greet", module="greet_user",
    extra_modules=("greet_core",),
    what="write greet_core.ko (parameter `name`, exports greet_name and greet_count) and "
         "greet_user.ko adding the command `greet`")

GREETING = re.compile(r"^hello, (.*) \((\d+)\)$", re.M)


def lsmod_line(machine, name):
    """(references, users) of a loaded module, or None when it is not loaded."""
    match = re.search(rf"^{name}\s+\d+\s+(\d+)\s*(\S*)", machine.run("lsmod"), re.M)
    return (int(match.group(1)), match.group(2).split(",")) if match else None


def greet(machine):
    out = machine.run("greet")
    match = GREETING.search(out)
    assert match, f"`greet` should print 'hello, NAME (N)', it printed {out!r}"
    return match.group(1), int(match.group(2))


def test_modprobe_loads_core_first(machine):
    out = machine.run("modprobe greet_user")
    core = lsmod_line(machine, "greet_core")
    assert core, (f"`modprobe greet_user` should load greet_core first (greet_user uses its "
                  f"exports, so modpost records the dependency):\n{out}")
    assert lsmod_line(machine, "greet_user"), f"`modprobe greet_user` did not load it:\n{out}"
    assert "greet_user" in core[1], \
        f"lsmod should show greet_core used by greet_user, it shows {core}"


def test_dependency_recorded(machine):
    out = machine.run("modinfo greet_user")
    assert re.search(r"^depends:\s+greet_core\s*$", out, re.M), \
        f"modinfo greet_user should say 'depends: greet_core':\n{out}"
    out = machine.run("modinfo greet_core")
    assert re.search(r"^parm:\s+name:.*charp", out, re.M), \
        f"modinfo greet_core should list the charp parameter `name`:\n{out}"


def test_greets_and_counts(machine):
    assert greet(machine) == ("world", 1), "the first greeting is 'hello, world (1)'"
    assert greet(machine) == ("world", 2), "the second greeting is 'hello, world (2)'"


def test_usage(machine):
    out = machine.run("greet now")
    assert ("usage:" in out or "extra argument" in out) and not GREETING.search(out), \
        f"`greet now` (an unexpected argument) should be refused in one line: {out!r}"


def test_core_stays_while_used(machine):
    out = machine.run("rmmod greet_core")
    assert lsmod_line(machine, "greet_core"), \
        f"rmmod greet_core should be refused while greet_user uses it:\n{out}"
    assert "in use" in out, f"the refusal should say greet_core is in use: {out!r}"
    assert greet(machine) == ("world", 3), "the count goes on after the refused rmmod"


def test_modprobe_r_removes_both(machine):
    out = machine.run("modprobe -r greet_user")
    assert not lsmod_line(machine, "greet_user") and not lsmod_line(machine, "greet_core"), \
        f"`modprobe -r greet_user` should remove greet_user, then greet_core:\n{out}"
    leftovers = [line for line in out.splitlines() if " still " in line or "leaked" in line]
    assert not leftovers, ("the exit functions left things for the loader to clean up:\n"
                           + "\n".join(leftovers))
    assert exlib.command_not_found(machine.run("greet")), \
        "the command should go away with greet_user"


def test_parameter(machine):
    out = machine.run('insmod /lib/modules/greet_core.ko name="Ada Lovelace"')
    assert lsmod_line(machine, "greet_core"), f"insmod greet_core.ko name=... failed:\n{out}"
    out = machine.run("insmod /lib/modules/greet_user.ko")
    assert lsmod_line(machine, "greet_user"), f"insmod greet_user.ko failed:\n{out}"
    assert greet(machine) == ("Ada Lovelace", 1), \
        "with name=\"Ada Lovelace\" a fresh greet_core greets 'hello, Ada Lovelace (1)'"
    machine.run("rmmod greet_user")
    machine.run("rmmod greet_core")
    assert not lsmod_line(machine, "greet_core"), "rmmod greet_user then greet_core failed"
