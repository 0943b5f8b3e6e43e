"""Ready-made participants for the simulator: writers, requesters, failure presets, strategies.

* ``fakes.writers``: :class:`ScriptedWriter` (handlers scripted as data), :class:`SampleWriter`,
  :func:`inbox_writers`, :func:`SqlServerWriter`, :func:`install`.
* ``fakes.requesters``: :func:`vshadow_backup`, :func:`restic_backup` (docs/field-failures.md §A.6, §A.7),
  :func:`retry_backup`, :func:`run_scenario`.
* ``fakes.presets``: the field failure modes of docs/field-failures.md §B, one function each.
* ``fakes.faults``: one named preset per row of docs/field-failures.md and the machine faults,
  each applied in one line (``fakes.faults.DIFF_AREA_FULL.apply(system)``).
* ``fakes.capture``: :func:`machine_from_capture`, a machine rebuilt from a diskshadow metadata
  folder (``fakes.capture_files`` reads the folder).
* ``fakes.vshadow_flows``: VShadow's restore, status and metadata flows
  (:func:`vshadow_restore`, :func:`vshadow_status`, :func:`vshadow_metadata`).
* ``fakes.pytest_fixtures``: the fixtures ``vss_faults``, ``vshadow``, ``restic``, ``vss_capture``.
* ``fakes.strategies``: Hypothesis strategies (imported on its own: ``from fakes import strategies``).
"""

from . import faults
from .capture import CapturedWriter, CaptureMachine, machine_from_capture
from .capture_files import Capture, CaptureError, bcd_selection, read_capture
from .inbox import INBOX_WRITER_IDS, SQL_SERVER_WRITER_ID, SqlServerWriter, inbox_writers
from .presets import (
    CREATION_STEPS,
    FaultyProvider,
    SlowCommitProvider,
    insufficient_storage_provider,
    provider_veto,
    restart_writer,
    slow_commit_provider,
    slow_freeze,
    stuck_writer,
    veto_at_prepare_snapshot,
    wrong_thread,
)
from .requesters import (
    REQUESTERS,
    TRANSIENT_WRITER_ERRORS,
    BackupReport,
    SessionOutcome,
    SessionPlan,
    restic_backup,
    retry_backup,
    run_scenario,
    run_session,
    vshadow_backup,
)
from .vshadow_flows import FlowReport, vshadow_metadata, vshadow_restore, vshadow_status
from .writers import (
    SAMPLE_WRITER_ID,
    Action,
    Fail,
    Raise,
    ReportFailure,
    SampleWriter,
    ScriptedWriter,
    Sleep,
    Succeed,
    Veto,
    WrongThread,
    database,
    file_group,
    install,
)

__all__ = [
    "CREATION_STEPS",
    "INBOX_WRITER_IDS",
    "REQUESTERS",
    "SAMPLE_WRITER_ID",
    "SQL_SERVER_WRITER_ID",
    "TRANSIENT_WRITER_ERRORS",
    "Action",
    "BackupReport",
    "Capture",
    "CaptureError",
    "CaptureMachine",
    "CapturedWriter",
    "Fail",
    "FaultyProvider",
    "FlowReport",
    "Raise",
    "ReportFailure",
    "SampleWriter",
    "ScriptedWriter",
    "SessionOutcome",
    "SessionPlan",
    "Sleep",
    "SlowCommitProvider",
    "SqlServerWriter",
    "Succeed",
    "Veto",
    "WrongThread",
    "bcd_selection",
    "database",
    "faults",
    "file_group",
    "inbox_writers",
    "install",
    "insufficient_storage_provider",
    "machine_from_capture",
    "provider_veto",
    "read_capture",
    "restart_writer",
    "restic_backup",
    "retry_backup",
    "run_scenario",
    "run_session",
    "slow_commit_provider",
    "slow_freeze",
    "stuck_writer",
    "veto_at_prepare_snapshot",
    "vshadow_backup",
    "vshadow_metadata",
    "vshadow_restore",
    "vshadow_status",
    "wrong_thread",
]
