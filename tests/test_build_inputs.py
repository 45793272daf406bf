"""Build inputs with odd characters: CMDLINE reaches the kernel exactly as given (GRUB's script
specials quoted) or make refuses it with one clear line (what GRUB would rewrite: " ' \\ and
control characters); INITRD_EXTRA files whose names hold blanks and shell specials are packed,
listed and read back, and a name with a newline is refused by name."""

import os
import subprocess

import pytest

import keel

# Everything GRUB's script parser treats specially, each of which must reach the kernel as is.
ODD_CMDLINE = "keeltest.odd=a$b c`d` $(HOME) ${x} e;f #g {h} |i &j <k> l*m?n [o] ~p %q! @r"
ODD_NAMES = ("with space.txt", "two  spaces", "sub dir/a$b`c`;d&e|f#g.txt")


def odd_extra_files(root):
    for index, name in enumerate(ODD_NAMES):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"odd file {index}\n")


ODD = keel.Variant("oddinputs", cmdline=ODD_CMDLINE, extra=odd_extra_files)


def make_grub_cfg(tmp_path, cmdline):
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    return subprocess.run(["make", "--no-print-directory", f"BUILD={tmp_path}",
                           f"CMDLINE={cmdline}", f"{tmp_path}/grub.cfg"],
                          cwd=keel.ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("cmdline, what", [
    ('quiet foo="a b"', "a double quote"),
    ("foo='a'", "a single quote"),
    ("foo=a\\b", "a backslash"),
    ("foo=a\nmultiboot2 /evil", "a newline"),
    ("foo=a\tb", "a control character"),
    ("foo=\x1b[2J", "a control character"),
])
def test_cmdline_refused(tmp_path, cmdline, what):
    proc = make_grub_cfg(tmp_path, cmdline)
    assert proc.returncode != 0, "make accepted a command line GRUB cannot pass on"
    assert f"grub.cfg: CMDLINE contains {what}" in proc.stderr, proc.stderr
    assert not (tmp_path / "grub.cfg").exists()


def test_cmdline_quoted_for_grub(tmp_path):
    proc = make_grub_cfg(tmp_path, "  " + ODD_CMDLINE.replace(" ", "   ") + " ")
    assert proc.returncode == 0, proc.stderr
    words = " ".join(f"'{word}'" for word in ODD_CMDLINE.split())
    assert f"\tmultiboot2 /boot/keel.elf {words}\n" in (tmp_path / "grub.cfg").read_text()


def test_initrd_name_with_newline_refused(tmp_path):
    extra = tmp_path / "extra"
    (extra / "ok dir").mkdir(parents=True)
    (extra / "ok dir" / "bad\nname").write_text("x")
    env = dict(os.environ, INITRD_EXTRA=str(extra))
    proc = subprocess.run(["sh", "tools/mkinitrd.sh", str(tmp_path / "root"),
                           str(tmp_path / "initrd.cpio"), "iso/initrd"],
                          cwd=keel.ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'mkinitrd: refusing "extra/ok dir/bad?name"' in proc.stderr, proc.stderr
    assert not (tmp_path / "initrd.cpio").exists()


@pytest.fixture(scope="module")
def odd_shell(tmp_path_factory):
    machine = keel.boot(keel.build_variant(ODD), tmp_path_factory.mktemp("odd-inputs"))
    try:
        yield machine
    finally:
        machine.close()


def test_cmdline_exact_in_guest(odd_shell):
    assert odd_shell.run("cmdline").strip("\n") == ODD_CMDLINE


def test_odd_initrd_names(odd_shell):
    listing = odd_shell.run("ls /extra")
    for name in ("with space.txt", "two  spaces", "sub dir"):
        assert name in listing, listing
    assert "a$b`c`;d&e|f#g.txt" in odd_shell.run('ls "/extra/sub dir"')
    for index, name in enumerate(ODD_NAMES):
        assert odd_shell.run(f'cat "/extra/{name}"').strip() == f"odd file {index}", name
