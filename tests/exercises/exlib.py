"""The exercise checkers' library: which tree to check, how to build and boot it.

Each exercise at the end of a chapter in docs/ has a checker, tests/exercises/check_<name>.py,
run by `make check-exercise N=<name>`:

  * on your tree (the default): the checker first looks for what the exercise asks you to
    write (a module folder modules/<name>/, or a kernel source registering a command); when it
    is missing it stops at once with one line saying what is missing ("NOT DONE: ..."). Else it
    builds the tree as `make` does (build/keel.iso, your module lands in /lib/modules/) and
    boots it in QEMU;
  * with SOLUTION=1 (KEEL_EXERCISE_SOLUTION=1): it checks the reference solutions instead. The
    tree's tracked files are copied to build/exercises/solved/, every solution folder under
    docs/exercises/solutions/<name>/ is laid over it (its files mirror the tree's paths:
    modules/<name>/..., kernel/...), its *.patch files are applied with `patch -p1`, and that
    copy is built with its own build/ folder. One build serves every exercise.

tests/test_exercises.py runs every checker both ways: it must fail clearly on the tree as it is,
and pass with the solutions.
"""

import fcntl
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import keel  # noqa: E402

ROOT = keel.ROOT
SOLUTIONS = ROOT / "docs" / "exercises" / "solutions"
EXERCISES_BUILD = ROOT / keel.BUILD / "exercises"
SOLVED = EXERCISES_BUILD / "solved"
NOT_DONE = "NOT DONE"


def solution_mode():
    return os.environ.get("KEEL_EXERCISE_SOLUTION", "") not in ("", "0")


class Exercise:
    """name: the exercise; doc: where it is described; module: the .ko it asks for (None when
    the exercise changes the kernel itself); extra_modules: other module folders it asks for
    (greet: greet_core next to greet_user); command: the shell command it adds; what: one
    phrase describing what is asked, for the NOT DONE message."""

    def __init__(self, name, doc, what, command, module=None, kernel_marker=None,
                 extra_modules=()):
        self.name, self.doc, self.what = name, doc, what
        self.command, self.module, self.kernel_marker = command, module, kernel_marker
        self.extra_modules = tuple(extra_modules)

    def missing(self):
        """None when the student's work is there to be checked, else why not (one line)."""
        if self.module:
            for module in (self.module,) + self.extra_modules:
                folder = ROOT / "modules" / module
                if not folder.is_dir() or not any(folder.glob("*.c")):
                    return (f"modules/{module}/ has no .c file: {self.what} "
                            f"(see {self.doc})")
            return None
        pattern = re.compile(self.kernel_marker)
        for source in sorted((ROOT / "kernel").rglob("*.c")):
            if pattern.search(source.read_text(errors="replace")):
                return None
        return (f"no source under kernel/ matches /{self.kernel_marker}/: {self.what} "
                f"(see {self.doc})")

    def module_path(self):
        return f"/lib/modules/{self.module}.ko"


# ---------------------------------------------------------------------------------------------
# The solved tree

def _tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                         stdout=subprocess.PIPE).stdout
    return [Path(p.decode()) for p in out.split(b"\0") if p]


