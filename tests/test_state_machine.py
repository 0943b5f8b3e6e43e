"""The exported Hypothesis state machine, run against writers that keep the rules and one that
breaks the thread rule only when it runs concurrently with itself."""

from __future__ import annotations

import concurrent.futures
import uuid

import pytest
from hypothesis import HealthCheck, settings

from simulator import CVssWriterEx2, VssSystem
from simulator.testing import VssStateMachine

SETTINGS = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class PoliteWriter(CVssWriterEx2):
    """Keeps every rule: asks for its session id on the handler's own thread."""

    def OnPrepareSnapshot(self) -> bool:
        return self.GetSessionId() != uuid.UUID(int=0)

    def OnFreeze(self) -> bool:
        self._vss.system.sleep(1)
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True


class PoliteMachine(VssStateMachine):
    def make_writers(self, system: VssSystem) -> list[CVssWriterEx2]:
        return [PoliteWriter(), PoliteWriter()]


TestPoliteWriters = PoliteMachine.TestCase
TestPoliteWriters.settings = SETTINGS


class PoolWriter(PoliteWriter):
    """Breaks the thread rule: asks for the session id from a thread pool in OnThaw."""

    def OnThaw(self) -> bool:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(self.GetSessionId).exception()
        return True


class PoolMachine(VssStateMachine):
    def make_writers(self, system: VssSystem) -> list[CVssWriterEx2]:
        return [PoolWriter()]


def test_the_machine_finds_a_thread_rule_breach_and_shrinks_it() -> None:
    """The breach needs a Thaw, so the shortest failing run is one complete backup."""
    machine = PoolMachine.TestCase
    machine.settings = settings(SETTINGS, max_examples=60, database=None)
    with pytest.raises(AssertionError, match="wrong-thread"):
        machine().runTest()
