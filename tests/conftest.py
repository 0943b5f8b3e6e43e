"""Fixtures shared by the whole suite; helpers are in ``tests/helpers.py``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator import VssSystem


@pytest.fixture
def system() -> Iterator[VssSystem]:
    """A fresh machine with seed 0, current for the test (``vss_system`` follows --vss-seed)."""
    with VssSystem(seed=0) as machine:
        yield machine
