"""Every exercise checker (tests/exercises/check_<name>.py) works both ways: on the tree as it
is, where the exercise is not done, it fails at once with one "NOT DONE" line naming what is
missing; against the reference solution (docs/exercises/solutions/<name>/, SOLUTION=1) it
passes. So the checkers are known to accept a correct answer and to refuse no answer.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "exercises"))
import exlib  # noqa: E402
import keel  # noqa: E402

CHECKERS = sorted(p.stem[len("check_"):]
                  for p in (keel.ROOT / "tests" / "exercises").glob("check_*.py"))


def run_checker(name, solution):
    env = dict(os.environ, KEEL_BUILD=str(keel.BUILD),
               KEEL_EXERCISE_SOLUTION="1" if solution else "")
    for var in list(env):
        if var.startswith("PYTEST_XDIST") or var == "PYTEST_CURRENT_TEST":
            env.pop(var)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA",
                           f"tests/exercises/check_{name}.py"], cwd=keel.ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def load_exercise(name):
    import importlib

    return importlib.import_module(f"check_{name}").EXERCISE


def test_every_checker_has_a_solution():
    solutions = sorted(p.name for p in exlib.SOLUTIONS.iterdir() if p.is_dir())
    assert solutions == CHECKERS, "each exercise needs a checker and a reference solution"
    assert len(CHECKERS) >= 5


@pytest.mark.parametrize("name", CHECKERS)
def test_unsolved_fails_clearly(name):
    exercise = load_exercise(name)
    if exercise.missing() is None:
        pytest.skip(f"{name} is done in this tree")
    proc = run_checker(name, solution=False)
    assert proc.returncode != 0, proc.stdout
    assert f"exercise {name}: {exlib.NOT_DONE}: " in proc.stdout, proc.stdout
    assert exercise.doc.split("#")[0] in proc.stdout, proc.stdout


@pytest.mark.parametrize("name", CHECKERS)
def test_solution_passes(name):
    proc = run_checker(name, solution=True)
    print(proc.stdout)
    assert proc.returncode == 0, f"the reference solution of {name} fails its checker"
