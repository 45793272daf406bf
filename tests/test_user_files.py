"""The file, pipe, terminal, time, system and module system calls of issue 14's second slice:
static musl programs from tests/user/ run in Keel by the shell's `run` and on the host, and
their outputs compared (the host Linux is the oracle). Programs print only what both kernels
must agree on; what the host cannot show the same way (the console as a terminal, the guest's
clock against the host's) is asserted on the guest's output directly."""

import pytest

import conftest
import keel
from test_user import USER, assert_no_oops, host_run, program_output


@pytest.fixture(scope="module")
def _files_holder(tmp_path_factory):
    keel.build_variant(USER)
    holder = conftest.SharedMachine(USER.iso, tmp_path_factory.mktemp("shared-user-files"),
                                    extra_args=["-cpu", "max"])
    yield holder
    holder.close()


@pytest.fixture
def guest(request, _files_holder):
    yield from conftest.shared_machine_fixture(request, _files_holder)


def guest_run(guest, name, args=()):
    out = guest.run(f"run /bin/{name} {' '.join(args)}".rstrip())
    assert_no_oops(out)
    return program_output(out)


@pytest.mark.parametrize("name", ["fsfiles", "fds", "pipes", "errors"])
def test_same_output_as_host(guest, name):
    expected, code = host_run(name)
    assert code == 0, expected
    assert guest_run(guest, name) == expected


def test_ctrl_c_ends_blocked_pipe_read(guest):
    guest.send_line("run /bin/pipes block")
    guest.expect("blocking")
    guest.send("\x03")
    guest.expect(r"run: /bin/pipes killed by signal 2 \(SIGINT\)")
    guest.wait_prompt()
    assert "hello pipe" in guest_run(guest, "pipes")
