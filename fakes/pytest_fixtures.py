"""pytest fixtures for the ready-made requesters, the fault presets and captured machines,
registered through the ``pytest11`` entry point ``vss_fakes`` (pyproject.toml).

* ``vss_faults``: a :class:`fakes.faults.FaultPlan` active for the test; every fault applied
  during the test that is not ``optional`` must fire, or the test fails at teardown.
* ``vshadow``: the VShadow-style requester bound to the test's ``vss_system``: ``backup()``,
  ``restore(xml)``, ``simulate_restore(xml)``, ``status()``, ``metadata(level)``; each returns its
  record (``BackupReport`` or ``FlowReport``), also kept in ``vshadow.reports``.
* ``restic``: the restic-style requester bound the same way: ``restic.backup()``.
* ``vss_capture``: ``vss_capture(folder, seed=0)`` builds ``fakes.machine_from_capture(folder)``
  and makes it current for the test.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import pytest

from simulator import VssSystem

from .capture import CaptureMachine, machine_from_capture
from .faults import FaultPlan
from .reports import BackupReport
from .restic import restic_backup
from .vshadow import vshadow_backup
from .vshadow_flows import FlowReport, vshadow_metadata, vshadow_restore, vshadow_status

__all__ = ["Restic", "VShadow", "restic", "vshadow", "vss_capture", "vss_faults"]


class VShadow:
    """``vshadow`` against one machine; every run's record is appended to ``reports``."""

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self.reports: list[BackupReport | FlowReport] = []

    def _keep(self, report: Any) -> Any:
        self.reports.append(report)
        return report

    def backup(self, volumes: Sequence[str] = ("C:\\",), **options: Any) -> BackupReport:
        """``vshadow [options] C:`` (``fakes.vshadow_backup``)."""
        report: BackupReport = self._keep(vshadow_backup(self.system, volumes, **options))
        return report

    def restore(self, backup_components: str, *, exclude: Collection[str] = ()) -> FlowReport:
        """``vshadow -r=bc.xml`` (``fakes.vshadow_restore``)."""
        report: FlowReport = self._keep(
            vshadow_restore(self.system, backup_components, exclude=exclude)
        )
        return report

    def simulate_restore(
        self, backup_components: str, *, exclude: Collection[str] = ()
    ) -> FlowReport:
        """``vshadow -rs=bc.xml``."""
        report: FlowReport = self._keep(
            vshadow_restore(self.system, backup_components, simulate=True, exclude=exclude)
        )
        return report

    def status(self) -> FlowReport:
        """``vshadow -ws``."""
        report: FlowReport = self._keep(vshadow_status(self.system))
        return report

    def metadata(self, level: Literal[1, 2, 3] = 1) -> FlowReport:
        """``vshadow -wm`` / ``-wm2`` / ``-wm3``."""
        report: FlowReport = self._keep(vshadow_metadata(self.system, level))
        return report


class Restic:
    """restic's VSS snapshot against one machine; records in ``reports``."""

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self.reports: list[BackupReport] = []

    def backup(self, volumes: Sequence[str] = ("C:\\",), **options: Any) -> BackupReport:
        """``fakes.restic_backup``."""
        report = restic_backup(self.system, volumes, **options)
        self.reports.append(report)
        return report


@pytest.fixture
def vss_faults() -> Iterator[FaultPlan]:
    """Every fault applied during the test must fire (unless ``optional=True``)."""
    plan = FaultPlan()
    with plan:
        yield plan


@pytest.fixture
def vshadow(vss_system: VssSystem) -> VShadow:
    """The VShadow-style requester on the test's ``vss_system``."""
    return VShadow(vss_system)


@pytest.fixture
def restic(vss_system: VssSystem) -> Restic:
    """The restic-style requester on the test's ``vss_system``."""
    return Restic(vss_system)


@pytest.fixture
def vss_capture() -> Iterator[Callable[..., CaptureMachine]]:
    """``vss_capture(folder, seed=0, allow_missing=False)``: a machine from a diskshadow
    metadata folder, current until the test ends."""
    with ExitStack() as stack:

        def build(
            folder: str | Path, *, seed: int = 0, allow_missing: bool = False
        ) -> CaptureMachine:
            machine = machine_from_capture(folder, seed=seed, allow_missing=allow_missing)
            stack.enter_context(machine)
            return machine

        yield build
