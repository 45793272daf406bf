"""`#!` scripts (binfmt_script.ko, issue 14 point 6): the same scripts run on the host and in
Keel through tests/user/execit.c (execve, printing the errno when it fails), with the same
interpreters (Debian's busybox sh, tests/user/args printing its argv) under a prefix that is
/extra in the guest and a temporary folder on the host; the outputs must match once the
prefix is replaced. Covers an argument (spaces trimmed, inner ones kept), tabs, nesting (a
script whose interpreter is a script), the nesting limit (ELOOP), a line longer than the 256
bytes read (argument cut; a cut name is ENOEXEC), a missing interpreter (ENOENT), and exec
without binfmt_script (ENOEXEC)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import keel
from test_user import ENV, USER_BUILD, assert_no_oops, program_output

BUSYBOX = Path("/bin/busybox")
GUEST_PREFIX = "/extra"


def scripts(prefix):
    """name -> contents; interpreters under prefix/bin, scripts under prefix/s."""
    args = f"{prefix}/bin/args"
    out = {
        "hello": f"#!{prefix}/bin/sh\necho \"sh got $# args: $*\"\n",
        "witharg": f"#!{args}  -x  y \t\nnot read\n",
        "tabs": f"#!\t{args}\t\n",
        "noarg": f"#! {args}\n",
        "nested": f"#!{prefix}/s/witharg n1arg\n",
        # blanks before the argument are trimmed: the padding makes the argument cut at
        # byte 256 the same length whatever the prefix's length
        "longarg": f"#!{args} " + " " * (150 - len(prefix)) + "z" * 300 + "\n",
        "longname": "#!/" + "a" * 300 + "\n",
        "missing": "#!/nonexistent/interpreter\n",
        "empty": "#!   \n",
    }
    # a chain of scripts, each run by the next; d5 by args: 5 interpreters deep
    for i in range(1, 7):
        out[f"d{i}"] = f"#!{prefix}/s/d{i + 1}\n" if i < 6 else f"#!{args}\n"
    return out


def fill(root, prefix):
    (root / "bin").mkdir()
    (root / "s").mkdir()
    shutil.copy(BUSYBOX, root / "bin" / "busybox")
    (root / "bin" / "sh").symlink_to("busybox")
    shutil.copy(USER_BUILD / "args", root / "bin" / "args")
    for name, text in scripts(prefix).items():
        (root / "s" / name).write_text(text)
        (root / "s" / name).chmod(0o755)


VARIANT = keel.Variant("binfmt_script", extra=lambda root: fill(root, GUEST_PREFIX))

CASES = [("hello", "a", "b c"), ("witharg", "one", "two"), ("tabs",), ("noarg", "x"),
         ("nested", "u1"), ("longarg",), ("longname",), ("missing",), ("empty",),
         ("d2", "deep"), ("d1", "too", "deep")]


@pytest.fixture(scope="module")
def guest(tmp_path_factory):
    if not BUSYBOX.exists():
        pytest.fail("busybox-static is missing: tools/deps.sh installs it")
    keel.build_variant(VARIANT)
    machine = keel.boot(VARIANT.iso, tmp_path_factory.mktemp("binfmt-script"))
    yield machine
    machine.close()


@pytest.fixture(scope="module")
def host_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("script-host")
    fill(root, str(root))
    return root


def host_run(root, argv):
    proc = subprocess.run(["/bin/execit", f"{root}/s/{argv[0]}", *argv[1:]],
                          executable=USER_BUILD / "execit", env=ENV, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, timeout=60)
    return proc.stdout.decode().replace(str(root), "P")


def guest_run(m, argv):
    words = " ".join(f"'{w}'" for w in argv[1:])
    out = m.run(f"run /bin/execit {GUEST_PREFIX}/s/{argv[0]} {words}".rstrip())
    assert_no_oops(out)
    lines = [l for l in program_output(out).splitlines() if not l.startswith("run: ")]
    return "".join(l + "\n" for l in lines).replace(GUEST_PREFIX, "P")


@pytest.mark.parametrize("argv", CASES, ids=lambda a: a[0])
def test_script_same_as_host(guest, host_root, argv):
    expected = host_run(host_root, argv)
    assert guest_run(guest, argv) == expected


def test_expected_errors_and_depths(host_root):
    """What the host (the oracle) says, so that a change of the cases is noticed."""
    assert "errno 2 " in host_run(host_root, ("missing",))
    assert "errno 8 " in host_run(host_root, ("longname",))
    assert "errno 40 " in host_run(host_root, ("d1",))
    assert "argc 7" in host_run(host_root, ("d2", "deep"))
    assert "sh got 2 args: a b c" in host_run(host_root, ("hello", "a", "b c"))


def test_run_a_script_and_without_binfmt_script(guest):
    out = guest.run(f"run {GUEST_PREFIX}/s/hello x")
    assert "sh got 1 args: x" in out
    assert re.search(r"^binfmt_script\s", guest.run("lsmod"), re.M)
    assert guest.run("rmmod binfmt_script").strip() == ""
    try:
        out = guest.run(f"run {GUEST_PREFIX}/s/hello x")
        assert f"exec: {GUEST_PREFIX}/s/hello: unknown executable format" in out
        assert "run: Exec format error (ENOEXEC)" in out
    finally:
        guest.run("modprobe binfmt_script")
    assert "sh got 1 args: x" in guest.run(f"run {GUEST_PREFIX}/s/hello x")
