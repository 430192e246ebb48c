"""Shared fixtures: the test vectors folder and a sandbox per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactnow.testing import Sandbox

VECTORS = Path(os.environ.get("CONTACTNOW_VECTORS", Path(__file__).resolve().parents[2] / "tests" / "vectors"))


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[Sandbox]:
    """One in-process sandbox per test module."""
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(shared_sandbox: Sandbox) -> Sandbox:
    """A sandbox shared by the tests of a module, reset to empty for each test."""
    shared_sandbox.reset()
    return shared_sandbox
