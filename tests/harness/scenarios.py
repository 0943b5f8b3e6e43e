"""Scenarios for the harness tests, loaded by path (``tests/harness/scenarios.py:name``) in this
process, in sweep worker processes and on Dask workers."""

from __future__ import annotations

import importlib.util
import itertools
import os
import sys
import uuid
from pathlib import Path
from types import ModuleType

from simulator import VSS_ST_OTHER, VSS_UT_USERDATA, CVssWriterEx2, VssSystem
from simulator.testing import run_backup

LESSON = Path(__file__).resolve().parents[2] / "examples" / "11_sweep_and_explore.py"
#: Set by the cluster tests: the file whose absence makes ``crash_once`` kill its worker once.
MARKER_VARIABLE = "VSS_HARNESS_CRASH_MARKER"
CRASH_SEED = 7

_counter = itertools.count()


def lesson() -> ModuleType:
    """The lesson module (examples/ is not a package)."""
    name = "examples_11_sweep_and_explore"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, LESSON)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def crash_once(system: VssSystem) -> None:
    """The lesson's buggy scenario; the first run of seed 7 anywhere kills its process."""
    marker = os.environ.get(MARKER_VARIABLE)
    if marker and system.seed == CRASH_SEED and not os.path.exists(marker):
        Path(marker).write_text("crashed\n")
        os._exit(17)
    lesson().buggy_backups(system)


def raises(system: VssSystem) -> None:
    """Fails with an exception on odd seeds, with a GUID in the message."""
    if system.seed % 2:
        raise ValueError(f"odd seed; session {system.new_guid()}\nsecond line")


def nondeterministic(system: VssSystem) -> None:
    """Names its writer after a process-wide counter: the same seed gives another trace."""

    class Counted(CVssWriterEx2):
        def OnPrepareSnapshot(self) -> bool:
            return True

        def OnFreeze(self) -> bool:
            return True

        def OnThaw(self) -> bool:
            return True

        def OnAbort(self) -> bool:
            return True

    writer = Counted()
    writer.Initialize(uuid.UUID(int=1), f"Counted {next(_counter)}", VSS_UT_USERDATA, VSS_ST_OTHER)
    writer.Subscribe()
    run_backup(system)


class OrderWriter(CVssWriterEx2):
    """Logs the session of each OnIdentify it gets."""

    def __init__(self) -> None:
        self.sessions: list[uuid.UUID] = []

    def OnIdentify(self, metadata: object) -> bool:
        self.sessions.append(self.GetSessionId())
        return True

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True


#: What each run of ``two_gathers`` saw: for each writer, the tasks in the order it identified.
ORDERS: list[tuple[tuple[str, ...], ...]] = []


def two_gathers(system: VssSystem) -> None:
    """Two tasks gather metadata from two writers at once (no release): small enough to explore
    without reduction. It fails when the second writer heard from task "two" first."""
    writers = [OrderWriter(), OrderWriter()]
    for number, writer in enumerate(writers, 1):
        writer.Initialize(uuid.UUID(int=number), f"Order {number}", VSS_UT_USERDATA, VSS_ST_OTHER)
        writer.Subscribe()
    owners: dict[uuid.UUID, str] = {}
    kept = []  # held, so neither object is buried as a dead requester's within the run

    def gather(name: str) -> None:
        bc = system.CreateVssBackupComponents()
        kept.append(bc)
        bc.InitializeForBackup()
        owners[bc.GetSessionId()] = name
        bc.GatherWriterMetadata().Wait()

    system.spawn(gather, "one", name="one")
    system.spawn(gather, "two", name="two")
    system.run()
    orders = tuple(tuple(owners[s] for s in writer.sessions) for writer in writers)
    ORDERS.append(orders)
    assert orders[1][0] == "one", "the second writer heard from task two first"
