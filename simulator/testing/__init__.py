"""Property testing against the model: ``VssStateMachine``, a Hypothesis state machine to extend,
and the drivers it is built on.

docs/api.md "Property testing"::

    class MyWriterMachine(VssStateMachine):
        def make_writers(self, system):
            return [MyWriter()]

    TestMyWriter = MyWriterMachine.TestCase

Everything here uses the simulator's public names only (``simulator``, ``simulator.rules``).
"""

from __future__ import annotations

from simulator.harness import explore

from .drivers import check_event_order, run_backup
from .fault_provider import CREATION_STEPS, PROVIDER_FAULTS, FaultProvider
from .state_machine import VssStateMachine

__all__ = [
    "CREATION_STEPS",
    "PROVIDER_FAULTS",
    "FaultProvider",
    "VssStateMachine",
    "check_event_order",
    "explore",
    "run_backup",
]
