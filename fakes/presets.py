"""Failure presets: the field failure modes of docs/field-failures.md, one small function each.

Writer presets script a :class:`~fakes.writers.ScriptedWriter` and return it; provider presets
return a provider to pass to ``system.register_provider``. A software provider is chosen before
the system provider for GUID_NULL (docs/reference.md §9), so registering one makes it take every volume.
Each docstring names its §B row and the exact code a requester sees.
"""

from __future__ import annotations

import uuid

from simulator import (
    VSS_PROVIDER_TYPE,
    VssProvider,
    WriterEvent,
    current_system,
    hresults,
    make_error,
)

from .writers import ScriptedWriter, Sleep, Veto, WrongThread

__all__ = [
    "CREATION_STEPS",
    "FaultyProvider",
    "SlowCommitProvider",
    "insufficient_storage_provider",
    "provider_veto",
    "restart_writer",
    "slow_commit_provider",
    "slow_freeze",
    "stuck_writer",
    "veto_at_prepare_snapshot",
    "wrong_thread",
]

#: The provider calls of shadow copy creation, in the order VSS makes them (docs/reference.md §9).
CREATION_STEPS = (
    "BeginPrepareSnapshot",
    "EndPrepareSnapshots",
    "PreCommitSnapshots",
    "CommitSnapshots",
    "PostCommitSnapshots",
    "PreFinalCommitSnapshots",
    "PostFinalCommitSnapshots",
)


def veto_at_prepare_snapshot(
    writer: ScriptedWriter,
    hr: int = hresults.VSS_E_WRITERERROR_RETRYABLE,
    *,
    times: int | None = None,
) -> ScriptedWriter:
    """docs/field-failures.md #4: the writer vetoes PrepareForSnapshot (SetWriterFailure(hr), return false).

    Users see DoSnapshotSet fail with VSS_E_UNEXPECTED_WRITER_ERROR (0x80042315, the model's [INF]
    code for a writer veto) and, in GetWriterStatus, state VSS_WS_FAILED_AT_PREPARE_SNAPSHOT (8)
    with ``hr`` (default VSS_E_WRITERERROR_RETRYABLE 0x800423F3) as the writer's failure code. No
    Freeze follows; VSS sends no OnAbort for it (docs/reference.md §4.2), a requester's AbortBackup does
    (restic calls it, VShadow does not). ``times``: veto the first n only.
    """
    return writer.on(WriterEvent.PREPARE_SNAPSHOT, Veto(hr, times=times))


def slow_freeze(
    writer: ScriptedWriter, seconds: float = 90, *, times: int | None = None
) -> ScriptedWriter:
    """docs/field-failures.md #7: OnFreeze takes ``seconds`` (virtual), past the Freeze→Thaw window.

    With the default ``timeout_freeze`` of 60000 ms, users see DoSnapshotSet fail with
    VSS_E_UNEXPECTED_WRITER_ERROR (0x80042315); GetWriterStatus shows the writer in
    VSS_WS_FAILED_AT_FREEZE (9) with VSS_E_WRITERERROR_TIMEOUT (0x800423F2) (KB 915331), and every
    writer frozen in that set gets OnAbort.
    """
    return writer.on(WriterEvent.FREEZE, Sleep(seconds, times=times))


def wrong_thread(
    writer: ScriptedWriter,
    event: WriterEvent = WriterEvent.FREEZE,
    *,
    method: str = "GetSessionId",
    times: int | None = None,
) -> ScriptedWriter:
    """docs/field-failures.md #18: the handler of ``event`` calls ``method`` from a worker thread.

    The call raises ``WrongThreadError`` (a VssBadState: VSS_E_BAD_STATE 0x80042301, the policy of
    docs/api.md: Microsoft names no code), kept in ``writer.errors``, and ``system.violations`` gets a
    ``ViolationRule.WRONG_THREAD`` record naming the handler's thread and the worker's. The handler
    itself returns true, so the backup goes on.
    """
    return writer.on(event, WrongThread(method, times=times))


def stuck_writer(
    writer: ScriptedWriter, hr: int = hresults.VSS_E_WRITERERROR_NONRETRYABLE
) -> ScriptedWriter:
    """docs/field-failures.md #9, as far as the model goes: a writer that fails every session until restarted.

    It vetoes PrepareForSnapshot with ``hr`` in every session until :func:`restart_writer`. Users
    see every DoSnapshotSet fail with VSS_E_UNEXPECTED_WRITER_ERROR (0x80042315), the writer in
    VSS_WS_FAILED_AT_PREPARE_SNAPSHOT (8) with VSS_E_WRITERERROR_NONRETRYABLE (0x800423F4), and
    between sessions ``vssadmin list writers`` prints "State: [8] Failed" and "Last error:
    Non-retryable error". The field report's "Not responding" (VSS_E_WRITER_NOT_RESPONDING
    0x80042319) is out of reach: SetWriterFailure takes only VSS_E_WRITERERROR_* codes, and each
    new session starts the writer's state at VSS_WS_STABLE (docs/reference.md §2.2).
    """
    return writer.on(WriterEvent.PREPARE_SNAPSHOT, Veto(hr))


