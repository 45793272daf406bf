"""ps2.ko and the input layer in QEMU: keys typed through QMP send-key travel i8042 -> ps2.ko ->
input layer -> console keyboard handler -> the shell's line reader, and come back as the
shell's echo on the serial console.

Covered: every printable US character unshifted and shifted, Caps Lock (and its LED), Ctrl-C,
Backspace, key codes of the extended keys and keypad (`showkey -k`), the bytes the console
keyboard makes of them (`showkey -a`: xterm sequences, Num Lock), rmmod/modprobe, and a machine
without an i8042 (-M q35,i8042=off), where ps2.ko refuses and the serial shell still works.
"""

import re
import time

import pytest

import keel

# What each printable character is on a US keyboard: (QMP qcode, shift held).
UNSHIFTED = "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./ "
SHIFTED = "~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"ZXCVBNM<>?"
_QCODES = (["grave_accent"] + list("1234567890") + ["minus", "equal"] + list("qwertyuiop")
           + ["bracket_left", "bracket_right", "backslash"] + list("asdfghjkl")
           + ["semicolon", "apostrophe"] + list("zxcvbnm") + ["comma", "dot", "slash"])
CHAR_KEYS = {c: (q, False) for c, q in zip(UNSHIFTED, _QCODES + ["spc"])}
CHAR_KEYS.update({c: (q, True) for c, q in zip(SHIFTED, _QCODES)})

KEYCODE = re.compile(r"^keycode +(\d+) (press|release|repeat)$", re.M)
BYTES = re.compile(r"^bytes:((?: [0-9a-f]{2})+)$", re.M)

# Linux key codes (kernel/include/keel/input-event-codes.h).
KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT = 103, 108, 105, 106
KEY_HOME, KEY_END, KEY_INSERT, KEY_DELETE, KEY_PAGEUP, KEY_PAGEDOWN = 102, 107, 110, 111, 104, 109
KEY_KPENTER, KEY_RIGHTCTRL, KEY_RIGHTALT, KEY_KPSLASH, KEY_LEFTMETA = 96, 97, 100, 98, 125
KEY_LEFTSHIFT, KEY_LEFTCTRL, KEY_LEFTALT, KEY_A, KEY_PAUSE, KEY_SYSRQ = 42, 29, 56, 30, 119, 99
KEY_KP7, KEY_KP5, KEY_KPDOT, KEY_F1, KEY_F12 = 71, 76, 83, 59, 88


def press(machine, *qcodes):
    machine.qmp().send_key(*qcodes)


def type_text(machine, text):
    """Types text on the PS/2 keyboard, one key (with shift when needed) per send-key."""
    for ch in text:
        qcode, shifted = CHAR_KEYS[ch]
        press(machine, *(("shift", qcode) if shifted else (qcode,)))


def type_command(machine, text):
    """Types a command line and Enter on the keyboard; returns (echoed line, output)."""
    start = machine.pos = len(machine.text)
    type_text(machine, text)
    press(machine, "ret")
    match = machine.expect(re.escape(keel.PROMPT))
    typed = machine.text[start:match.start()]
    head, _, rest = typed.partition("\n")
    return head, rest


def shell_quote(text):
    """The shell's word syntax: double quotes keep spaces; \\" and \\\\ escape."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def showkey(machine, mode, count, keys, seconds=30):
    """Runs `showkey -<mode> -n count`, presses each entry of keys (a tuple of qcodes pressed
    together), and returns showkey's output."""
    time.sleep(0.3)  # let QEMU deliver the releases of earlier keys first
    machine.pos = len(machine.text)
    machine.send_line(f"showkey -{mode} -n {count} -t {seconds}")
    machine.expect(r"showkey: .* stops\)\n")
    start = machine.pos
    for combo in keys:
        press(machine, *combo)
    match = machine.expect(r"showkey: done\n")
    output = machine.text[start:match.start()]
    machine.wait_prompt()
    return output


def key_events(output):
    return [(int(code), action) for code, action in KEYCODE.findall(output)]


def byte_groups(output):
    return [bytes.fromhex(group.replace(" ", "")) for group in BYTES.findall(output)]


def test_keyboard_registered_at_boot(shell):
    assert re.search(r"ps2: i8042 with \d ports?, keyboard on port 1", shell.boot_text)
    out = shell.run("input")
    assert 'input0: "AT Translated Set 2 keyboard"\n        phys=isa0060/serio0 leds=none' \
        in out, out


@pytest.mark.parametrize("text", [UNSHIFTED, SHIFTED], ids=["unshifted", "shifted"])
def test_every_printable_character(shell, text):
    command = "echo " + shell_quote(text)
    echoed, output = type_command(shell, command)
    assert echoed.endswith(command), f"the line reader saw {echoed!r}"
    assert output == text + "\n"


