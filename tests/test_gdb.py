"""gdb against QEMU's gdb stub with tools/gdb/keel.py: a breakpoint in a module that is not
loaded yet (pending) resolves when `insmod` loads it (keel-symbols' load hook), and hits at the
right source line; the backtrace ends cleanly at the entry code (CFI), and keel-lsmod,
keel-ps and keel-dmesg read the kernel's lists. gdb runs in batch mode, attached to a booted
guest while the test types at its serial console."""

import re
import socket
import subprocess
import time

import keel

HELLO_C = keel.ROOT / "modules" / "hello" / "hello.c"
OUTERMOST = ("ret_from_kthread_asm", "higher_half_entry")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def function_lines(path, name):
    """The line numbers of function `name`'s body in a C file (from its name to the '}')."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines, 1) if re.search(rf"\b{name}\(void\)$", line))
    end = next(i for i in range(start, len(lines) + 1) if lines[i - 1] == "}")
    return range(start, end + 1)


def gdb_command(port, log):
    script = [
        "set pagination off", "set confirm off", "set width 0",
        f"file {keel.ROOT / 'build' / 'keel.elf'}",
        f"source {keel.ROOT / 'tools' / 'gdb' / 'keel.py'}",
        f"target remote 127.0.0.1:{port}",
        "keel-symbols",
        "set breakpoint pending on",
        "break hello_init",
        "echo @@continuing\\n",
        "continue",
        "echo @@bt\\n", "bt", "echo @@end-bt\\n",
        "keel-lsmod", "keel-ps",
        "echo @@dmesg\\n", "keel-dmesg", "echo @@end-dmesg\\n",
        "delete",
        "detach",
    ]
    argv = ["gdb", "-nx", "-batch"]
    for line in script:
        argv += ["-ex", line]
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=keel.ROOT)


def wait_for_text(path, text, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text(errors="replace"):
            return
        assert proc.poll() is None, f"gdb exited early:\n{path.read_text()}"
        time.sleep(0.2)
    raise AssertionError(f"gdb never printed {text!r}:\n{path.read_text()}")


def section(out, start, end):
    return out[out.index(start) + len(start):out.index(end)]


def test_breakpoint_in_module_before_it_loads(default_iso, boot_machine, tmp_path):
    port = free_port()
    machine = boot_machine(default_iso, extra_args=["-gdb", f"tcp:127.0.0.1:{port}"])
    log_path = tmp_path / "gdb.log"
    with open(log_path, "w") as log:
        gdb = gdb_command(port, log)
        try:
            wait_for_text(log_path, "@@continuing", gdb, keel.CMD_TIMEOUT)
            time.sleep(1)  # `continue` follows the echo at once; the guest may still be stopped
            machine.run("insmod /lib/modules/hello.ko", timeout=keel.CMD_TIMEOUT * 2)
            gdb.wait(timeout=keel.CMD_TIMEOUT)
        finally:
            if gdb.poll() is None:
                gdb.kill()
    out = log_path.read_text(errors="replace")

    assert out.count("keel-symbols: hello at 0x") == 1, out
    hit = re.search(r"Breakpoint [\d.]+, (?:0x[0-9a-f]+ in )?hello_init \(\) at (\S+):(\d+)", out)
    assert hit, f"the breakpoint in hello_init did not hit:\n{out}"
    assert hit.group(1).endswith("modules/hello/hello.c"), out
    assert int(hit.group(2)) in function_lines(HELLO_C, "hello_init"), out

    frames = [line for line in section(out, "@@bt", "@@end-bt").splitlines()
              if line.startswith("#")]
    assert frames and "hello_init" in frames[0], out
    assert any("load_module" in f for f in frames), frames
    assert any(name in frames[-1] for name in OUTERMOST), frames
    assert not any("??" in f for f in frames), frames
    assert "Backtrace stopped" not in out, out

    assert re.search(r"^hello\s+Loading\s+0x[0-9a-f]{16}\s+\d+$", out, re.M), out
    assert re.search(r"^\*\s+1\s+R\s+init$", out, re.M), out  # keel-ps: the shell runs
    assert re.search(r"^\s+0\s+\S+\s+idle$", out, re.M), out
    assert "Keel " in section(out, "@@dmesg", "@@end-dmesg"), out

    # The guest went on after the detach: init ran, and lsmod -v shows the same .text.
    assert "hello: loaded" in machine.text
    text_addr = re.search(r"keel-symbols: hello at (0x[0-9a-f]+)", out).group(1)
    listing = machine.run("lsmod -v")
    assert re.search(rf"^\s+\.text\s+{text_addr}$", listing, re.M), listing
    for name in (".data", ".rodata", ".modinfo"):
        assert re.search(rf"^\s+{re.escape(name)}\s+0x[0-9a-f]+$", listing, re.M), listing
