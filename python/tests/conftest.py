"""Shared fixtures: the test vectors folder and a sandbox per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

VECTORS = Path(os.environ.get("CONTACTNOW_VECTORS", Path(__file__).resolve().parents[2] / "tests" / "vectors"))