def wait_leds(machine, leds, timeout=20):
    """Polls `input` until the keyboard shows leds (the key events are queued in QEMU)."""
    deadline = time.monotonic() + timeout
    while True:
        out = machine.run("input")
        if f"leds={leds}\n" in out or time.monotonic() > deadline:
            return out
        time.sleep(0.2)


def test_caps_lock_letters_only_and_led(shell):
    press(shell, "caps_lock")
    assert "leds=caps\n" in wait_leds(shell, "caps")
    press(shell, "caps_lock")
    assert "leds=none\n" in wait_leds(shell, "none")
    start = shell.pos = len(shell.text)
    type_text(shell, "echo '")  # quoted: ';' separates commands
    press(shell, "caps_lock")
    type_text(shell, "aZ1;")  # shift undoes caps; digits and punctuation unaffected
    press(shell, "caps_lock")
    type_text(shell, "aZ'")
    press(shell, "ret")
    match = shell.expect(re.escape(keel.PROMPT))
    assert shell.text[start:match.start()].endswith("echo 'Az1;aZ'\nAz1;aZ\n")


def test_backspace_and_ctrl_c(shell):
    start = shell.pos = len(shell.text)
    type_text(shell, "echo abcx")
    press(shell, "backspace")
    type_text(shell, "d")
    press(shell, "ret")
    match = shell.expect(re.escape(keel.PROMPT))
    assert shell.text[start:match.start()].endswith("\nabcd\n")
    start = shell.pos = len(shell.text)
    type_text(shell, "echo never")
    press(shell, "ctrl", "c")
    match = shell.expect(r"\^C\n" + re.escape(keel.PROMPT))
    assert shell.text[start:match.start()] == "echo never"
    assert shell.run("echo after") == "after\n"


def test_extended_keys_and_modifiers_showkey(shell):
    keys = [("up",), ("down",), ("left",), ("right",), ("home",), ("end",), ("insert",),
            ("delete",), ("pgup",), ("pgdn",), ("kp_enter",), ("ctrl_r",), ("alt_r",),
            ("kp_divide",), ("meta_l",), ("shift", "a"), ("ctrl", "alt", "f1"), ("f12",)]
    codes = [KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_INSERT, KEY_DELETE,
             KEY_PAGEUP, KEY_PAGEDOWN, KEY_KPENTER, KEY_RIGHTCTRL, KEY_RIGHTALT, KEY_KPSLASH,
             KEY_LEFTMETA]
    expected = [(c, a) for c in codes for a in ("press", "release")]
    expected += [(KEY_LEFTSHIFT, "press"), (KEY_A, "press"), (KEY_A, "release"),
                 (KEY_LEFTSHIFT, "release"), (KEY_LEFTCTRL, "press"), (KEY_LEFTALT, "press"),
                 (KEY_F1, "press"), (KEY_F1, "release"), (KEY_LEFTALT, "release"),
                 (KEY_LEFTCTRL, "release"), (KEY_F12, "press"), (KEY_F12, "release")]
    assert key_events(showkey(shell, "k", len(expected), keys)) == expected
    # Keys pressed during showkey did not type into the shell.
    assert shell.run("echo clean") == "clean\n"


def test_pause_and_print_screen_showkey(shell):
    events = key_events(showkey(shell, "k", 4, [("pause",), ("print",)]))
    assert events == [(KEY_PAUSE, "press"), (KEY_PAUSE, "release"),
                      (KEY_SYSRQ, "press"), (KEY_SYSRQ, "release")]


def test_escape_sequences_showkey(shell):
    keys = [("up",), ("down",), ("right",), ("left",), ("home",), ("end",), ("insert",),
            ("delete",), ("pgup",), ("pgdn",), ("f1",), ("f4",), ("f5",), ("f12",),
            ("ret",), ("backspace",), ("tab",), ("esc",), ("ctrl", "a"), ("alt", "x"),
            ("ctrl", "right"), ("shift", "tab")]
    expected = [b"\x1b[A", b"\x1b[B", b"\x1b[C", b"\x1b[D", b"\x1b[H", b"\x1b[F", b"\x1b[2~",
                b"\x1b[3~", b"\x1b[5~", b"\x1b[6~", b"\x1bOP", b"\x1bOS", b"\x1b[15~",
                b"\x1b[24~", b"\r", b"\x7f", b"\t", b"\x1b", b"\x01", b"\x1bx", b"\x1b[1;5C",
                b"\x1b[Z"]
    assert byte_groups(showkey(shell, "a", len(expected), keys)) == expected


