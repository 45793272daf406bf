"""Fixtures for the exercise checkers (tests/exercises/check_<name>.py, see exlib.py).

A checker module sets EXERCISE = exlib.Exercise(...); `target` is the tree to check (yours, or
the solved copy with SOLUTION=1), `machine` that tree booted once for the whole file.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exlib  # noqa: E402


@pytest.fixture(scope="module")
def exercise(request):
    return request.module.EXERCISE


@pytest.fixture(scope="module")
def target(exercise):
    return exlib.prepare(exercise)


@pytest.fixture(scope="module")
def machine(target, tmp_path_factory):
    m = exlib.boot(target, tmp_path_factory.mktemp("exercise"))
    yield m
    print(f"--- serial output ---\n{m.text}")
    m.close()
