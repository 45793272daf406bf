"""Log levels on the console: `quiet` and `loglevel=` decide what reaches the console, while
dmesg keeps every message whatever the console shows."""
import pytest

import keel

QUIET = keel.Variant("quiet", cmdline="quiet")
LOGLEVEL_8 = keel.Variant("loglevel8", cmdline="loglevel=8")


def boot_text_before_prompt(machine):
    return machine.text.split(keel.PROMPT, 1)[0]


@pytest.fixture(scope="module")
def quiet_iso():
    return keel.build_variant(QUIET)


@pytest.fixture(scope="module")
def loglevel8_iso():
    return keel.build_variant(LOGLEVEL_8)


def test_quiet_hides_info_but_dmesg_keeps_it(boot_machine, quiet_iso):
    machine = boot_machine(quiet_iso)
    console = boot_text_before_prompt(machine)
    assert "booting" not in console, console[-2000:]          # pr_info banner not shown
    assert "Welcome to Keel" in console                        # /etc/rc output still is
    log = machine.run("dmesg")
    assert "Keel 0.1.0" in log and "booting" in log, log[:2000]
    assert machine.run("cmdline").strip() == "quiet"


def test_default_shows_info_but_not_debug(boot_machine, default_iso):
    machine = boot_machine(default_iso)
    console = boot_text_before_prompt(machine)
    assert "booting" in console
    assert "cpu: GDT" not in console                          # cpu_init logs at debug level
    assert "cpu: GDT" in machine.run("dmesg")


def test_loglevel_8_shows_debug(boot_machine, loglevel8_iso):
    machine = boot_machine(loglevel8_iso)
    console = boot_text_before_prompt(machine)
    assert "cpu: GDT" in console, console[:3000]