def _stage(staging):
    """Writes the desired solved tree into staging: tracked files, overlays, patches."""
    shutil.rmtree(staging, ignore_errors=True)
    for rel in _tracked_files():
        src = ROOT / rel
        if src.is_file():
            dst = staging / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    for solution in sorted(p for p in SOLUTIONS.iterdir() if p.is_dir()):
        for src in sorted(solution.rglob("*")):
            if src.is_file() and src.suffix != ".patch" and src.name != "README.md":
                dst = staging / src.relative_to(solution)
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)
        for patch in sorted(solution.glob("*.patch")):
            proc = subprocess.run(["patch", "-p1", "--forward", "--batch", "--fuzz=3", "-i",
                                   str(patch)], cwd=staging, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
            if proc.returncode != 0:
                raise keel.KeelError(f"{patch.relative_to(ROOT)} does not apply to the tree "
                                     f"any more:\n{proc.stdout}")


def _sync(staging, target):
    """Makes target equal staging, rewriting only files whose content changed (so make
    rebuilds only what the solutions touch) and leaving target/build alone."""
    wanted = set()
    for src in staging.rglob("*"):
        if src.is_dir():
            continue
        rel = src.relative_to(staging)
        wanted.add(rel)
        dst = target / rel
        if dst.is_file() and dst.read_bytes() == src.read_bytes():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        os.utime(dst)  # newer than any object built from an older version
    for dst in sorted(target.rglob("*"), reverse=True):
        rel = dst.relative_to(target)
        if rel.parts[0] == "build":
            continue
        if dst.is_file() and rel not in wanted:
            dst.unlink()
        elif dst.is_dir() and not any(dst.iterdir()):
            dst.rmdir()


def build_solved_tree():
    """The solved tree's ISO (built once per test session; later calls reuse it)."""
    EXERCISES_BUILD.mkdir(parents=True, exist_ok=True)
    with open(EXERCISES_BUILD / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        iso = SOLVED / "build" / "keel.iso"
        stamp = SOLVED / "build" / ".exercise-session"
        if stamp.exists() and stamp.read_text() == keel.session_id() and iso.exists():
            return SOLVED
        staging = EXERCISES_BUILD / "staging"
        _stage(staging)
        SOLVED.mkdir(parents=True, exist_ok=True)
        _sync(staging, SOLVED)
        shutil.rmtree(staging, ignore_errors=True)
        env = dict(os.environ)
        for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "BUILD", "KEEL_BUILD"):
            env.pop(name, None)
        proc = subprocess.run(["make", "--no-print-directory", "-j2", "BUILD=build",
                               "CMDLINE=", "INITRD_EXTRA=", "iso"], cwd=SOLVED, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            raise keel.KeelError("building the solved tree failed (make -C "
                                 f"{SOLVED.relative_to(ROOT)} iso):\n{proc.stdout[-4000:]}")
        stamp.write_text(keel.session_id())
    return SOLVED


# ---------------------------------------------------------------------------------------------
# What a checker uses

class Target:
    """The tree being checked: its top folder, build folder, ISO and kernel ELF."""

    def __init__(self, top, build):
        self.top, self.build = Path(top), Path(build)
        self.iso = self.build / "keel.iso"
        self.elf = self.build / "keel.elf"
        self.initrd_root = self.build / "initrd-root"

    def symbol(self, name):
        """The address of a kernel symbol, from nm of the kernel ELF."""
        out = subprocess.run(["nm", str(self.elf)], check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        for line in out.splitlines():
            fields = line.split()
            if len(fields) == 3 and fields[2] == name:
                return int(fields[0], 16)
        raise keel.KeelError(f"{name} is not in {self.elf}")


def prepare(exercise):
    """The Target to check; stops the session with a NOT DONE line when work is missing."""
    if solution_mode():
        top = build_solved_tree()
        return Target(top, top / "build")
    why = exercise.missing()
    if why:
        pytest.exit(f"exercise {exercise.name}: {NOT_DONE}: {why}", returncode=1)
    keel.build_variant(keel.DEFAULT)
    return Target(ROOT, ROOT / keel.BUILD)


def boot(target, workdir):
    return keel.boot(target.iso, Path(workdir))


def insmod(machine, exercise, args=""):
    """Loads the exercise's module; fails with the shell's answer when the load fails."""
    line = f"insmod {exercise.module_path()} {args}".strip()
    out = machine.run(line)
    listed = machine.run("lsmod")
    if not re.search(rf"^{exercise.module}\s", listed, re.M):
        raise keel.KeelError(f"`{line}` did not load {exercise.module}:\n{out}")
    return out


def rmmod_clean(machine, exercise):
    """Unloads the module and checks the loader had nothing to clean up after it."""
    out = machine.run(f"rmmod {exercise.module}")
    listed = machine.run("lsmod")
    assert not re.search(rf"^{exercise.module}\s", listed, re.M), \
        f"rmmod {exercise.module} left it loaded:\n{out}"
    leftovers = [line for line in out.splitlines()
                 if " still " in line or "leaked" in line]
    assert not leftovers, ("the module's exit left things for the loader to clean up:\n"
                           + "\n".join(leftovers))
    return out


def command_not_found(output):
    return "command not found" in output
