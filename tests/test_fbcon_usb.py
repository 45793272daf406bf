"""A modern PC as a user meets it: UEFI, q35 without the i8042, a USB keyboard, a framebuffer
and no serial port at all. Whatever reaches the shell must come through xhci.ko, usbcore.ko
and usbhid.ko and be edited by the console's line discipline, with only the framebuffer
console to show it. The proof is a side effect outside the guest: typing `powerofx`,
Backspace, `f`, Enter must make QEMU exit (poweroff), and the screen must hold drawn text."""

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


def test_usb_keyboard_drives_framebuffer_console(default_iso, tmp_path):
    machine = NoSerialMachine(default_iso, tmp_path, mode="uefi-cd", machine="q35,i8042=off",
                              extra_args=["-device", "qemu-xhci", "-device", "usb-kbd"])
    machine.start()
    try:
        qmp = machine.qmp()
        deadline = time.monotonic() + keel.BOOT_TIMEOUT
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
