"""Keystroke-to-echo latency: from QMP send-key of one letter to the shell's echo of it on the
serial console (i8042 IRQ -> ps2.ko -> input layer -> console keyboard -> line reader -> serial),
over KEEL_BENCH_KEYS keys (default 50) on the default ISO (BIOS, CD, TCG); then the same through
a USB keyboard (-M q35,i8042=off, qemu-xhci: usb-kbd's interrupt endpoint -> xhci.ko ->
usbhid.ko -> input layer ...)."""

import os
import shutil
import string
import sys
import time

import benchlib
from benchlib import keel

KEYS = int(os.environ.get("KEEL_BENCH_KEYS", "50"))


def one_key(machine, qmp, letter):
    """Seconds from sending the key to seeing its echo."""
    machine.pos = len(machine.text)
    sent = time.monotonic()
    qmp.send_key(letter)
    machine.wait_for(lambda text: letter in text, keel.CMD_TIMEOUT, f"the echo of {letter!r}")
    return time.monotonic() - sent


def measure(machine):
    qmp = machine.qmp()
    latencies = []
    for index in range(KEYS):
        letter = string.ascii_lowercase[index % 26]
        latencies.append(one_key(machine, qmp, letter) * 1000)
        time.sleep(0.05)  # the key's release has gone through before the next press
        if index % 26 == 25:
            qmp.send_key("ctrl", "u")  # keep the line short
            time.sleep(0.05)
    return latencies


USB_MACHINE = {"machine": "q35,i8042=off",
               "extra_args": ["-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,bus=xhci.0"]}


def run(label, options):
    iso = benchlib.default_iso()
    directory = benchlib.workdir("keyboard")
    machine = keel.Machine(iso, directory, mode="bios-cd", **options).start()
    try:
        machine.wait_prompt()
        latencies = measure(machine)
    except keel.KeelError as error:
        print(f"bench_keyboard: {error}", file=sys.stderr)
        return 1
    finally:
        machine.close()
        shutil.rmtree(directory, ignore_errors=True)
    benchlib.report(f"keystroke-to-echo ({label}, QMP send-key)", latencies, "ms", "{:.2f}")
    return 0


def main():
    return run("PS/2", {}) or run("USB HID", USB_MACHINE)


if __name__ == "__main__":
    sys.exit(main())
