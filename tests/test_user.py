"""Processes in ring 3: static musl programs from tests/user/ run by the shell's `run`, their
output compared with the same binaries run on the host Linux (the oracle); user faults and
traps killing only the process with Linux's one-line report; bad pointers to system calls
giving EFAULT; Ctrl-C killing a running program; malformed ELF files refused with ENOEXEC and
one line each; no memory leaked (mem before/after, and after 200 runs); SMEP/SMAP on
`-cpu max` and reported off on QEMU's default CPU."""

import re
import struct
import subprocess

import pytest

import conftest
import keel

USER_BUILD = keel.ROOT / keel.BUILD / "user"
ENV = {"HOME": "/", "PATH": "/bin:/sbin:/usr/bin:/usr/sbin:/usr/test", "TERM": "linux"}  # run's environment
CTRL_C = "\x03"
LOG_LINE = re.compile(r"^\[\s*\d+\.\d+\] ")


def build_hello(path):
    subprocess.run(["musl-gcc", "-static", "-O2", "-o", str(path),
                    str(keel.ROOT / "tests/user/hello.c")], check=True)
    return bytearray(path.read_bytes())


def phdr_offset(elf, index):
    e_phoff = struct.unpack_from("<Q", elf, 0x20)[0]
    return e_phoff + 56 * index


def load_indexes(elf):
    phnum = struct.unpack_from("<H", elf, 0x38)[0]
    return [i for i in range(phnum) if struct.unpack_from("<I", elf, phdr_offset(elf, i))[0] == 1]


def set_phdr(elf, index, field, value):
    offsets = {"offset": 8, "vaddr": 16, "filesz": 32, "memsz": 40}
    struct.pack_into("<Q", elf, phdr_offset(elf, index) + offsets[field], value)


def get_phdr(elf, index, field):
    offsets = {"offset": 8, "vaddr": 16, "filesz": 32, "memsz": 40}
    return struct.unpack_from("<Q", elf, phdr_offset(elf, index) + offsets[field])[0]


def bad_elves(good):
    """name -> (file contents, the reason the kernel must print)."""
    loads = load_indexes(good)
    out = {}

    def variant(name, reason, edit):
        elf = bytearray(good)
        edit(elf)
        out[name] = (bytes(elf), reason)

    variant("truncated", "truncated ELF header", lambda e: e.__delitem__(slice(40, None)))
    variant("badmagic", "unknown executable format", lambda e: e.__setitem__(1, ord("X")))
    variant("machine", "not an x86_64 executable", lambda e: struct.pack_into("<H", e, 0x12, 3))
    variant("phnum", "bad program header count", lambda e: struct.pack_into("<H", e, 0x38, 0xffff))
    variant("phoff", "program headers outside the file",
            lambda e: struct.pack_into("<Q", e, 0x20, len(e) - 8))
    variant("pastfile", "PT_LOAD data past the end of the file",
            lambda e: set_phdr(e, loads[1], "offset",
                               get_phdr(e, loads[1], "offset") + 0x100000))
    variant("overlap", "PT_LOAD segments overlap or are not in order",
            lambda e: set_phdr(e, loads[2], "vaddr", get_phdr(e, loads[1], "vaddr") +
                               (get_phdr(e, loads[2], "offset") - get_phdr(e, loads[1], "offset"))
                               % 0x1000))
    variant("entry", "entry point outside every PT_LOAD",
            lambda e: struct.pack_into("<Q", e, 0x18, 0x10))
    variant("filesz", "PT_LOAD p_filesz > p_memsz",
            lambda e: set_phdr(e, loads[-1], "memsz", get_phdr(e, loads[-1], "filesz") - 1))
    variant("kernelhalf", "PT_LOAD outside user space",
            lambda e: set_phdr(e, loads[-1], "vaddr", 0xffff800000000000 +
                               get_phdr(e, loads[-1], "vaddr") % 0x1000))
    variant("elftype", "not an executable (e_type)", lambda e: struct.pack_into("<H", e, 0x10, 1))
    # binfmt_script refuses a `#!` line whose interpreter name is cut at 256 bytes
    out["script"] = (b"#!/" + b"a" * 300 + b"\n", "unknown executable format")
    out["empty"] = (b"", "unknown executable format")
    return out


def make_extra(root):
    bad = root / "bad"
    bad.mkdir()
    for name, (data, _) in bad_elves(build_hello(root / "hello-copy")).items():
        (bad / name).write_bytes(data)
        (bad / name).chmod(0o755)
    (root / "hello-copy").unlink()


USER = keel.Variant("user", extra=make_extra)


@pytest.fixture(scope="module")
def _user_holder(tmp_path_factory):
    keel.build_variant(USER)
    # -cpu max: SMEP and SMAP on, so every user access must go through stac/clac.
    holder = conftest.SharedMachine(USER.iso, tmp_path_factory.mktemp("shared-user"),
                                    extra_args=["-cpu", "max"])
    yield holder
    holder.close()


@pytest.fixture
def guest(request, _user_holder):
    yield from conftest.shared_machine_fixture(request, _user_holder)


