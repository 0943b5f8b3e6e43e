"""Bounded memory: a machine nobody holds is freed, and with ``trace_limit`` a long run's memory
stays flat (docs/design.md "When user code misbehaves"; ``benchmarks/memory.py`` measures RSS)."""

from __future__ import annotations

import gc
import sys
from typing import Any

from simulator import TraceKind, ViolationRule, VssSystem
from tests.helpers import QuietWriter, make_writer


def test_twenty_thousand_sessions_with_a_trace_limit_keep_memory_flat() -> None:
    blocks: list[int] = []
    with VssSystem(seed=1, trace_limit=500) as system:
        make_writer(system, "Writer")
        for number in range(1, 20_001):
            with system.CreateVssBackupComponents() as bc:
                bc.InitializeForBackup()
                bc.GatherWriterMetadata().Wait()
            if number in (5_000, 20_000):
                gc.collect()
                blocks.append(sys.getallocatedblocks())
        assert len(system.trace) == 500
    growth = blocks[1] - blocks[0]
    assert growth < 200, f"{growth} memory blocks more after 15,000 more sessions"


def test_without_a_limit_the_trace_keeps_every_record() -> None:
    with VssSystem(seed=1) as system:
        make_writer(system, "Writer")
        for _ in range(10):
            with system.CreateVssBackupComponents() as bc:
                bc.InitializeForBackup()
                bc.GatherWriterMetadata().Wait()
        assert len(system.trace) == 10 * 6


class _NotABool(QuietWriter):
    """Breaks a rule in every session: OnIdentify returns 1 (docs/reference.md §1.4)."""

    def OnIdentify(self, metadata: Any) -> Any:
        return 1


def _identify(system: VssSystem) -> None:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()


def test_a_rule_broken_in_every_session_keeps_memory_flat_under_a_trace_limit() -> None:
    blocks: list[int] = []
    with VssSystem(seed=1, trace_limit=200) as system:
        make_writer(system, "Writer", cls=_NotABool)
        for number in range(1, 5_001):
            _identify(system)
            if number in (1_000, 5_000):
                gc.collect()
                blocks.append(sys.getallocatedblocks())
        violations = system.violations
        assert len(violations) == 200
        assert {v.rule for v in violations} == {ViolationRule.BAD_RESULT}
        assert system.violations_dropped == 5_000 - 200
        recent = [r for r in system.trace if r.kind is TraceKind.VIOLATION]
        assert recent and recent[-1].session_id != violations[-1].session_id
    growth = blocks[1] - blocks[0]
    assert growth < 200, f"{growth} memory blocks more after 4,000 more sessions"


def test_violations_are_kept_even_with_a_trace_limit_of_nothing() -> None:
    with VssSystem(seed=1, trace_limit=0) as system:
        make_writer(system, "Writer", cls=_NotABool)
        for _ in range(150):
            _identify(system)
        assert len(system.trace) == 0
        assert len(system.violations) == 100
        assert system.violations_dropped == 50


def test_without_a_limit_every_violation_is_kept() -> None:
    with VssSystem(seed=1) as system:
        make_writer(system, "Writer", cls=_NotABool)
        for _ in range(150):
            _identify(system)
        assert len(system.violations) == 150
        assert system.violations_dropped == 0
