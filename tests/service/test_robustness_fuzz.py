"""The robustness fuzz in CI: 1,000 examples of random and garbage calls to every public
IVssBackupComponents method from two or three tasks on one object, against writers and providers
drawn from every misbehaviour and every preset of ``fakes``, and requesters that die
(``tests/service/robustness_fuzz.py``; ``benchmarks/robustness_soak.py`` runs 100,000).

Hypothesis draws the ScriptedWriter's fault script from ``fakes.strategies.fault_scripts`` (it
shrinks a failing one) and the example's seed, which drives the rest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.service.robustness_cast as cast
from fakes.strategies import fault_scripts
from tests.service.robustness_fuzz import Escaped, Script, cheap_collections, run_example

SCRIPTS = st.none() | fault_scripts(violations=True, max_faults=3)


@pytest.fixture(autouse=True)
def _cheap_collections() -> Iterator[None]:
    with cheap_collections():
        yield


@settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), script=SCRIPTS)
def test_no_misbehaviour_hurts_the_machine(seed: int, script: Script | None) -> None:
    run_example(seed, script)


def test_every_public_method_is_called() -> None:
    names = {name for name, _ in cast.CALLS}
    for method in ("DisableWriterClasses", "AddRestoreSubcomponent", "ExposeSnapshot"):
        assert method in names
    for method in ("BreakSnapshotSetEx", "ImportSnapshots", "RevertToSnapshot", "Query"):
        assert method in names
    assert len(names) >= 60
    assert cast.WRITER_FAULTS and cast.MACHINE_FAULTS and cast.WRITER_PRESETS


def test_the_fuzz_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The properties are checked: a Python error escaping a call is reported."""
    from simulator import IVssBackupComponents

    def broken(self: IVssBackupComponents) -> int:
        raise RuntimeError("a model bug")

    monkeypatch.setattr(IVssBackupComponents, "GetWriterMetadataCount", broken)
    monkeypatch.setattr(cast, "CALLS", (("GetWriterMetadataCount", ()),))
    with pytest.raises(Escaped, match="GetWriterMetadataCount: RuntimeError: a model bug"):
        for seed in range(50):
            run_example(seed)


def test_a_leak_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock and slot checks can fail: a requester whose Release is a no-op leaks both."""
    from simulator import IVssBackupComponents

    monkeypatch.setattr(IVssBackupComponents, "Release", lambda self: None)
    with pytest.raises(AssertionError, match=r"creation lock|session slots"):
        for seed in range(50):
            run_example(seed)
