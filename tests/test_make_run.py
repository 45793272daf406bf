"""`make run` as a person uses it: a terminal (a pty here), Ctrl-C reaching the guest, `reboot`
rebooting, Ctrl-A X quitting QEMU, DISK= and QEMU_EXTRA= reaching QEMU's command line.

Each test runs `make run` on a build folder of its own (make rebuilds the initrd and ISO there),
so no ISO another test boots is rebuilt under it. The terminal echoes what is typed and adds a
carriage return to every line, so output is matched with patterns that allow for both.
"""

import subprocess

import pexpect

from keel import BOOT_TIMEOUT, CMD_TIMEOUT, PROMPT, ROOT, Variant, build_variant


def spawn_make_run(tmp_path, name, *extra):
    variant = Variant(name)
    build_variant(variant)
    args = ["--no-print-directory", f"BUILD={variant.build_dir}", "INITRD_EXTRA=", "run",
            *extra]
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
