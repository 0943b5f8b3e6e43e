"""Ready-made participants for the simulator: writers, requesters, failure presets, strategies.

* ``fakes.writers``: :class:`ScriptedWriter` (handlers scripted as data), :class:`SampleWriter`,
  :func:`inbox_writers`, :func:`SqlServerWriter`, :func:`install`.
* ``fakes.requesters``: :func:`vshadow_backup`, :func:`restic_backup` (docs/field-failures.md §A.6, §A.7),
  :func:`retry_backup`, :func:`run_scenario`.
* ``fakes.presets``: the field failure modes of docs/field-failures.md §B.
* ``fakes.strategies``: Hypothesis strategies (imported on its own: ``from fakes import strategies``).
"""

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
    "Fail",
    "FaultyProvider",
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
    "database",
    "file_group",
    "inbox_writers",
    "install",
    "insufficient_storage_provider",
    "provider_veto",
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
    "wrong_thread",
]
