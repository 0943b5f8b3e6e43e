"""Writer base classes: CVssWriter, CVssWriterEx, CVssWriterEx2 (docs/reference.md §1).

A writer subclasses one of them, calls ``Initialize`` and ``Subscribe``, and overrides handlers.
The base class keeps its model state in one private ``WriterCore`` (``self._vss``), so a subclass
may define any ``__init__`` it likes. Every writer-side call asks the core which handler
invocation it belongs to; the core enforces where the call may be made and the thread rule.
"""

from __future__ import annotations

import abc
import uuid
from typing import TYPE_CHECKING, Any

from .. import hresults as hr
from .._documents.metadata_builder import IVssCreateWriterMetadata
from .._documents.metadata_examine import IVssExamineWriterMetadata
from .._rules.writer_calls import WRITER_FAILURE_CODES, WRITER_FAILURE_CODES_EX
from .._rules.writer_states import WriterEvent
from .._service.current import current_machine
from .._service.records import DEFAULT_EVENT_FLAGS, Invocation, WriterCore
from .._vocabulary.enums import (
    GUID_NULL,
    VSS_ALTERNATE_WRITER_STATE,
    VSS_APPLICATION_LEVEL,
    VSS_BACKUP_TYPE,
    VSS_RESTORE_TYPE,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
)
from .._vocabulary.errors import (
    VssBadState,
    VssError,
    VssInvalidArg,
    VssObjectNotFound,
    VssWriterAlreadySubscribed,
)
from .._vocabulary.printing import describe
from .arguments import (
    bool_argument,
    enum_argument,
    integer_argument,
    optional_text_argument,
    text_argument,
)

if TYPE_CHECKING:
    from .._documents.component_views import IVssWriterComponents

__all__ = ["CVssWriter", "CVssWriterEx", "CVssWriterEx2"]

_DEFAULT_EVENTS = DEFAULT_EVENT_FLAGS


