"""A known run for the trace export tests: two concurrent backups (VShadow-style and restic-style)
on the in-box writers, SQL Server's and Microsoft's sample writer, with a veto (a fault), a
wrong-thread call (a violation) and a handler that takes 2.5 s of virtual time."""

from __future__ import annotations

import fakes
from simulator import TraceRecord, VssSystem, WriterEvent

SLOW_FREEZE_SECONDS = 2.5


def known_run(seed: int = 1) -> list[TraceRecord]:
    """The trace of the known run on a machine seeded with ``seed``."""
    with VssSystem(seed=seed) as system:
        sql = fakes.SqlServerWriter()
        fakes.veto_at_prepare_snapshot(sql, times=1)
        sample = fakes.SampleWriter().on(WriterEvent.FREEZE, fakes.Sleep(SLOW_FREEZE_SECONDS))
        inbox = fakes.inbox_writers()[:3]
        fakes.wrong_thread(inbox[0], times=1)
        fakes.install(system, [*inbox, sql, sample])
        plans = [
            fakes.SessionPlan(kind="vshadow", attempts=3, hold=10.0),
            fakes.SessionPlan(kind="restic", attempts=3, hold=5.0),
        ]
        fakes.run_scenario(system, plans, wait=60.0, busy_wait=5.0)
        return system.trace


def writer_names() -> list[str]:
    """The names of the known run's writers."""
    return [
        *(w.name for w in fakes.inbox_writers()[:3]),
        "SqlServerWriter",
        "MSDNSampleWriter",
    ]
