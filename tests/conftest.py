"""pytest fixtures for Keel's QEMU tests: built ISO variants and booted machines.

`make test-qemu` runs these with pytest-xdist (`-n 2 --dist loadfile`): each file runs on one
worker, so a file's module-scoped machine boots once. Each worker runs one QEMU at a time.
Run one file by hand:  /usr/bin/python3 -m pytest tests/test_shell.py
"""

import os
import random
import string
import sys

# The exercise checkers run in a pytest of their own (tests/test_exercises.py starts it): their
# conftest.py would otherwise shadow this one as the module `conftest` the tests import.
collect_ignore = ["exercises"]

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keel  # noqa: E402
import modtest  # noqa: E402

# Text that survives cat over a serial line unchanged: printable ASCII and newlines, never
# the prompt (no '>') nor a byte the terminal would eat.
EXTRA_ALPHABET = string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<=?@[\\]^_`{|}~"


def random_text(rng, lines, max_width=70, final_newline=True):
    rows = ["".join(rng.choice(EXTRA_ALPHABET) for _ in range(rng.randint(0, max_width)))
            for _ in range(lines)]
    return "\n".join(rows) + ("\n" if final_newline else "")


def make_extra_files(root):
    """INITRD_EXTRA content: random text files, nested folders, an empty file."""
    rng = random.Random()
    token = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(6))
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / f"notes-{token}.txt").write_text(random_text(rng, 12))
    (root / "no-final-newline.txt").write_text(random_text(rng, 3, final_newline=False) + "end")
    (root / "big.txt").write_text(random_text(rng, 120, max_width=79))  # several KiB
    (root / "empty").write_text("")
    (root / "sub" / "one-line").write_text(random_text(rng, 1, max_width=40) + "x\n")
    (root / "sub" / "deeper" / f"leaf-{token}").write_text(random_text(rng, 5))


def rc_with_marker():
    """The tree's /etc/rc (if any) plus a command whose output differs from its echo."""
    original = keel.ROOT / "iso" / "initrd" / "etc" / "rc"
    text = original.read_text() if original.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "echo rc-marker    ran-before-prompt\n"


RC_MARKER_OUTPUT = "rc-marker ran-before-prompt"
TEST_CMDLINE = "keeltest.token=cmdline-7f3a keeltest.flag"
CUSTOM = keel.Variant("custom", cmdline=TEST_CMDLINE, extra=make_extra_files,
                      etc={"rc": rc_with_marker()})


def pytest_configure(config):
    keel.session_id()  # set in the controller's environment before xdist starts workers


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def call_failed(request):
    report = getattr(request.node, "rep_call", None)
    return report is None or report.failed


@pytest.fixture(scope="session")
def default_iso():
    return keel.build_variant(keel.DEFAULT)


@pytest.fixture(scope="session")
def custom_variant():
    keel.build_variant(CUSTOM)
    return CUSTOM


@pytest.fixture
def boot_machine(tmp_path):
    """boot_machine(iso, **Machine options) boots a fresh QEMU to its first prompt (or, with
    wait=False, only starts it). Closed after the test; the serial log is printed on failure."""
    machines = []

    def start(iso, wait=True, **options):
        machine = keel.Machine(iso, tmp_path / f"qemu-{len(machines)}", **options)
        machines.append(machine)
        machine.start()
        if wait:
            machine.wait_prompt()
        return machine

    yield start
    for machine in machines:
        print(f"--- serial output, {machine.mode} ({machine.workdir}) ---\n{machine.text}")
        machine.close()


class SharedMachine:
    """One booted machine reused by the tests of a module; rebooted when a test failed or
    QEMU has gone, so one broken test does not take the following ones with it."""

    def __init__(self, iso, workdir, **options):
        self.iso, self.workdir, self.options = iso, workdir, options
        self.machine, self.boots, self.boot_error = None, 0, None

    def get(self):
        if self.boot_error is not None:  # do not wait for a broken boot once per test
            raise keel.KeelError(f"an earlier boot of this module failed:\n{self.boot_error}")
        if self.machine is None or not self.machine.alive():
            self.close()
            self.boots += 1
            try:
                self.machine = keel.boot(self.iso, self.workdir / f"boot-{self.boots}",
                                         **self.options)
            except keel.KeelError as error:
                self.boot_error = error
                raise
        return self.machine

    def discard(self):
        self.close()

    def close(self):
        if self.machine is not None:
            self.machine.close()
            self.machine = None


def shared_machine_fixture(request, holder):
    machine = holder.get()
    start = len(machine.text)
    yield machine
    print(f"--- serial output during this test ---\n{machine.text[start:]}")
    if call_failed(request):
        holder.discard()


@pytest.fixture(scope="module")
def _default_holder(default_iso, tmp_path_factory):
    holder = SharedMachine(default_iso, tmp_path_factory.mktemp("shared-default"))
    yield holder
    holder.close()


@pytest.fixture
def shell(request, _default_holder):
    """The default ISO booted (BIOS, CD) at its prompt, shared within a test module."""
    yield from shared_machine_fixture(request, _default_holder)


@pytest.fixture(scope="module")
def _custom_holder(custom_variant, tmp_path_factory):
    holder = SharedMachine(custom_variant.iso, tmp_path_factory.mktemp("shared-custom"))
    yield holder
    holder.close()


@pytest.fixture
def custom_shell(request, _custom_holder):
    """The custom variant (CMDLINE, INITRD_EXTRA files, marked /etc/rc) booted, shared."""
    yield from shared_machine_fixture(request, _custom_holder)


@pytest.fixture(scope="session")
def modules_iso():
    """The "modules" variant (tests/modtest.py): test modules, /etc/modules loads hello."""
    return keel.build_variant(modtest.VARIANT)


@pytest.fixture(scope="module")
def _modules_holder(modules_iso, tmp_path_factory):
    holder = SharedMachine(modules_iso, tmp_path_factory.mktemp("shared-modules"))
    yield holder
    holder.close()


@pytest.fixture
def kmod(request, _modules_holder):
    """The modules variant booted at its prompt, shared within a test module."""
    yield from shared_machine_fixture(request, _modules_holder)