def restart_writer(writer: ScriptedWriter) -> ScriptedWriter:
    """Undo :func:`stuck_writer` (the service restart of docs/field-failures.md #9): PrepareForSnapshot succeeds."""
    return writer.clear(WriterEvent.PREPARE_SNAPSHOT)


# ---------------------------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------------------------


#: Namespace of the presets' provider ids: each preset provider has a fixed id of its own.
_PRESETS = uuid.UUID("5e1f0c0a-8d6b-4c3e-9a57-7f2d1b0e4c11")


class SlowCommitProvider(VssProvider):
    """A software provider whose CommitSnapshots takes ``seconds`` of virtual time.

    It sleeps on the current system (``simulator.current_system()``).
    """

    provider_name = "Slow commit provider"
    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.provider_id = uuid.uuid5(_PRESETS, f"slow commit {seconds!r}")

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        current_system().sleep(self.seconds)

    def __repr__(self) -> str:
        return f"slow_commit_provider({self.seconds!r})"


class FaultyProvider(VssProvider):
    """A software provider that fails one creation step (``at``) with ``hresult``."""

    provider_name = "Faulty provider"
    provider_type = VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE

    def __init__(self, hresult: int, at: str) -> None:
        if at not in CREATION_STEPS:
            raise ValueError(f"at={at!r} must be one of {', '.join(CREATION_STEPS)}")
        if not hresults.failed(hresult):
            raise ValueError(f"hresult={hresults.name_of(hresult)} must be a failing HRESULT")
        self.hresult = hresult
        self.at = at
        self.provider_id = uuid.uuid5(_PRESETS, f"{hresults.name_of(hresult)} at {at}")

    def _step(self, method: str) -> None:
        if method != self.at:
            return
        raise make_error(self.hresult, f"{self.provider_name} fails {method}")

    def BeginPrepareSnapshot(
        self, snapshot_set_id: uuid.UUID, snapshot_id: uuid.UUID, volume: str, context: int
    ) -> None:
        self._step("BeginPrepareSnapshot")

    def EndPrepareSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._step("EndPrepareSnapshots")

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._step("PreCommitSnapshots")

    def CommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._step("CommitSnapshots")

    def PostCommitSnapshots(self, snapshot_set_id: uuid.UUID, snapshots_count: int) -> None:
        self._step("PostCommitSnapshots")

    def PreFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._step("PreFinalCommitSnapshots")

    def PostFinalCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        self._step("PostFinalCommitSnapshots")

    def __repr__(self) -> str:
        return f"FaultyProvider({hresults.name_of(self.hresult)}, at={self.at!r})"


def slow_commit_provider(seconds: float = 11) -> SlowCommitProvider:
    """docs/field-failures.md #8: a provider whose CommitSnapshots holds writes for ``seconds`` (virtual).

    Past the kernel's 10 s flush-and-hold window (docs/reference.md §6) users see DoSnapshotSet fail with
    VSS_E_HOLD_WRITES_TIMEOUT (0x80042314); the provider gets AbortSnapshots and every frozen
    writer gets OnAbort. Register it with ``system.register_provider``.
    """
    return SlowCommitProvider(seconds)


def insufficient_storage_provider(*, at: str = "EndPrepareSnapshots") -> FaultyProvider:
    """docs/field-failures.md #11: the diff area is full; the provider fails ``at`` with VSS_E_INSUFFICIENT_STORAGE.

    Users see DoSnapshotSet fail with VSS_E_INSUFFICIENT_STORAGE (0x8004231F), a code providers
    may return as it is (docs/reference.md §9); writers that got PrepareForSnapshot get OnAbort. The step
    (EndPrepareSnapshots, where the diff area is set up before Freeze) is [INF].
    """
    return FaultyProvider(hresults.VSS_E_INSUFFICIENT_STORAGE, at)


def provider_veto(*, at: str = "PreCommitSnapshots") -> FaultyProvider:
    """docs/field-failures.md #16: a third-party provider vetoes creation at ``at`` with VSS_E_PROVIDER_VETO.

    Users see DoSnapshotSet fail with VSS_E_PROVIDER_VETO (0x80042306); the provider gets
    AbortSnapshots, and writers that joined the set (frozen ones included) get OnAbort.
    """
    return FaultyProvider(hresults.VSS_E_PROVIDER_VETO, at)
