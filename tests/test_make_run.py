"""`make run` as a person uses it: a terminal (a pty here), Ctrl-C reaching the guest, `reboot`
rebooting, Ctrl-A X quitting QEMU, DISK= and QEMU_EXTRA= reaching QEMU's command line, and
`make push M=dir` replacing a module in the running guest with its parameters kept.

Each test runs `make run` on a build folder of its own (make rebuilds the initrd and ISO there),
so no ISO another test boots is rebuilt under it. The terminal echoes what is typed and adds a
carriage return to every line, so output is matched with patterns that allow for both.
"""

import subprocess
import textwrap

import pexpect

from keel import BOOT_TIMEOUT, CMD_TIMEOUT, PROMPT, ROOT, Variant, build_variant


def spawn_make_run(tmp_path, name, *extra, initrd_extra=""):
    variant = Variant(name)
    build_variant(variant)
    args = ["--no-print-directory", f"BUILD={variant.build_dir}",
            f"INITRD_EXTRA={initrd_extra}", "run", *extra]
    child = pexpect.spawn("make", args, cwd=str(ROOT), encoding="utf-8",
                          codec_errors="replace", timeout=BOOT_TIMEOUT,
                          logfile=open(tmp_path / "make-run.log", "w"))
    child.expect_exact(PROMPT)
    return child


def quit_qemu(child):
    child.send("\x01x")  # Ctrl-A X: QEMU's mux quits
    child.expect(pexpect.EOF, timeout=CMD_TIMEOUT)
    child.close()


def test_ctrl_c_reaches_guest_and_reboot_reboots(tmp_path):
    child = spawn_make_run(tmp_path, "makerun-ctrlc")
    child.send("echo half-typed")
    child.send("\x03")  # ^C: the guest's line discipline drops the line, QEMU lives on
    child.expect_exact("^C", timeout=CMD_TIMEOUT)
    child.expect_exact(PROMPT, timeout=CMD_TIMEOUT)
    child.send("echo still-here\r")
    child.expect(r"\nstill-here\r+\n", timeout=CMD_TIMEOUT)
    child.expect_exact(PROMPT, timeout=CMD_TIMEOUT)
    child.send("reboot\r")  # under make run a reboot restarts the guest (no -no-reboot)
    child.expect_exact("booting", timeout=BOOT_TIMEOUT)
    child.expect_exact(PROMPT, timeout=BOOT_TIMEOUT)
    quit_qemu(child)
    assert child.exitstatus == 0 or child.signalstatus is None


def test_disk_and_qemu_extra(tmp_path):
    disk = tmp_path / "disk.img"
    subprocess.run(["truncate", "-s", "8M", str(disk)], check=True)
    child = spawn_make_run(tmp_path, "makerun-disk", f"DISK={disk}",
                           "QEMU_EXTRA=-device pci-serial,chardev=null0 -chardev null,id=null0")
    child.send("lsblk\r")
    child.expect(r"hda\s+.*16384", timeout=CMD_TIMEOUT)  # 8 MiB in 512-byte sectors
    child.expect_exact(PROMPT, timeout=CMD_TIMEOUT)
    child.send("lspci\r")
    child.expect_exact("1b36:0002", timeout=CMD_TIMEOUT)  # QEMU's PCI serial card
    child.expect_exact(PROMPT, timeout=CMD_TIMEOUT)
    quit_qemu(child)


PUSH_MODULE = textwrap.dedent("""\
    #include <keel/module.h>
    static int val = 1;
    module_param(val, int, 0444);
    static int __init pm_init(void) { pr_info("pushme: VERSION val=%d\\n", val); return 0; }
    static void __exit pm_exit(void) { pr_info("pushme: VERSION unloads\\n"); }
    module_init(pm_init);
    module_exit(pm_exit);
    MODULE_LICENSE("GPL");
    """)


def write_push_module(folder, version):
    (folder / "pushme.c").write_text(PUSH_MODULE.replace("VERSION", version))


def make_push(folder, build_dir):
    return subprocess.run(["make", "--no-print-directory", f"BUILD={build_dir}",
                           f"M={folder}", "push"], cwd=ROOT, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)


def test_make_push_replaces_a_module(tmp_path):
    src = tmp_path / "pushme"
    src.mkdir()
    write_push_module(src, "one")
    subprocess.run(["make", "--no-print-directory", f"M={src}", "modules"], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    child = spawn_make_run(tmp_path, "makerun-push", initrd_extra=str(src))
    child.send("insmod /extra/pushme.ko val=7\r")
    child.expect_exact("pushme: one val=7", timeout=CMD_TIMEOUT)
    child.expect_exact(PROMPT, timeout=CMD_TIMEOUT)
    write_push_module(src, "two")
    done = make_push(src, Variant("makerun-push").build_dir)
    assert done.returncode == 0, done.stdout
    assert "push: pushme: replaced in" in done.stdout, done.stdout
    child.expect_exact("pushme: one unloads", timeout=CMD_TIMEOUT)
    child.expect_exact("pushme: two val=7", timeout=CMD_TIMEOUT)  # parameters kept
    (src / "pushme.c").write_text("this is not C\n")  # a broken edit: make fails, guest intact
    assert make_push(src, Variant("makerun-push").build_dir).returncode != 0
    child.send("lsmod\r")
    child.expect(r"pushme\s", timeout=CMD_TIMEOUT)
    child.expect_exact(PROMPT, timeout=CMD_TIMEOUT)
    quit_qemu(child)


def test_make_push_without_a_guest(tmp_path):
    src = tmp_path / "pushme"
    src.mkdir()
    write_push_module(src, "one")
    done = make_push(src, "build/test/makerun-none")
    assert done.returncode != 0
    assert "cannot reach the guest" in done.stdout, done.stdout
