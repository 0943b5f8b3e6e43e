"""Bounded memory: a machine nobody holds is freed, and with ``trace_limit`` a long run's memory
stays flat (docs/design.md "When user code misbehaves"; ``benchmarks/memory.py`` measures RSS)."""

from __future__ import annotations

import gc
import sys

from simulator import VssSystem
from tests.helpers import make_writer


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
