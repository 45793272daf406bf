"""`crash <kind>` faults on purpose; the oops names the faulting function and has a trace."""

import pytest


@pytest.mark.parametrize("kind", ["pf", "gp", "ud", "de", "df"])
def test_crash_oops(boot_machine, default_iso, kind):
    machine = boot_machine(default_iso)
    function = f"crash_{kind}"
    machine.pos = len(machine.text)
    machine.send_line(f"crash {kind}")

    def oops_complete(text):
        text_lower = text.lower()
        return ("Call Trace:" in text and function in text
                and (kind != "df" or "double fault" in text_lower))

    # An oops may end in a panic: the kernel dying is expected here.
    machine.wait_for(oops_complete, timeout=120, what=f"an oops naming {function}", fatal=None)