def test_keypad_with_and_without_num_lock(shell):
    nav = [("kp_8",), ("kp_2",), ("kp_4",), ("kp_6",), ("kp_7",), ("kp_1",), ("kp_9",),
           ("kp_3",), ("kp_0",), ("kp_decimal",), ("kp_5",), ("kp_add",), ("kp_enter",)]
    expected = [b"\x1b[A", b"\x1b[B", b"\x1b[D", b"\x1b[C", b"\x1b[H", b"\x1b[F", b"\x1b[5~",
                b"\x1b[6~", b"\x1b[2~", b"\x1b[3~", b"\x1b[E", b"+", b"\r"]
    assert byte_groups(showkey(shell, "a", len(expected), nav)) == expected
    press(shell, "num_lock")
    assert "leds=num\n" in wait_leds(shell, "num")
    echoed, output = type_command_keypad(shell)
    assert output == "0123456789.-+*/\n"
    press(shell, "num_lock")
    assert "leds=none\n" in wait_leds(shell, "none")


def type_command_keypad(machine):
    start = machine.pos = len(machine.text)
    type_text(machine, "echo ")
    for key in ["kp_0", "kp_1", "kp_2", "kp_3", "kp_4", "kp_5", "kp_6", "kp_7", "kp_8", "kp_9",
                "kp_decimal", "kp_subtract", "kp_add", "kp_multiply", "kp_divide", "kp_enter"]:
        press(machine, key)
    match = machine.expect(re.escape(keel.PROMPT))
    head, _, rest = machine.text[start:match.start()].partition("\n")
    return head, rest


def test_rmmod_modprobe_cycle(shell):
    assert shell.run("rmmod ps2") == ""
    assert "no input devices" in shell.run("input")
    assert not re.search(r"^ps2 ", shell.run("lsmod"), re.M)
    out = shell.run("modprobe ps2")
    assert "ps2: i8042 with" in out
    assert "AT Translated Set 2 keyboard" in shell.run("input")
    assert type_command(shell, "echo back")[1] == "back\n"


def test_no_i8042_refused_cleanly(default_iso, boot_machine):
    machine = boot_machine(default_iso, machine="q35,i8042=off",
                           extra_args=["-device", "qemu-xhci", "-device", "usb-kbd"])
    assert "ps2: no i8042 controller found" in machine.boot_text
    out = machine.run("modprobe ps2")
    lines = [line for line in out.splitlines() if line.strip()]
    assert any(line.endswith("ps2: no i8042 controller found") for line in lines), out
    assert all("ps2:" in line for line in lines), out  # nothing but the refusal
    assert not re.search(r"^ps2 ", machine.run("lsmod"), re.M)
    # usbhid.ko drives the USB keyboard (tests/test_usb.py); no PS/2 one is registered.
    assert "AT Translated" not in machine.run("input")
    assert "ps2: no i8042 controller found" in machine.run("insmod /lib/modules/ps2.ko")
    assert machine.run("echo serial still works") == "serial still works\n"


# Line editing and history through the PS/2 path: the keyboard's xterm sequences reach the
# n_tty discipline (attached at boot from /etc/modules), which edits the line.

def test_arrows_edit_the_line(shell):
    """`echo acd`, Left x2, `b`, End, `e`, Home, Right x5 (after "echo "), Delete -> echo abde."""
    start = shell.pos = len(shell.text)
    type_text(shell, "echo acd")
    press(shell, "left")
    press(shell, "left")
    type_text(shell, "b")
    press(shell, "end")
    type_text(shell, "e")
    press(shell, "home")
    for _ in range(5):
        press(shell, "right")
    type_text(shell, "x")
    press(shell, "left")
    press(shell, "delete")
    press(shell, "ret")
    match = shell.expect(re.escape(keel.PROMPT))
    assert shell.text[start:match.start()].splitlines()[-1] == "abcde"


def test_history_up_down(shell):
    type_command(shell, "echo first-ps2")
    type_command(shell, "echo second-ps2")
    start = shell.pos = len(shell.text)
    press(shell, "up")
    press(shell, "up")
    press(shell, "down")  # back to "echo second-ps2"
    type_text(shell, "x")
    press(shell, "ret")
    match = shell.expect(re.escape(keel.PROMPT))
    assert shell.text[start:match.start()].splitlines()[-1] == "second-ps2x"
    start = shell.pos = len(shell.text)
    press(shell, "up")
    press(shell, "up")
    press(shell, "up")  # echo first-ps2
    press(shell, "ret")
    match = shell.expect(re.escape(keel.PROMPT))
    assert shell.text[start:match.start()].splitlines()[-1] == "first-ps2"


def test_ctrl_w_and_ctrl_u(shell):
    start = shell.pos = len(shell.text)
    type_text(shell, "echo gone")
    press(shell, "ctrl", "u")
    type_text(shell, "echo keep drop")
    press(shell, "ctrl", "w")
    press(shell, "ret")
    match = shell.expect(re.escape(keel.PROMPT))
    assert shell.text[start:match.start()].splitlines()[-1] == "keep"
