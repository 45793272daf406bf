"""Shift+PgUp/PgDn scroll the screen console back and forth through its history, as on a
Linux virtual console. VGA text mode (BIOS): the cells are read straight out of guest memory
at 0xb8000 with QMP pmemsave, so the check is exact. Framebuffer (UEFI): PgDn must bring back
exactly the pixels of the live screen, and new output must too."""

import time

import keel

VGA_COLS, VGA_ROWS = 80, 25


def vga_rows(machine):
    path = machine.workdir / "vga.bin"
    machine.qmp().execute("pmemsave", val=0xb8000, size=VGA_COLS * VGA_ROWS * 2,
                          filename=str(path))
    data = path.read_bytes()
    return [data[r * VGA_COLS * 2:(r + 1) * VGA_COLS * 2:2].decode("latin-1").rstrip()
            for r in range(VGA_ROWS)]


def settle_rows(machine, differs_from=None):
    """The screen once a key's effect is visible (send-key is asynchronous)."""
    for _ in range(50):
        rows = vga_rows(machine)
        if rows != differs_from:
            return rows
        time.sleep(0.1)
    return rows


def test_vga_scrollback(default_iso, boot_machine):
    machine = boot_machine(default_iso)
    machine.run("repeat 60 echo scrolled-line-{}")
    live = vga_rows(machine)
    assert "scrolled-line-" in live[-3], live

    qmp = machine.qmp()
    qmp.send_key("shift", "pgup")
    back = settle_rows(machine, live)
    half = VGA_ROWS // 2
    assert back[half:] == live[:VGA_ROWS - half], (back, live)  # moved down half a screen
    assert any("scrolled-line-" in row for row in back[:half]), back
    qmp.send_key("shift", "pgup")
    older = settle_rows(machine, back)
    assert older[half:] == back[:VGA_ROWS - half], older
    qmp.send_key("shift", "pgdn")
    assert settle_rows(machine, older) == back
    qmp.send_key("shift", "pgdn")
    assert settle_rows(machine, back) == live
    qmp.send_key("shift", "pgdn")  # already live: nothing moves
    time.sleep(0.3)
    assert vga_rows(machine) == live

    # Output brings the live screen back; the keys never reach the shell as input.
    qmp.send_key("shift", "pgup")
    settle_rows(machine, live)
    out = machine.run("echo after-scrollback")
    assert out.strip() == "after-scrollback", out
    rows = vga_rows(machine)
    assert any(row.endswith("after-scrollback") for row in rows[-4:]), rows


def test_framebuffer_scrollback(default_iso, tmp_path):
    machine = keel.boot(default_iso, tmp_path, mode="uefi-cd")
    try:
        machine.run("repeat 80 echo scrolled-line-{}")
        qmp = machine.qmp()
        live = qmp.screendump(tmp_path / "live.ppm").pixels
        qmp.send_key("shift", "pgup")
        for i in range(50):
            back = qmp.screendump(tmp_path / f"back{i}.ppm").pixels
            if back != live:
                break
            time.sleep(0.1)
        assert back != live, "Shift+PgUp did not change the framebuffer"
        qmp.send_key("shift", "pgdn")
        for i in range(50):
            again = qmp.screendump(tmp_path / f"again{i}.ppm").pixels
            if again == live:
                break
            time.sleep(0.1)
        assert again == live, "Shift+PgDn did not restore the live screen exactly"
    finally:
        machine.close()
