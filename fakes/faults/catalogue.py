"""The presets: one :class:`~fakes.faults.base.Fault` per row of docs/field-failures.md (§B #1 to
#18, two for #4 and #8), and the machine faults (volume removed, VSS service restarted, writer
host restarted, the transaction managers timing out, a provider that needs a reboot). Each preset's fields give the documented code, the writer's state and failure code,
and the handlers a writer gets, as ``tests/fakes/test_faults.py`` asserts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator import (
    VSS_BACKUP_TYPE,
    VSS_WRITER_STATE,
    IVssBackupComponents,
    WriterEvent,
    hresults,
)

from ..actions import Fail, Sleep, Veto, WrongThread
from . import mechanisms as m
from .base import UNTIL_RESTART, Fault, Progression

__all__ = ["MACHINE_FAULTS", "PRESETS"]

E = WriterEvent
WS = VSS_WRITER_STATE
H = hresults

_IDENTIFY = ("OnIdentify",)
_TO_PREPARE = ("OnIdentify", "OnPrepareBackup")
_TO_FREEZE = (*_TO_PREPARE, "OnPrepareSnapshot", "OnFreeze")
_SHUTDOWN = ("OnBackupShutdown",)
_FULL = (*_TO_FREEZE, "OnThaw", "OnPostSnapshot", "OnBackupComplete", "OnBackupShutdown")


def _veto(options: dict[str, Any]) -> Veto:
    return Veto(int(options.pop("hr", H.VSS_E_WRITERERROR_RETRYABLE)))


def _sleep(default: float) -> Callable[[dict[str, Any]], Sleep]:
    def make(options: dict[str, Any]) -> Sleep:
        return Sleep(float(options.pop("seconds", default)))

    return make


def _carry_on(bc: IVssBackupComponents) -> None:
    m.prepared(bc)
    op = bc.DoSnapshotSet()
    op.Cancel()
    m.wait(op)
    bc.BackupComplete()


def _reuse(bc: IVssBackupComponents) -> None:
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_COPY, False)
    m.wait(bc.GatherWriterMetadata())
    bc.GatherWriterMetadata()


def _add_twice(bc: IVssBackupComponents) -> None:
    bc.InitializeForBackup()
    bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_COPY, False)
    m.wait(bc.GatherWriterMetadata())
    bc.StartSnapshotSet()
    bc.AddToSnapshotSet("C:\\")
    bc.AddToSnapshotSet("C:\\")


ANOTHER_SET_IN_CREATION = Fault(
    name="ANOTHER_SET_IN_CREATION",
    row=1,
    target="machine",
    summary="Another requester's snapshot set is in creation for ``hold`` seconds (default 30).",
    code=H.VSS_E_SNAPSHOT_SET_IN_PROGRESS,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="duplicati/duplicati#1455 and #5570 (two jobs at once); restic retries every 5 s.",
    mechanism="a second IVssBackupComponents takes the creation lock (StartSnapshotSet) and "
    "releases it after ``hold`` virtual seconds; options: hold, volume.",
    arm=m.arm_lock(leaked=False),
)

LEAKED_SNAPSHOT_SET = Fault(
    name="LEAKED_SNAPSHOT_SET",
    row=2,
    target="machine",
    summary="A requester whose PrepareForBackup failed never called AbortBackup: its set stays "
    "in creation and every later StartSnapshotSet is refused until it is released.",
    code=H.VSS_E_SNAPSHOT_SET_IN_PROGRESS,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="duplicati/duplicati#7005; restic's comment that AbortBackup is required after "
    "PrepareForBackup fails.",
    mechanism="an IVssBackupComponents driven through PrepareForBackup and then abandoned "
    "(``details['requester']``); ``cure()`` releases it; the other cure, the requester's process "
    "ending, is ``fakes.faults.end_requester_process``.",
    arm=m.arm_lock(leaked=True),
)

ASYNC_DEADLINE_EXCEEDED = Fault(
    name="ASYNC_DEADLINE_EXCEEDED",
    row=3,
    target="writer",
    summary="The writer's OnPrepareBackup takes ``seconds`` (default 150), past restic's 120 s "
    "deadline: QueryStatus still says pending and the requester gives up.",
    code=H.VSS_S_ASYNC_PENDING,
    writer_state=None,
    writer_failure=H.S_OK,
    events=(*_TO_PREPARE, "OnAbort", *_SHUTDOWN),
    requester="restic",
    evidence="restic/restic#3142, #3269, #3390 (a hard-coded 120 s, later vss.timeout).",
    mechanism="Sleep(seconds) in OnPrepareBackup; option: seconds.",
    arm=m.arm_script(E.PREPARE_BACKUP, _sleep(150.0)),
)

WRITER_VETOES_PREPARE_BACKUP = Fault(
    name="WRITER_VETOES_PREPARE_BACKUP",
    row=4,
    target="writer",
    summary="The writer vetoes PrepareForBackup (SetWriterFailure(hr), return false).",
    code=H.E_UNEXPECTED,
    writer_state=WS.VSS_WS_FAILED_AT_PREPARE_BACKUP,
    writer_failure=H.VSS_E_WRITERERROR_RETRYABLE,
    events=(*_TO_PREPARE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="bareos/bareos#1923 (MSSearch and Shadow Copy Optimization writers after the July "
    "2024 update).",
    mechanism="Veto(hr) in OnPrepareBackup; VShadow's CheckSelectedWriterStatus then throws "
    "E_UNEXPECTED; option: hr (a VSS_E_WRITERERROR_* code).",
    arm=m.arm_script(E.PREPARE_BACKUP, _veto),
)

WRITER_VETOES_PREPARE_SNAPSHOT = Fault(
    name="WRITER_VETOES_PREPARE_SNAPSHOT",
    row=4,
    target="writer",
    summary="The writer vetoes PrepareForSnapshot: DoSnapshotSet fails, no Freeze follows.",
    code=H.VSS_E_UNEXPECTED_WRITER_ERROR,
    writer_state=WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
    writer_failure=H.VSS_E_WRITERERROR_RETRYABLE,
    events=(*_TO_PREPARE, "OnPrepareSnapshot", *_SHUTDOWN),
    requester="vshadow",
    evidence="bareos/bareos#1923.",
    mechanism="Veto(hr) in OnPrepareSnapshot; option: hr.",
    arm=m.arm_script(E.PREPARE_SNAPSHOT, _veto),
)

CARRIES_ON_AFTER_FAILURE = Fault(
    name="CARRIES_ON_AFTER_FAILURE",
    row=5,
    target="machine",
    summary="A requester whose DoSnapshotSet failed calls BackupComplete anyway.",
    code=H.VSS_E_BAD_STATE,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_PREPARE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="bareos/bareos#1923 (BackupComplete after DoSnapshotSet failed); AlphaVSS #30, #36.",
    mechanism="a requester runs to PrepareForBackup, cancels DoSnapshotSet, then calls "
    "BackupComplete (``details['error']``); the call order refuses it.",
    arm=m.arm_misuse(H.VSS_E_BAD_STATE, _carry_on),
)

COMPONENTS_OBJECT_REUSED = Fault(
    name="COMPONENTS_OBJECT_REUSED",
    row=6,
    target="machine",
    summary="A requester calls GatherWriterMetadata a second time on one object.",
    code=H.VSS_E_BAD_STATE,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="VShadow's comment 'only once per instance' (§A.6); AlphaVSS's documentation (§A.4).",
    mechanism="a requester makes the second GatherWriterMetadata (``details['error']``).",
    arm=m.arm_misuse(H.VSS_E_BAD_STATE, _reuse),
)

FREEZE_WINDOW_EXCEEDED = Fault(
    name="FREEZE_WINDOW_EXCEEDED",
    row=7,
    target="writer",
    summary="The writer's OnFreeze takes ``seconds`` (default 90), past its 60 s Freeze→Thaw "
    "window.",
    code=H.VSS_E_UNEXPECTED_WRITER_ERROR,
    writer_state=WS.VSS_WS_FAILED_AT_FREEZE,
    writer_failure=H.VSS_E_WRITERERROR_TIMEOUT,
    events=(*_TO_FREEZE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="Microsoft's CVssWriter::OnFreeze and CVssWriter::Initialize pages "
    "(dwTimeoutFreeze 60000 ms by default).",
    mechanism="Sleep(seconds) in OnFreeze; option: seconds.",
    arm=m.arm_script(E.FREEZE, _sleep(90.0)),
)

HOLD_WRITES_TIMEOUT = Fault(
    name="HOLD_WRITES_TIMEOUT",
    row=8,
    target="machine",
    summary="The provider's CommitSnapshots takes ``seconds`` (default 11), past the kernel's "
    "10 s flush-and-hold window.",
    code=H.VSS_E_HOLD_WRITES_TIMEOUT,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_FREEZE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="Microsoft's IVssProviderCreateSnapshotSet::CommitSnapshots page; AlphaVSS's "
    "exception classes.",
    mechanism="a software provider (``details['provider']``) sleeping in CommitSnapshots; "
    "options: seconds, at.",
    arm=m.arm_provider("CommitSnapshots", seconds=11.0),
)

FLUSH_WRITES_TIMEOUT = Fault(
    name="FLUSH_WRITES_TIMEOUT",
    row=8,
    target="machine",
    summary="The kernel takes ``seconds`` (default 11) to flush the volume's writes when the set "
    "is committed, past the 10 s it is given.",
    code=H.VSS_E_FLUSH_WRITES_TIMEOUT,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_FREEZE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="Microsoft's IVssBackupComponents::DoSnapshotSet page (\"the system was unable to "
    "flush I/O writes\"); AlphaVSS's exception classes.",
    mechanism="``VssSystem.set_flush_time(volume, seconds)``; the cure is "
    "``VssSystem.reset_kernel_times``; options: volume, seconds.",
    arm=m.arm_kernel("flush", 11.0),
)

WRITER_NOT_RESPONDING = Fault(
    name="WRITER_NOT_RESPONDING",
    row=9,
    target="writer",
    summary="The writer stops responding at PrepareForSnapshot in every session until its host "
    "is restarted; vssadmin shows 'State: [8] Failed, Last error: Not responding'.",
    code=H.VSS_E_UNEXPECTED_WRITER_ERROR,
    writer_state=WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
    writer_failure=H.VSS_E_WRITER_NOT_RESPONDING,
    events=(*_TO_PREPARE, "OnPrepareSnapshot", *_SHUTDOWN),
    requester="vshadow",
    evidence="microsoft/CSS-Exchange#2093 (only restarting the service helps).",
    mechanism="the handler is given up on (``VssSystem.writer_not_responding``); the fault lasts "
    "until ``VssSystem.restart_writer_host(writer)``; option: event.",
    arm=m.arm_script(E.PREPARE_SNAPSHOT, lambda options: m.NotResponding()),
    default=UNTIL_RESTART,
)

WRITER_FAILS_IDENTIFY = Fault(
    name="WRITER_FAILS_IDENTIFY",
    row=10,
    target="writer",
    summary="A broken writer fails OnIdentify: it drops out of the backup, which goes on "
    "without it (the requester has nothing to exclude).",
    code=None,
    writer_state=WS.VSS_WS_FAILED_AT_IDENTIFY,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="duplicati/duplicati#260 (an exclusion switch like vshadow's -wx), #3236 (the "
    "System Writer).",
    mechanism="Fail() in OnIdentify; FAILED_AT_IDENTIFY is its state in the session, which no "
    "status shows: GetWriterStatus lists only writers that answered Identify, and vssadmin, "
    "whose own Identify fails too, leaves it out.",
    arm=m.arm_script(E.IDENTIFY, lambda options: Fail()),
)

DIFF_AREA_FULL = Fault(
    name="DIFF_AREA_FULL",
    row=11,
    target="machine",
    summary="The shadow storage (diff area) has no room left: creation fails.",
    code=H.VSS_E_INSUFFICIENT_STORAGE,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_PREPARE, "OnPrepareSnapshot", "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="restic/restic#4875; duplicati/duplicati#5569 (the default storage is 2 % of the "
    "volume).",
    mechanism="no diff-area model yet: a software provider (``details['provider']``) fails "
    "EndPrepareSnapshots with VSS_E_INSUFFICIENT_STORAGE; options: at.",
    arm=m.arm_provider("EndPrepareSnapshots", code=H.VSS_E_INSUFFICIENT_STORAGE),
)

TOO_MANY_SHADOW_COPIES = Fault(
    name="TOO_MANY_SHADOW_COPIES",
    row=12,
    target="machine",
    summary="Every volume already holds as many shadow copies as its provider allows.",
    code=H.VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="AlphaVSS's VssMaximumNumberOfSnapshotsReachedException; docs/reference.md §6 (512).",
    mechanism="a software provider (``details['provider']``) whose per-volume limit is 0 takes "
    "every volume while active.",
    arm=m.arm_snapshot_limit,
)

VOLUME_NOT_SUPPORTED = Fault(
    name="VOLUME_NOT_SUPPORTED",
    row=13,
    target="machine",
    summary="The volume (default C:\\) is not eligible (nested, remote, unsupported file "
    "system): no provider takes it.",
    code=H.VSS_E_VOLUME_NOT_SUPPORTED,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="duplicati/duplicati#2655; VShadow's -isup switch.",
    mechanism="no volume catalogue yet: every provider registered now declines the volume "
    "(its IsVolumeSupported is wrapped); option: volume.",
    arm=m.arm_volume_declined,
)

VOLUME_ADDED_TWICE = Fault(
    name="VOLUME_ADDED_TWICE",
    row=14,
    target="machine",
    summary="A requester adds the same volume to its set twice.",
    code=H.VSS_E_OBJECT_ALREADY_EXISTS,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="ColiseoSoftware/hypervbackup#12; Samba's FSRVP torture test (§A.3).",
    mechanism="a requester makes the second AddToSnapshotSet (``details['error']``).",
    arm=m.arm_misuse(H.VSS_E_OBJECT_ALREADY_EXISTS, _add_twice),
)

NOT_ADMIN = Fault(
    name="NOT_ADMIN",
    row=15,
    target="machine",
    summary="The backup runs without administrator or backup-operator rights.",
    code=H.E_ACCESSDENIED,
    writer_state=None,
    writer_failure=None,
    events=(),
    requester="vshadow",
    evidence="restic/restic#4986; Samba's fss_permitted check (§A.2).",
    mechanism="no caller-rights model yet: objects made by the machine refuse "
    "InitializeForBackup and InitializeForRestore with E_ACCESSDENIED while active.",
    arm=m.arm_denied,
)

PROVIDER_VETO = Fault(
    name="PROVIDER_VETO",
    row=16,
    target="machine",
    summary="A third-party provider vetoes creation at PreCommitSnapshots.",
    code=H.VSS_E_PROVIDER_VETO,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_FREEZE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="duplicati/duplicati#1248; restic/restic#3067 (vss.provider); the Macrium blog post.",
    mechanism="a software provider (``details['provider']``) failing ``at``; option: at.",
    arm=m.arm_provider("PreCommitSnapshots", code=H.VSS_E_PROVIDER_VETO),
)

TRANSIENT_WRITER_ERROR = Fault(
    name="TRANSIENT_WRITER_ERROR",
    row=17,
    target="writer",
    summary="The writer reports a retryable failure at PrepareForSnapshot once; a retry 10 "
    "minutes later succeeds.",
    code=H.VSS_E_UNEXPECTED_WRITER_ERROR,
    writer_state=WS.VSS_WS_FAILED_AT_PREPARE_SNAPSHOT,
    writer_failure=H.VSS_E_WRITERERROR_RETRYABLE,
    events=(*_TO_PREPARE, "OnPrepareSnapshot", *_SHUTDOWN),
    requester="vshadow",
    evidence="Microsoft's CVssWriterEx2::SetWriterFailureEx page (wait 10 minutes, at most 3 "
    "retries).",
    mechanism="Veto(hr) in OnPrepareSnapshot, once (``Progression(times=1)``); option: hr.",
    arm=m.arm_script(E.PREPARE_SNAPSHOT, _veto),
    default=Progression(times=1),
)

WRITER_CALL_OFF_THREAD = Fault(
    name="WRITER_CALL_OFF_THREAD",
    row=18,
    target="writer",
    summary="The writer's OnFreeze calls GetSessionId from a worker thread; the call is refused "
    "and the backup goes on.",
    code=H.VSS_E_BAD_STATE,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=_FULL,
    requester="vshadow",
    evidence="Microsoft's CVssWriterEx2::GetSessionId and CVssWriter::SetWriterFailure pages.",
    mechanism="WrongThread(method) in OnFreeze: ``writer.errors`` gets WrongThreadError "
    "(VSS_E_BAD_STATE) and system.violations a wrong-thread record; options: method, event.",
    arm=m.arm_script(
        E.FREEZE, lambda options: WrongThread(str(options.pop("method", "GetSessionId")))
    ),
)

VOLUME_REMOVED = Fault(
    name="VOLUME_REMOVED",
    row=None,
    target="machine",
    summary="The volume (default C:\\) disappears, now or after the progression's delay; its "
    "shadow copies go with it.",
    code=H.VSS_E_OBJECT_NOT_FOUND,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_IDENTIFY, *_SHUTDOWN),
    requester="vshadow",
    evidence="a machine fault, no field row.",
    mechanism="``VssSystem.remove_volume``; the cure adds a volume of that name back; option: "
    "volume.",
    arm=m.arm_volume_removed,
)

VSS_SERVICE_RESTARTED = Fault(
    name="VSS_SERVICE_RESTARTED",
    row=None,
    target="machine",
    summary="The VSS service restarts, now or after the progression's delay: sessions under way "
    "are aborted, their objects refuse further calls, writers' last states are forgotten (the "
    "reference run: a restart 5 s into a backup that copies files for 10 s).",
    code=H.VSS_E_BAD_STATE,
    writer_state=WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE,
    writer_failure=H.S_OK,
    events=(*_TO_FREEZE, "OnThaw", "OnPostSnapshot"),
    requester="vshadow",
    evidence="a machine fault, no field row.",
    mechanism="``VssSystem.restart_vss_service``.",
    arm=m.arm_restart("service"),
)

WRITER_HOST_RESTARTED = Fault(
    name="WRITER_HOST_RESTARTED",
    row=None,
    target="writer",
    summary="The writer's host process restarts, now or after the progression's delay: its "
    "last state, failure and metadata start afresh (the cure of WRITER_NOT_RESPONDING).",
    code=None,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=_FULL,
    requester="vshadow",
    evidence="microsoft/CSS-Exchange#2093 (restarting the service helps).",
    mechanism="``VssSystem.restart_writer_host``.",
    arm=m.arm_restart("host"),
)

TRANSACTION_FREEZE_TIMEOUT = Fault(
    name="TRANSACTION_FREEZE_TIMEOUT",
    row=None,
    target="machine",
    summary="The transaction managers (KTM, DTC) take ``seconds`` (default 11) to freeze when "
    "the set is committed, past the 10 s they are given.",
    code=H.VSS_E_TRANSACTION_FREEZE_TIMEOUT,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_FREEZE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="a machine fault, no field row (Microsoft's DoSnapshotSet page lists the code).",
    mechanism="``VssSystem.set_transaction_manager_times(freeze=seconds)``; option: seconds.",
    arm=m.arm_kernel("freeze", 11.0),
)

TRANSACTION_THAW_TIMEOUT = Fault(
    name="TRANSACTION_THAW_TIMEOUT",
    row=None,
    target="machine",
    summary="The transaction managers (KTM, DTC) take ``seconds`` (default 11) to thaw after "
    "the commit, past the 10 s they are given.",
    code=H.VSS_E_TRANSACTION_THAW_TIMEOUT,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_FREEZE, "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="a machine fault, no field row (Microsoft's DoSnapshotSet page lists the code).",
    mechanism="``VssSystem.set_transaction_manager_times(thaw=seconds)``; option: seconds.",
    arm=m.arm_kernel("thaw", 11.0),
)

REBOOT_REQUIRED = Fault(
    name="REBOOT_REQUIRED",
    row=None,
    target="machine",
    summary="A provider reports that the machine must be restarted (VSS_E_REBOOT_REQUIRED) "
    "when VSS prepares its copy, until the fault is cured (the restart).",
    code=H.VSS_E_REBOOT_REQUIRED,
    writer_state=WS.VSS_WS_STABLE,
    writer_failure=H.S_OK,
    events=(*_TO_PREPARE, "OnPrepareSnapshot", "OnAbort", *_SHUTDOWN),
    requester="vshadow",
    evidence="a machine fault, no field row (Microsoft's DoSnapshotSet page: the provider "
    "encountered an error that requires the user to restart the computer).",
    mechanism="a software provider (``details['provider']``) failing ``at`` "
    "(BeginPrepareSnapshot) with the code, which VSS passes through; option: at.",
    arm=m.arm_provider("BeginPrepareSnapshot", code=H.VSS_E_REBOOT_REQUIRED),
)

#: One preset per row of docs/field-failures.md §B (two for #4 and #8), in row order.
PRESETS: tuple[Fault, ...] = (
    ANOTHER_SET_IN_CREATION,
    LEAKED_SNAPSHOT_SET,
    ASYNC_DEADLINE_EXCEEDED,
    WRITER_VETOES_PREPARE_BACKUP,
    WRITER_VETOES_PREPARE_SNAPSHOT,
    CARRIES_ON_AFTER_FAILURE,
    COMPONENTS_OBJECT_REUSED,
    FREEZE_WINDOW_EXCEEDED,
    HOLD_WRITES_TIMEOUT,
    FLUSH_WRITES_TIMEOUT,
    WRITER_NOT_RESPONDING,
    WRITER_FAILS_IDENTIFY,
    DIFF_AREA_FULL,
    TOO_MANY_SHADOW_COPIES,
    VOLUME_NOT_SUPPORTED,
    VOLUME_ADDED_TWICE,
    NOT_ADMIN,
    PROVIDER_VETO,
    TRANSIENT_WRITER_ERROR,
    WRITER_CALL_OFF_THREAD,
)

#: The machine faults, which no field row names.
MACHINE_FAULTS: tuple[Fault, ...] = (
    VOLUME_REMOVED,
    VSS_SERVICE_RESTARTED,
    WRITER_HOST_RESTARTED,
    TRANSACTION_FREEZE_TIMEOUT,
    TRANSACTION_THAW_TIMEOUT,
    REBOOT_REQUIRED,
)
