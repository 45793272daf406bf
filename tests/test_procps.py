"""busybox's process tools on /proc/PID (issue 14): Debian's busybox-static, unmodified, runs
`ps`, `top -n 1`, `pidof`, `free`, `uptime` and `kill` in Keel and on the host; their output
formats must match the host's (the pids, names and figures naturally differ). Plus the
shell's own `ps` showing a process's command line and parent."""

import re
import subprocess

import pytest

from test_busybox import BUSYBOX, GUEST_BIN, guest  # noqa: F401 (a fixture)
from test_user import ENV, assert_no_oops, program_output

PROCPS_APPLETS = ("sleep", "pidof", "kill", "ps")


@pytest.fixture(scope="module")
def host_bin(tmp_path_factory):
    bindir = tmp_path_factory.mktemp("procps-bin")
    for applet in PROCPS_APPLETS:
        (bindir / applet).symlink_to(BUSYBOX)
    return bindir


def host(*argv):
    return subprocess.run([str(BUSYBOX), *argv], env=ENV, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60).stdout


def guest_run(guest, *argv, timeout=60):
    quoted = " ".join('"' + a.replace('"', '\\"') + '"' for a in argv)
    out = guest.run(f"run {GUEST_BIN}/busybox {quoted}", timeout=timeout)
    assert_no_oops(out)
    return "".join(l + "\n" for l in program_output(out).splitlines()
                   if not l.startswith(("run: ", "[")))


def shape(line):
    """A line's format: numbers as N, runs of blanks as one."""
    return re.sub(r"\s+", " ", re.sub(r"\d+(\.\d+)?", "N", line)).strip()


PS_ROW = re.compile(r"^\s*\d+ \S+\s+\S.*$")


def test_ps_format_like_host(guest):
    want, got = host("ps").splitlines(), guest_run(guest, "ps").splitlines()
    assert got[0] == want[0], got
    assert all(PS_ROW.match(l) for l in got[1:]) and all(PS_ROW.match(l) for l in want[1:])
    rows = {l.split(None, 2)[2] for l in got[1:]}
    assert "[init]" in rows and "[writeback]" in rows, got  # kernel threads as [name]
    assert f"{GUEST_BIN}/busybox ps" in rows, got            # itself, with its arguments


def test_ps_sees_a_child_with_its_command_line(guest):
    out = guest_run(guest, "sh", "-c", f"{GUEST_BIN}/busybox sleep 30 & "
                    f"{GUEST_BIN}/busybox ps; kill $!")
    assert re.search(rf"^\s*\d+ \S+\s+{GUEST_BIN}/busybox sleep 30$", out, re.M), out


def test_top_once_like_host(guest):
    want = host("top", "-n", "1", "-b").splitlines()
    got = guest_run(guest, "top", "-n", "1", "-b").splitlines()
    for w, g in zip(want[:4], got[:4]):
        assert shape(g) == shape(w), (got, want)
    assert any(re.search(rf"busybox top -n 1 -b$", l) for l in got[4:]), got


def test_pidof_and_kill(guest, host_bin):
    # stderr dropped on both sides: whether sh reports "Terminated" depends on timing
    script = ("exec 2>/dev/null; sleep 30 & p=$!; sleep 1; for x in $(pidof sleep); do [ $x = $p ] && "
              "echo found; done; kill $p; wait $p; echo status $?; kill -0 $p 2>/dev/null || echo gone")
    want = host("sh", "-c", f"PATH={host_bin}; {script}")
    assert want == "found\nstatus 143\ngone\n"
    guest.run(f"run {GUEST_BIN}/busybox --install -s {GUEST_BIN}", timeout=60)
    got = guest_run(guest, "sh", "-c", f"PATH={GUEST_BIN}; {script}", timeout=120)
    assert got == want


@pytest.mark.parametrize("applet", ["free", "uptime"])
def test_free_and_uptime_like_host(guest, applet):
    want, got = host(applet).splitlines(), guest_run(guest, applet).splitlines()
    # free adds its "-/+ buffers/cache" line for kernels it takes as old: Keel's uname
    # release is 0.1.0.
    got = [l for l in got if not l.startswith("-/+ buffers/cache:")]
    assert len(got) == len(want), (got, want)
    if applet == "uptime":  # " 15:08:00 up 5:59, ..." against " 15:08:00 up 0 min, ..."
        assert re.fullmatch(r" \d\d:\d\d:\d\d up .*, +\d+ users?, +load average: "
                            r"\d+\.\d\d, \d+\.\d\d, \d+\.\d\d", got[0]), got
        return
    for w, g in zip(want, got):
        assert shape(g) == shape(w), (got, want)


def test_shell_ps_shows_parent_and_command_line(guest):
    guest.run(f"run {GUEST_BIN}/busybox sh -c 'sleep 20 & sleep 1'", timeout=60)
    out = guest.run("ps")
    lines = out.splitlines()
    assert lines[0].split() == ["PID", "S", "PPID", "TIME(s)", "VOLCS", "INVOLCS", "COMMAND"]
    assert all(len(l) <= 80 for l in lines), out
    # the sh exited: its background sleep was given to init (pid 1)
    assert re.search(r"^\s*\d+ [RS]\s+1\s+[\d.]+\s+\d+\s+\d+  sleep 20$", out, re.M), out
    assert re.search(r"^\s*1 R\s+0 .* init$", out, re.M), out