def program_output(text):
    """The program's own lines: kernel log lines shown on the console are left out."""
    return "".join(l + "\n" for l in text.splitlines() if not LOG_LINE.match(l))


def host_run(name, args=()):
    """Runs build/user/NAME on the host as the guest would: argv[0] /bin/NAME, run's env."""
    proc = subprocess.run([f"/bin/{name}", *args], executable=USER_BUILD / name, env=ENV,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, timeout=60)
    return proc.stdout.decode(), proc.returncode


def meminfo(machine):
    out = machine.run("mem")
    return {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+)", out, re.M)}


def assert_no_leak(before, after, free_slack_kb=64, heap_slack=4096):
    assert before["MemFree"] - after["MemFree"] <= free_slack_kb, (before, after)
    assert after["HeapUsed"] - before["HeapUsed"] <= heap_slack, (before, after)


def assert_no_oops(text):
    assert "Oops" not in text and "BUG" not in text and "panic" not in text, text


@pytest.mark.parametrize("name,args", [
    ("hello", ()), ("hello-pie", ()), ("tls", ()), ("badptr", ()), ("mem", ()),
    ("exit42", ()), ("nosys", ()), ("badargs", ()), ("args", ("one", "two words", "")),
    ("packet", ()),  # netdev ioctls and AF_PACKET on lo (the host's lo is only read)
])
def test_same_output_as_host(guest, name, args):
    expected, code = host_run(name, args)
    quoted = " ".join(f"'{a}'" for a in args)
    out = guest.run(f"run /bin/{name} {quoted}".rstrip())
    assert_no_oops(out)
    lines = program_output(out)
    if code:
        tail = f"run: /bin/{name} exited with status {code}\n"
        assert lines.endswith(tail), out
        lines = lines[:-len(tail)]
    assert lines == expected


def test_smep_smap_on_with_cpu_max(guest):
    assert re.search(r"cpu: SMEP on, SMAP on", guest.run("dmesg")), "SMEP/SMAP not enabled"


def test_default_cpu_reports_no_smap(shell):
    assert "cpu: SMEP off (no CPU support), SMAP off (no CPU support)" in shell.run("dmesg")
    assert program_output(shell.run("run /bin/hello")) == "hello, world\n"


def test_null_write_kills_with_sigsegv(guest):
    out = guest.run("run /bin/fault")
    assert_no_oops(out)
    assert re.search(r"^\[[ .\d]+\] fault\[\d+\]: segfault at 0 ip [0-9a-f]{16} "
                     r"sp [0-9a-f]{16} error 6$", out, re.M), out
    assert out.rstrip().endswith("run: /bin/fault killed by signal 11 (SIGSEGV)")
    assert out.count("segfault") == 1
    assert program_output(guest.run("run /bin/hello")) == "hello, world\n"


@pytest.mark.parametrize("kind,sig,name,line", [
    ("ud", 4, "SIGILL", r"traps: traps\[\d+\] invalid opcode ip:[0-9a-f]+ sp:[0-9a-f]+ error:0"),
    ("de", 8, "SIGFPE", r"traps: traps\[\d+\] divide error ip:"),
    ("gp", 11, "SIGSEGV", r"traps: traps\[\d+\] general protection fault ip:"),
    ("kernel", 11, "SIGSEGV", r"traps\[\d+\]: segfault at ffffffff80000000 ip .* error [45]$"),
    ("exec", 11, "SIGSEGV", r"traps\[\d+\]: segfault at 7fff[0-9a-f]+ ip 00007fff.* error 15"),
])
def test_user_exceptions_kill_only_the_process(guest, kind, sig, name, line):
    out = guest.run(f"run /bin/traps {kind}")
    assert_no_oops(out)
    assert re.search(line, out, re.M), out
    assert f"run: /bin/traps killed by signal {sig} ({name})" in out


def test_ctrl_c_kills_running_program(guest):
    guest.send_line("run /bin/spin")
    guest.expect("spinning")
    guest.send(CTRL_C)
    guest.expect(r"run: /bin/spin killed by signal 2 \(SIGINT\)")
    guest.wait_prompt()
    assert program_output(guest.run("run /bin/hello")) == "hello, world\n"


def test_unimplemented_syscall_logged_once(guest):
    guest.run("run /bin/nosys")
    guest.run("run /bin/nosys")
    log = guest.run("dmesg")
    assert len(re.findall(r"syscall: unimplemented 180 \(nfsservctl\) called by nosys\[\d+\]",
                          log)) == 1, log


def test_open_read_close_vfs_file(guest):
    expected = guest.run("cat /etc/motd")
    out = program_output(guest.run("run /bin/cat /etc/motd"))
    assert out == expected + "close: 0, close again: -1\n"
    out = guest.run("run /bin/cat /no/such/file")
    assert "/no/such/file: No such file or directory" in out
    assert "exited with status 1" in out


