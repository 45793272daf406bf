"""A modern PC as a user meets it: UEFI, q35 without the i8042, a USB keyboard, a framebuffer
and no serial port at all. Whatever reaches the shell must come through xhci.ko, usbcore.ko
and usbhid.ko and be edited by the console's line discipline, with only the framebuffer
console to show it. The proof is a side effect outside the guest: typing `powerofx`,
Backspace, `f`, Enter must make QEMU exit (poweroff), and the screen must hold drawn text.
Before that, Shift+PgUp on the USB keyboard scrolls the framebuffer back and Shift+PgDn
brings back exactly the same pixels."""

import time

import keel

POWEROFF_KEYS = list("powerofx") + ["backspace", "f", "ret"]


class NoSerialMachine(keel.Machine):
    """keel.Machine without the serial port (and so without its console)."""

    def command_line(self):
        argv = super().command_line()
        i = argv.index("-chardev")
        del argv[i:i + 4]  # -chardev stdio,... -serial chardev:serial0
        return argv + ["-serial", "none"]


def type_keys(qmp, keys):
    for key in keys:
        qmp.send_key(key)
        time.sleep(0.1)  # one key per poll of the keyboard's interrupt endpoint


def screen_after(qmp, path, differs_from=None, equal_to=None):
    """The screen once a key's effect shows (send-key is asynchronous): polled up to 10 s."""
    for i in range(100):
        pixels = qmp.screendump(path.with_suffix(f".{i}.ppm")).pixels
        if (differs_from is not None and pixels != differs_from) or \
           (equal_to is not None and pixels == equal_to):
            return pixels
        time.sleep(0.1)
    return pixels


def scrolled_back_and_forth(qmp, tmp_path):
    """Whether Shift+PgUp changed the screen and Shift+PgDn restored it exactly; None when
    nothing moved (no history yet: the shell may not have started)."""
    for _ in range(3):  # output that scrolls, so there is history
        type_keys(qmp, list("help") + ["ret"])
    time.sleep(1)
    live = qmp.screendump(tmp_path / "live.ppm").pixels
    qmp.send_key("shift", "pgup")
    back = screen_after(qmp, tmp_path / "back", differs_from=live)
    if back == live:
        return None
    qmp.send_key("shift", "pgdn")
    return screen_after(qmp, tmp_path / "again", equal_to=live) == live


def check_scrollback(qmp, tmp_path, deadline):
    """Retried until the deadline: while the machine still boots, its own output moves the
    screen too. A Shift+PgDn that never restores the screen fails at the end."""
    result = None
    while time.monotonic() < deadline:
        result = scrolled_back_and_forth(qmp, tmp_path)
        if result:
            return
    assert result is not None, "Shift+PgUp on the USB keyboard never scrolled the framebuffer"
    raise AssertionError("Shift+PgDn did not bring the live screen back")


def test_usb_keyboard_drives_framebuffer_console(default_iso, tmp_path):
    machine = NoSerialMachine(default_iso, tmp_path, mode="uefi-cd", machine="q35,i8042=off",
                              extra_args=["-device", "qemu-xhci", "-device", "usb-kbd"])
    machine.start()
    try:
        qmp = machine.qmp()
        deadline = time.monotonic() + keel.BOOT_TIMEOUT
        check_scrollback(qmp, tmp_path, deadline)
        exited = False
        while not exited and time.monotonic() < deadline:
            time.sleep(5)  # the shell may not be there yet: each attempt is a whole line
            image = qmp.screendump(tmp_path / "screen.ppm")
            type_keys(qmp, POWEROFF_KEYS)
            try:
                machine.wait_exit(10)
                exited = True
            except keel.KeelError:
                pass
        assert exited, "typing poweroff on the USB keyboard did not power the machine off"
        assert image.width >= 800 and len(set(image.pixels[i:i + 3] for i in
                                               range(0, len(image.pixels), 3 * 97))) >= 2
    finally:
        machine.close()
