"""The socket system calls (docs/net.md, "Sockets") against the host Linux as the oracle:
tests/user/sockets.c (TCP) and sockdgram.c (UDP, ICMP raw and datagram echo, the calls'
argument errors) run over 127.0.0.1 in Keel, where the first AF_INET socket autoloads lwip.ko,
and on the host in a network namespace of their own (`unshare -n`: only its loopback, and
`ping_group_range` opened for ICMP datagram sockets without touching the host's), and print
the same lines. Then no memory is left behind by repeated runs."""

import subprocess

import pytest

import conftest
import keel
from test_user import (USER_BUILD, assert_no_leak, assert_no_oops, meminfo,
                       program_output)

SECTIONS = [("sockets", "tcp"), ("sockets", "tcpstate"), ("sockdgram", "udp"),
            ("sockdgram", "errors"), ("sockdgram", "icmp")]
# The namespace's loopback is down until set up; ICMP datagram sockets need the group range.
NETNS_SETUP = ('busybox ip link set lo up && echo "0 0" > /proc/sys/net/ipv4/ping_group_range'
               ' && exec "$0" "$@"')


def host_run(name, args):
    """build/user/NAME ARGS on the host, in a fresh network namespace."""
    argv = ["unshare", "-n", "/bin/sh", "-c", NETNS_SETUP, str(USER_BUILD / name), *args]
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)
    if proc.returncode and "unshare" in proc.stderr:
        pytest.fail(f"the oracle needs `unshare -n` (root): {proc.stderr.strip()}")
    return proc.stdout, proc.returncode


def guest_lines(out):
    """The program's lines, without run's exit report."""
    return "".join(l + "\n" for l in program_output(out).splitlines() if not l.startswith("run: "))


@pytest.fixture(scope="module")
def _sock_holder(default_iso, tmp_path_factory):
    holder = conftest.SharedMachine(default_iso, tmp_path_factory.mktemp("shared-sockets"))
    yield holder
    holder.close()


@pytest.fixture
def guest(request, _sock_holder):
    yield from conftest.shared_machine_fixture(request, _sock_holder)


@pytest.mark.parametrize("name,section", SECTIONS, ids=[s for _, s in SECTIONS])
def test_same_output_as_host(guest, name, section):
    expected, code = host_run(name, [section])
    assert code == 0, expected
    out = guest.run(f"run /bin/{name} {section}", timeout=300)
    assert_no_oops(out)
    assert guest_lines(out) == expected
    assert "run: " not in out, out  # exit status 0, no signal


def test_no_leak(guest):
    """Every section twice (lwip.ko's first allocations), then twice more: mem as before."""
    def all_sections():
        for name, section in SECTIONS:
            assert_no_oops(guest.run(f"run /bin/{name} {section}", timeout=300))
    all_sections()
    before = meminfo(guest)
    all_sections()
    all_sections()
    assert_no_leak(before, meminfo(guest))
