"""`crash <kind>` faults on purpose; the oops names the faulting function and has a trace."""

import pytest

import keel


@pytest.mark.parametrize("kind", ["pf", "gp", "ud", "de", "df"])
def test_crash_oops(boot_machine, default_iso, kind):
    machine = boot_machine(default_iso)
    function = f"crash_{kind}"
    machine.pos = len(machine.text)
    machine.send_line(f"crash {kind}")

    def oops_or_prompt(text):
        if ("Call Trace:" in text and function in text
                and (kind != "df" or "double fault" in text.lower())):
            return "oops"
        if "Call Trace:" not in text and keel.PROMPT in text:
            return "prompt"  # back at the prompt with no oops: no need to wait any longer
        return None

    # An oops may end in a panic: the kernel dying is expected here.
    outcome = machine.wait_for(oops_or_prompt, timeout=120, what=f"an oops naming {function}",
                               fatal=None)
    output = machine.text[machine.pos:]
    assert outcome == "oops", f"crash {kind}: no oops naming {function}:\n{output}"