BAD_NAMES = ["truncated", "badmagic", "machine", "phnum", "phoff", "pastfile", "overlap",
             "entry", "filesz", "kernelhalf", "elftype", "script", "empty"]


@pytest.fixture(scope="module")
def bad_reasons(tmp_path_factory):
    good = build_hello(tmp_path_factory.mktemp("elf") / "hello")
    return {name: reason for name, (_, reason) in bad_elves(good).items()}


def test_bad_elf_list_complete(bad_reasons):
    assert sorted(bad_reasons) == sorted(BAD_NAMES)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_malformed_elf_refused(guest, name, bad_reasons):
    reason = bad_reasons[name]
    before = meminfo(guest)
    out = guest.run(f"run /extra/bad/{name}")
    assert_no_oops(out)
    log_lines = [l for l in out.splitlines() if LOG_LINE.match(l)]
    assert len(log_lines) == 1 and reason in log_lines[0], out
    assert f"/extra/bad/{name}" in log_lines[0]
    assert "run: Exec format error (ENOEXEC)" in out
    assert_no_leak(before, meminfo(guest))


def test_no_leak_after_200_runs(guest):
    guest.run("run /bin/hello")  # first-use allocations (FPU area, caches) out of the way
    before = meminfo(guest)
    out = guest.run("repeat 200 run /bin/hello", timeout=600)
    assert out.count("hello, world") == 200
    assert_no_oops(out)
    assert_no_leak(before, meminfo(guest))


def test_without_binfmt_elf_exec_fails(guest):
    assert re.search(r"^binfmt_elf\s", guest.run("lsmod"), re.M)
    assert guest.run("rmmod binfmt_elf").strip() == ""
    try:
        out = guest.run("run /bin/hello")
        assert "exec: /bin/hello: unknown executable format" in out
        assert "run: Exec format error (ENOEXEC)" in out
    finally:
        guest.run("modprobe binfmt_elf")
    assert program_output(guest.run("run /bin/hello")) == "hello, world\n"


def test_run_usage_and_missing_file(guest):
    assert guest.run("run").strip() == "usage: run <path> [args]..."
    assert guest.run("run /no/such").strip() == "run: No such file or directory (ENOENT)"
    assert guest.run("run /etc").strip().startswith("run: ")


def test_syscall_returning_past_user_space_uses_iret(guest):
    """RCX = 0x7ffffffff000 after the syscall: not SYSRET's to take (the host agrees: the
    program dies of SIGSEGV there)."""
    _, code = host_run("sysret")
    assert code == -11
    out = guest.run("run /bin/sysret")
    assert_no_oops(out)
    assert re.search(r"sysret\[\d+\]: segfault at 7ffffffff000 ip 00007ffffffff000 ", out), out
    assert "run: /bin/sysret killed by signal 11 (SIGSEGV)" in out


def test_read_line_from_console(guest):
    guest.send_line("run /bin/readline")
    guest.expect("type a line")
    guest.send_line("hello there")
    guest.expect(r"got 12 bytes: hello there\n")
    guest.wait_prompt()
    guest.send_line("run /bin/readline")
    guest.expect("type a line")
    guest.send(CTRL_C)
    guest.expect(r"run: /bin/readline killed by signal 2 \(SIGINT\)")
    guest.wait_prompt()
    assert program_output(guest.run("run /bin/hello")) == "hello, world\n"


def test_system_call_added_by_module(guest):
    assert "syscall 500: Function not implemented" in guest.run("run /bin/sysdemo")
    guest.run("modprobe sysdemo")
    try:
        assert "syscall: 500 registered by sysdemo" in guest.run("dmesg")
        # the system call is the module's user, in lsmod's and /proc/modules' "Used by"
        assert re.search(r"^sysdemo\s+\d+\s+0 \[syscall:500\]$", guest.run("lsmod"), re.M)
        assert re.search(r"^sysdemo \d+ 0 \[syscall:500\], Live ",
                         guest.run("cat /proc/modules"), re.M)
        out = program_output(guest.run("run /bin/sysdemo"))
        assert out == ('syscall 500: 20 "sysdemo: 40 + 2 = 42"\n'
                       "kernel buffer: -1 Bad address\n"
                       "short buffer: -1 Result not representable\n"), out
    finally:
        guest.run("rmmod sysdemo")
    assert "syscall 500: Function not implemented" in guest.run("run /bin/sysdemo")


def test_ids_uname_and_console_ioctls(guest):
    assert program_output(guest.run("run /bin/ids")) == (
        "uname: Keel x86_64\n"
        "uid 0 euid 0 gid 0 egid 0\n"
        "pid == tid: yes\n"
        "isatty(1): 1\n"
        "TIOCGWINSZ: 0, 80x25\n"
        "TCFLSH: -1 Not a tty\n"
        "write(7): -1 Bad file descriptor\n")


def test_syscall_fuzz_no_oops(guest):
    out = guest.run("run /bin/fuzz", timeout=300)
    assert_no_oops(out)
    assert "fuzz: 20000 calls, still alive" in out
    assert program_output(guest.run("run /bin/hello")) == "hello, world\n"