def _as_guid(value: uuid.UUID | str, what: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        raise VssInvalidArg(f"{what} must be a GUID, got {describe(value)}") from None


def _check_options(alternate_writer_state: object, io_throttling_only: object, method: str) -> None:
    """The Initialize arguments the model keeps no state for are still checked."""
    enum_argument(
        VSS_ALTERNATE_WRITER_STATE, alternate_writer_state, method, "alternate_writer_state"
    )
    bool_argument(io_throttling_only, method, "io_throttling_only")


class CVssWriter(abc.ABC):
    """The writer base class (docs/reference.md §1.1). OnPrepareSnapshot, OnFreeze, OnThaw and OnAbort are
    pure virtual in vswriter.h, so they are abstract here."""

    _vss: WriterCore

    # -- lifecycle (docs/reference.md §1.2, §1.3) -----------------------------------------------------

    def Initialize(
        self,
        writer_id: uuid.UUID | str,
        writer_name: str,
        usage_type: VSS_USAGE_TYPE | int,
        source_type: VSS_SOURCE_TYPE | int,
        level: VSS_APPLICATION_LEVEL | int = VSS_APPLICATION_LEVEL.VSS_APP_FRONT_END,
        timeout_freeze: int = 60000,
        alternate_writer_state: VSS_ALTERNATE_WRITER_STATE
        | int = VSS_ALTERNATE_WRITER_STATE.VSS_AWS_NO_ALTERNATE_WRITER,
        io_throttling_only: bool = False,
        writer_instance_name: str | None = None,
    ) -> None:
        """Bind the writer to the current ``VssSystem`` (docs/reference.md §1.2); version 0.0."""
        _check_options(alternate_writer_state, io_throttling_only, "Initialize")
        self._initialize(
            writer_id,
            writer_name,
            usage_type,
            source_type,
            level,
            timeout_freeze,
            writer_instance_name,
            (0, 0),
            "Initialize",
        )

    def _initialize(
        self,
        writer_id: uuid.UUID | str,
        writer_name: str,
        usage_type: VSS_USAGE_TYPE | int,
        source_type: VSS_SOURCE_TYPE | int,
        level: VSS_APPLICATION_LEVEL | int,
        timeout_freeze: int,
        instance_name: str | None,
        version: tuple[int, int],
        method: str,
    ) -> None:
        if "_vss" in self.__dict__:
            raise VssBadState(
                f"{method}: the writer is already initialized (Initialize or InitializeEx, once)"
            )
        if not isinstance(writer_name, str) or not writer_name:
            raise VssInvalidArg(
                f"{method}: writer_name must be a non-empty string, got {describe(writer_name)}"
            )
        instance_name = optional_text_argument(instance_name, method, "writer_instance_name")
        if (
            not isinstance(timeout_freeze, int)
            or isinstance(timeout_freeze, bool)
            or timeout_freeze <= 0
        ):
            raise VssInvalidArg(
                f"{method}: timeout_freeze must be a positive integer number of ms, got "
                f"{describe(timeout_freeze)}"
            )
        for part in version:
            integer_argument(part, method, "the version")
        usage = enum_argument(VSS_USAGE_TYPE, usage_type, method, "usage_type")
        source = enum_argument(VSS_SOURCE_TYPE, source_type, method, "source_type")
        app_level = enum_argument(VSS_APPLICATION_LEVEL, level, method, "level")
        machine = current_machine()
        self._vss = WriterCore(
            machine,
            machine.guids.new(),
            self,
            self._handlers(),
            _as_guid(writer_id, "writer_id"),
            writer_name,
            usage,
            source,
            app_level,
            timeout_freeze,
            instance_name,
            version,
        )

    def _handlers(self) -> dict[str, Any]:
        """The bound handler of each event, by handler name; OnIdentifyEx when overridden."""
        handlers: dict[str, Any] = {
            event.value: getattr(self, event.value) for event in WriterEvent
        }
        if (
            isinstance(self, CVssWriterEx)
            and type(self).OnIdentifyEx is not CVssWriterEx.OnIdentifyEx
        ):
            handlers[WriterEvent.IDENTIFY.value] = self.OnIdentifyEx
        return handlers

    def Subscribe(self, event_flags: int = _DEFAULT_EVENTS) -> None:
        """Start receiving events (docs/reference.md §1.3); a second call is refused."""
        core = self._core("Subscribe")
        flags = integer_argument(event_flags, "Subscribe", "event_flags")
        if core.subscribed:
            raise VssWriterAlreadySubscribed(f"writer {core.name!r} is already subscribed")
        core.event_flags = flags
        core.subscribed = True
        core.host.subscribe(core)

    def Unsubscribe(self) -> None:
        """Stop receiving events (docs/reference.md §1.3)."""
        core = self._core("Unsubscribe")
        if core.subscribed:
            core.subscribed = False
            core.host.unsubscribe(core)

    def _core(self, method: str) -> WriterCore:
        core = self.__dict__.get("_vss")
        if core is None:
            raise VssBadState(f"{method} needs Initialize (or InitializeEx) first")
        return core  # type: ignore[no-any-return]

    # -- handlers (docs/reference.md §1.4); each returns bool ------------------------------------------

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        """Identify: describe the writer's data (docs/reference.md §7.1). Default: true."""
        return True

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        """PrepareForBackup; ``components`` is None outside component mode. Default: true."""
        return True

    @abc.abstractmethod
    def OnPrepareSnapshot(self) -> bool:
        """PrepareForSnapshot: the first event of DoSnapshotSet (pure virtual)."""

    @abc.abstractmethod
    def OnFreeze(self) -> bool:
        """Freeze: hold writes until Thaw; the Freeze→Thaw window starts (pure virtual)."""

    @abc.abstractmethod
    def OnThaw(self) -> bool:
        """Thaw: resume writes (pure virtual)."""

    def OnPostSnapshot(self, components: IVssWriterComponents | None) -> bool:
        """PostSnapshot: the copies exist. Default: true."""
        return True

    @abc.abstractmethod
    def OnAbort(self) -> bool:
        """Abort: undo what the backup started; may come more than once (pure virtual)."""

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        """BackupComplete; the BCD is read-only now. Default: true."""
        return True

    def OnBackupShutdown(self, snapshot_set_id: uuid.UUID) -> bool:
        """BackupShutdown: the requester's object was released. Default: true."""
        return True

    def OnPreRestore(self, components: IVssWriterComponents | None) -> bool:
        """PreRestore. Default: true."""
        return True

    def OnPostRestore(self, components: IVssWriterComponents | None) -> bool:
        """PostRestore; the BCD is read-only now. Default: true."""
        return True

    # -- writer-side calls (docs/reference.md §1.5) ----------------------------------------------------

    def _call(self, method: str) -> Invocation:
        inv = self._core(method).invocation_for(method)
        return inv

    def SetWriterFailure(self, hr_writer: int) -> None:
        """Report a writer failure for this event (any handler but OnIdentify, its own thread)."""
        inv = self._call("SetWriterFailure")
        hr_writer = integer_argument(hr_writer, "SetWriterFailure", "hr_writer")
        if hr_writer not in WRITER_FAILURE_CODES:
            allowed = ", ".join(hr.name_of(code) for code in sorted(WRITER_FAILURE_CODES))
            raise VssInvalidArg(
                f"SetWriterFailure takes one of {allowed}; got {hr.name_of(hr_writer)}"
            )
        inv.ws.fail(hr_writer)
        inv.failed = True

    def GetSnapshotDeviceName(self, volume: str) -> str:
        """The shadow copy device of ``volume`` (only in OnPostSnapshot); the volume is named
        with its trailing backslash (``C:\\``, docs/reference.md §1.5), else E_INVALIDARG."""
        inv = self._call("GetSnapshotDeviceName")
        volume = text_argument(volume, "GetSnapshotDeviceName", "volume")
        if not volume.endswith("\\"):
            raise VssInvalidArg(
                f"GetSnapshotDeviceName: {volume!r} lacks the trailing backslash the volume name "
                "must have (C:\\, a mount folder or \\\\?\\Volume{GUID}\\)"
            )
        planned = inv.session.planned.get(self._vss.host.volume_key(volume))
        if planned is None or planned.snapshot is None:
            raise VssObjectNotFound(f"volume {volume!r} is not in the shadow copy set")
        return planned.snapshot.device

    def GetCurrentSnapshotSetId(self) -> uuid.UUID:
        """The id of the set being created (OnPrepareSnapshot to OnPostSnapshot)."""
        return self._call("GetCurrentSnapshotSetId").session.snapshot_set_id or GUID_NULL

    def GetCurrentVolumeArray(self) -> list[str]:
        """The original volume names in the current set."""
        session = self._call("GetCurrentVolumeArray").session
        return [p.volume.name for p in session.planned.values()]

    def GetCurrentVolumeCount(self) -> int:
        """How many volumes the current set holds."""
        return len(self._call("GetCurrentVolumeCount").session.planned)

    def IsPathAffected(self, path: str) -> bool:
        """Whether ``path`` lies on a volume of the current set (no wildcards)."""
        session = self._call("IsPathAffected").session
        path = text_argument(path, "IsPathAffected", "path")
        bare = path.removeprefix("\\\\?\\")  # the ? of \\?\Volume{GUID}\ is no wildcard
        if "*" in bare or "?" in bare:
            raise VssInvalidArg(f"IsPathAffected takes no wildcards: {path!r}")
        host = self._vss.host
        volume = host.volume_of_path(path)
        return volume is not None and host.volume_key(volume.name) in session.planned

    def GetContext(self) -> int:
        """The session's snapshot context (VSS_CTX_*, maybe ORed with attributes)."""
        return self._call("GetContext").session.context

    def GetBackupType(self) -> VSS_BACKUP_TYPE:
        """The backup type the requester set with SetBackupState."""
        return self._call("GetBackupType").session.backup_type

    def GetRestoreType(self) -> VSS_RESTORE_TYPE:
        """The restore type; VSS_RTYPE_UNDEFINED during a backup (docs/reference.md §1.5)."""
        return self._call("GetRestoreType").session.restore_type

    def AreComponentsSelected(self) -> bool:
        """Whether the requester runs in component mode."""
        return self._call("AreComponentsSelected").session.select_components

    def IsBootableSystemStateBackedUp(self) -> bool:
        """SetBackupState's bootable-system-state flag."""
        return bool(self._call("IsBootableSystemStateBackedUp").session.bcd.bootable_system_state)

    def IsPartialFileSupportEnabled(self) -> bool:
        """SetBackupState's partial-file-support flag."""
        return bool(self._call("IsPartialFileSupportEnabled").session.bcd.partial_file_support)

    def GetCurrentLevel(self) -> VSS_APPLICATION_LEVEL:
        """The application level being frozen or thawed now."""
        inv = self._call("GetCurrentLevel")
        return inv.session.current_level or self._vss.level


class CVssWriterEx(CVssWriter):
    """Adds InitializeEx, SubscribeEx, OnIdentifyEx, GetIdentifyInformation (docs/reference.md §1.1)."""

    def InitializeEx(
        self,
        writer_id: uuid.UUID | str,
        writer_name: str,
        major_version: int,
        minor_version: int,
        usage_type: VSS_USAGE_TYPE | int,
        source_type: VSS_SOURCE_TYPE | int,
        level: VSS_APPLICATION_LEVEL | int = VSS_APPLICATION_LEVEL.VSS_APP_FRONT_END,
        timeout_freeze: int = 60000,
        alternate_writer_state: VSS_ALTERNATE_WRITER_STATE
        | int = VSS_ALTERNATE_WRITER_STATE.VSS_AWS_NO_ALTERNATE_WRITER,
        io_throttling_only: bool = False,
        writer_instance_name: str | None = None,
    ) -> None:
        """Initialize with a version (docs/reference.md §1.2)."""
        _check_options(alternate_writer_state, io_throttling_only, "InitializeEx")
        self._initialize(
            writer_id,
            writer_name,
            usage_type,
            source_type,
            level,
            timeout_freeze,
            writer_instance_name,
            (major_version, minor_version),
            "InitializeEx",
        )

    def SubscribeEx(self, unsubscribe_timeout: int = 0, event_flags: int = _DEFAULT_EVENTS) -> None:
        """Subscribe with an unsubscribe timeout (docs/reference.md §1.3)."""
        integer_argument(unsubscribe_timeout, "SubscribeEx", "unsubscribe_timeout")
        self.Subscribe(event_flags)

    def OnIdentifyEx(self, metadata: IVssCreateWriterMetadata) -> bool:
        """Identify, Ex form; a writer overrides OnIdentify or OnIdentifyEx. Default: true."""
        return True

    def GetIdentifyInformation(self) -> IVssExamineWriterMetadata:
        """The metadata this writer reported in this session's Identify (docs/reference.md §1.5)."""
        inv = self._call("GetIdentifyInformation")
        if inv.ws.examine is None:
            raise VssError("no Identify result is known for this session", hr.E_FAIL)
        return inv.ws.examine


class CVssWriterEx2(CVssWriterEx):
    """Adds GetSessionId, SetWriterFailureEx, IsWriterShuttingDown (docs/reference.md §1.1, §8)."""

    def GetSessionId(self) -> uuid.UUID:
        """The id of the session whose event this handler is handling (its own thread only)."""
        return self._call("GetSessionId").session.session_id

    def SetWriterFailureEx(
        self, hr_writer: int, hr_application: int = hr.S_OK, application_message: str | None = None
    ) -> None:
        """Report a failure with the application's own code and message (docs/reference.md §1.5)."""
        inv = self._call("SetWriterFailureEx")
        hr_writer = integer_argument(hr_writer, "SetWriterFailureEx", "hr_writer")
        hr_application = integer_argument(hr_application, "SetWriterFailureEx", "hr_application")
        application_message = optional_text_argument(
            application_message, "SetWriterFailureEx", "application_message"
        )
        if hr_writer not in WRITER_FAILURE_CODES_EX:
            allowed = ", ".join(hr.name_of(code) for code in sorted(WRITER_FAILURE_CODES_EX))
            raise VssInvalidArg(
                f"SetWriterFailureEx takes one of {allowed}; got {hr.name_of(hr_writer)}"
            )
        inv.ws.fail(hr_writer, hr_application, application_message or "")
        if hr_writer != hr.S_OK:
            inv.failed = True

    def IsWriterShuttingDown(self) -> bool:
        """Whether the writer's host is shutting down; long handlers poll it (docs/reference.md §1.5)."""
        return self._core("IsWriterShuttingDown").shutting_down
