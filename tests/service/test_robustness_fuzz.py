"""The robustness fuzz in CI: 1,000 examples of random and garbage requester calls from two
tasks on one object, against writers and providers drawn from every misbehaviour
(``tests/service/robustness_fuzz.py``; ``benchmarks/robustness_soak.py`` runs 100,000)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.service.robustness_fuzz import Escaped, run_example


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_no_misbehaviour_hurts_the_machine(seed: int) -> None:
    run_example(seed)


def test_the_fuzz_can_fail() -> None:
    """The properties are checked: a Python error escaping a call is reported."""
    import tests.service.robustness_fuzz as fuzz

    original = fuzz.GARBAGE

    class Poison:
        def __eq__(self, other: object) -> bool:
            raise LookupError("poisoned comparison")

        __hash__ = object.__hash__

    try:
        fuzz.GARBAGE = (Poison(),)
        with pytest.raises((Escaped, AssertionError)):
            for seed in range(200):
                run_example(seed)
    finally:
        fuzz.GARBAGE = original
