"""Ready-made writers: a writer scripted as data, Microsoft's sample writer, the in-box set.

``ScriptedWriter`` says what each handler does with small frozen *action* records::

    writer = ScriptedWriter(
        name="App Writer",
        writer_id=uuid.UUID("..."),
        components=[file_group("Data", [("C:\\\\App", "*.db", False)], selectable=True)],
        script={
            WriterEvent.FREEZE: Veto(hr=VSS_E_WRITERERROR_RETRYABLE, times=1),
            WriterEvent.THAW: Sleep(90),
        },
    )

Every handler first logs ``(event, GetSessionId())`` into ``writer.log`` (on the handler's own
thread, as docs/reference.md §1.5 requires), then performs its action; events without an action succeed.
An action with ``times=n`` fires on the first ``n`` deliveries of its event only, later ones
succeed. Writers are built uninitialized; ``install(system, writers)`` (or ``writer.setup()`` with
the system current) initializes and subscribes them.

``inbox_writers()`` is the in-box writer set of a Windows Server (docs/reference.md §11), with the usage
and source types, restore methods and components of the real Writer Metadata Documents captured on
a Windows Server 2012 machine (``KevinGoode/vssbackup``, ``data/no_sql/WM*.xml``), trimmed to a few
file sets per component. ``SqlServerWriter()`` adds SQL Server's writer.
"""

from __future__ import annotations

import enum
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from simulator import (
    DEFAULT_BACKUP_TYPE_MASK,
    VSS_APPLICATION_LEVEL,
    VSS_BACKUP_SCHEMA,
    VSS_COMPONENT_FLAGS,
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
    ComponentMetadata,
    CVssWriterEx2,
    FileDescriptor,
    IVssCreateWriterMetadata,
    IVssCreateWriterMetadataEx,
    IVssWriterComponents,
    RestoreMethod,
    VssError,
    VssSystem,
    WriterEvent,
    hresults,
    system_of,
)
from simulator.rules import WRITER_FAILURE_CODES

__all__ = [
    "INBOX_WRITER_IDS",
    "SAMPLE_WRITER_ID",
    "SQL_SERVER_WRITER_ID",
    "Action",
    "Fail",
    "Raise",
    "ReportFailure",
    "SampleWriter",
    "ScriptedWriter",
    "Sleep",
    "SqlServerWriter",
    "Succeed",
    "Veto",
    "WrongThread",
    "database",
    "file_group",
    "inbox_writers",
    "install",
]

E = WriterEvent
UT = VSS_USAGE_TYPE
ST = VSS_SOURCE_TYPE
APP = VSS_APPLICATION_LEVEL
RME = VSS_RESTOREMETHOD_ENUM
WRE = VSS_WRITERRESTORE_ENUM
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE

# ---------------------------------------------------------------------------------------------
# Actions: what a handler does, as data
# ---------------------------------------------------------------------------------------------


def _check_times(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValueError(f"times={value!r} must be None or a positive integer")


def _check_failure_code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in WRITER_FAILURE_CODES:
        allowed = ", ".join(hresults.name_of(code) for code in sorted(WRITER_FAILURE_CODES))
        raise ValueError(
            f"{attribute.name}={value!r} must be one of {allowed} (docs/reference.md §1.5)"
        )


def _times_repr(times: int | None) -> str:
    return "" if times is None else f"times={times}"


def _call_repr(name: str, *parts: str) -> str:
    return f"{name}({', '.join(p for p in parts if p)})"


@attrs.frozen(repr=False)
class Action:
    """What a handler does. ``times``: fire on the first ``times`` deliveries only (None: always)."""

    times: int | None = attrs.field(default=None, kw_only=True, validator=_check_times)

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        """Do it inside the handler; the handler returns the result."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return _call_repr(type(self).__name__, _times_repr(self.times))


@attrs.frozen(repr=False)
class Succeed(Action):
    """Return true."""

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        return True


@attrs.frozen(repr=False)
class Fail(Action):
    """Return false without a failure code (the writer's failure code stays S_OK)."""

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        return False


@attrs.frozen(repr=False)
class Veto(Action):
    """SetWriterFailure(hr), then return false: a writer veto (docs/field-failures.md #4).

    ``hr=None`` reports VSS_E_WRITERERROR_NONRETRYABLE. In OnIdentify SetWriterFailure is refused
    (docs/reference.md §1.5): the refusal is recorded as a violation, kept in ``writer.errors``, and the
    handler still returns false.
    """

    hr: int | None = attrs.field(default=None)

    @hr.validator
    def _check_hr(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None:
            _check_failure_code(self, attribute, value)

    @property
    def code(self) -> int:
        """The code reported."""
        return hresults.VSS_E_WRITERERROR_NONRETRYABLE if self.hr is None else self.hr

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        writer._set_failure(self.code)
        return False

    def __repr__(self) -> str:
        hr = "" if self.hr is None else f"hr={hresults.name_of(self.hr)}"
        return _call_repr("Veto", hr, _times_repr(self.times))


@attrs.frozen(repr=False)
class ReportFailure(Action):
    """SetWriterFailure(hr), then return true: the event still counts as failed (docs/reference.md §2.2)."""

    hr: int = attrs.field(validator=_check_failure_code)

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        writer._set_failure(self.hr)
        return True

    def __repr__(self) -> str:
        return _call_repr("ReportFailure", hresults.name_of(self.hr), _times_repr(self.times))


def _check_exception(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Exception):
        return
    if isinstance(value, type) and issubclass(value, Exception):
        return
    raise TypeError(f"{attribute.name}={value!r} must be an Exception instance or class")


@attrs.frozen(repr=False)
class Raise(Action):
    """Raise ``exc`` (an instance, or a class instantiated each time) out of the handler.

    Handlers must never throw (docs/reference.md §1.1): the model records a ``handler-raised`` violation and
    fails the event with VSS_E_WRITERERROR_NONRETRYABLE.
    """

    exc: Exception | type[Exception] = attrs.field(default=RuntimeError, validator=_check_exception)

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        exc = self.exc
        raise exc() if isinstance(exc, type) else exc

    def __repr__(self) -> str:
        exc = self.exc
        text = exc.__name__ if isinstance(exc, type) else repr(exc)
        return _call_repr("Raise", text, _times_repr(self.times))


@attrs.frozen(repr=False)
class Sleep(Action):
    """Spend ``seconds`` of virtual time in the handler, then do ``then`` (default: succeed)."""

    seconds: float = attrs.field()
    then: Action = attrs.field(factory=Succeed)

    @seconds.validator
    def _check_seconds(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
            raise ValueError(f"seconds={value!r} must be a number >= 0")

    @then.validator
    def _check_then(self, attribute: attrs.Attribute[Action], value: Action) -> None:
        if not isinstance(value, Action):
            raise TypeError(f"then={value!r} must be an action")

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        system_of(writer).sleep(self.seconds)
        return self.then.perform(writer, event)

    def __repr__(self) -> str:
        then = (
            ""
            if isinstance(self.then, Succeed) and self.then.times is None
            else f"then={self.then!r}"
        )
        return _call_repr("Sleep", repr(self.seconds), then, _times_repr(self.times))


_THREAD_BOUND = ("GetSessionId", "SetWriterFailure", "SetWriterFailureEx")


@attrs.frozen(repr=False)
class WrongThread(Action):
    """Call ``method`` (GetSessionId by default) from a worker thread, then return true.

    The thread rule (docs/reference.md §1.5, docs/field-failures.md #18) refuses the call with ``WrongThreadError``
    (VSS_E_BAD_STATE) and records a ``wrong-thread`` violation; the error is kept in
    ``writer.errors``. The worker thread is named ``"<writer name> worker"``.
    """

    method: str = attrs.field(default="GetSessionId")

    @method.validator
    def _check_method(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in _THREAD_BOUND:
            raise ValueError(f"method={value!r} must be one of {', '.join(_THREAD_BOUND)}")

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        def work() -> None:
            try:
                if self.method == "GetSessionId":
                    writer.GetSessionId()
                elif self.method == "SetWriterFailure":
                    writer.SetWriterFailure(hresults.VSS_E_WRITERERROR_RETRYABLE)
                else:
                    writer.SetWriterFailureEx(hresults.VSS_E_WRITERERROR_RETRYABLE)
            except VssError as exc:
                writer.errors.append(exc)

        worker = threading.Thread(target=work, name=f"{writer.name} worker")
        worker.start()
        worker.join()
        return True

    def __repr__(self) -> str:
        method = "" if self.method == "GetSessionId" else repr(self.method)
        return _call_repr("WrongThread", method, _times_repr(self.times))


# ---------------------------------------------------------------------------------------------
# Components as data
# ---------------------------------------------------------------------------------------------

FileSet = tuple[str, str, bool]


def _file(
    item: FileDescriptor | Sequence[object], recursive_default: bool = False
) -> FileDescriptor:
    if isinstance(item, FileDescriptor):
        return item
    path, filespec, *rest = item
    recursive = bool(rest[0]) if rest else recursive_default
    return FileDescriptor(str(path), str(filespec), recursive, None, DEFAULT_BACKUP_TYPE_MASK)


def file_group(
    name: str,
    files: Iterable[FileDescriptor | Sequence[object]] = (),
    *,
    logical_path: str | None = None,
    caption: str | None = None,
    selectable: bool = False,
    selectable_for_restore: bool = False,
    notify_on_backup_complete: bool = False,
    restore_metadata: bool = False,
    flags: int = 0,
) -> ComponentMetadata:
    """A VSS_CT_FILEGROUP component; ``files`` are ``(path, filespec, recursive)`` (docs/reference.md §7.1)."""
    return ComponentMetadata(
        FILEGROUP,
        logical_path,
        name,
        caption=caption,
        restore_metadata=restore_metadata,
        notify_on_backup_complete=notify_on_backup_complete,
        selectable=selectable,
        selectable_for_restore=selectable_for_restore,
        component_flags=VSS_COMPONENT_FLAGS(flags),
        files=[_file(f) for f in files],
    )


def database(
    name: str,
    files: Iterable[FileDescriptor | Sequence[object]] = (),
    log_files: Iterable[FileDescriptor | Sequence[object]] = (),
    *,
    logical_path: str | None = None,
    caption: str | None = None,
    selectable: bool = True,
    selectable_for_restore: bool = False,
    notify_on_backup_complete: bool = False,
    restore_metadata: bool = False,
    flags: int = 0,
) -> ComponentMetadata:
    """A VSS_CT_DATABASE component; ``files`` / ``log_files`` are ``(path, filespec)``."""
    return ComponentMetadata(
        DATABASE,
        logical_path,
        name,
        caption=caption,
        restore_metadata=restore_metadata,
        notify_on_backup_complete=notify_on_backup_complete,
        selectable=selectable,
        selectable_for_restore=selectable_for_restore,
        component_flags=VSS_COMPONENT_FLAGS(flags),
        database_files=[_file(f) for f in files],
        database_log_files=[_file(f) for f in log_files],
    )


def _files_repr(files: Sequence[FileDescriptor], with_recursive: bool) -> str:
    items = [
        f"({f.path!r}, {f.filespec!r}, {f.recursive!r})"
        if with_recursive
        else f"({f.path!r}, {f.filespec!r})"
        for f in files
    ]
    return "[" + ", ".join(items) + "]"


def _component_repr(c: ComponentMetadata) -> str:
    options = []
    if c.logical_path is not None:
        options.append(f"logical_path={c.logical_path!r}")
    if c.caption is not None:
        options.append(f"caption={c.caption!r}")
    for flag in (
        "selectable",
        "selectable_for_restore",
        "notify_on_backup_complete",
        "restore_metadata",
    ):
        if getattr(c, flag):
            options.append(f"{flag}=True")
    if c.component_flags:
        options.append(f"flags={int(c.component_flags)}")
    if c.type == DATABASE:
        args = [
            repr(c.component_name),
            _files_repr(c.database_files, False),
            _files_repr(c.database_log_files, False),
        ]
        return f"database({', '.join(args + options)})"
    args = [repr(c.component_name), _files_repr(c.files, True)]
    return f"file_group({', '.join(args + options)})"


# ---------------------------------------------------------------------------------------------
# The scripted writer
# ---------------------------------------------------------------------------------------------


def _value_repr(value: object) -> str:
    if isinstance(value, RestoreMethod):
        return (
            f"RestoreMethod({value.method.name}, {value.service!r}, {value.user_procedure!r}, "
            f"{value.writer_restore.name}, {value.reboot_required!r})"
        )
    if isinstance(value, enum.IntFlag):
        return str(int(value))
    if isinstance(value, enum.IntEnum):
        return value.name
    return repr(value)


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


class ScriptedWriter(CVssWriterEx2):
    """A writer whose handlers do what its ``script`` says (docs/reference.md §1.4).

    Options (keyword-only), as data: the identity given to ``Initialize`` (``name``, ``writer_id``,
    ``usage``, ``source``, ``level``, ``timeout_freeze`` in ms, ``instance_name``), the metadata
    reported in OnIdentify (``components``, ``restore_method``, ``exclude_files``,
    ``exclude_from_snapshot``, ``backup_schema``), and ``script``: ``WriterEvent`` -> action.

    ``log`` holds ``(event, session id)`` for every handler run, in order; ``errors`` the
    ``VssError`` values refused calls raised inside actions (Veto in OnIdentify, WrongThread).
    """

    def __init__(
        self,
        *,
        name: str,
        writer_id: uuid.UUID | str,
        usage: VSS_USAGE_TYPE = UT.VSS_UT_USERDATA,
        source: VSS_SOURCE_TYPE = ST.VSS_ST_OTHER,
        level: VSS_APPLICATION_LEVEL = APP.VSS_APP_FRONT_END,
        timeout_freeze: int = 60000,
        instance_name: str | None = None,
        components: Iterable[ComponentMetadata] = (),
        restore_method: RestoreMethod | None = None,
        exclude_files: Iterable[FileDescriptor | Sequence[object]] = (),
        exclude_from_snapshot: Iterable[FileDescriptor | Sequence[object]] = (),
        backup_schema: int = 0,
        script: Mapping[WriterEvent, Action] | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"name={name!r} must be a non-empty string")
        self.name = name
        self.writer_id = _as_uuid(writer_id)
        self.usage = VSS_USAGE_TYPE(usage)
        self.source = VSS_SOURCE_TYPE(source)
        self.level = VSS_APPLICATION_LEVEL(level)
        self.timeout_freeze = int(timeout_freeze)
        self.instance_name = instance_name
        self.components: tuple[ComponentMetadata, ...] = tuple(components)
        for component in self.components:
            if not isinstance(component, ComponentMetadata):
                raise TypeError(f"components must be ComponentMetadata values, got {component!r}")
        self.restore_method = restore_method
        self.exclude_files = tuple(_file(f, True) for f in exclude_files)
        self.exclude_from_snapshot = tuple(_file(f, True) for f in exclude_from_snapshot)
        self.backup_schema = VSS_BACKUP_SCHEMA(backup_schema)
        self.script: dict[WriterEvent, Action] = {}
        self.deliveries: dict[WriterEvent, int] = {}
        for event, action in (script or {}).items():
            self.on(event, action)
        self.log: list[tuple[WriterEvent, uuid.UUID]] = []
        self.errors: list[VssError] = []

    _DEFAULTS: ClassVar[dict[str, object]] = {
        "usage": UT.VSS_UT_USERDATA,
        "source": ST.VSS_ST_OTHER,
        "level": APP.VSS_APP_FRONT_END,
        "timeout_freeze": 60000,
        "instance_name": None,
        "restore_method": None,
        "backup_schema": 0,
    }

    def __repr__(self) -> str:
        parts = [f"name={self.name!r}", f"writer_id=UUID({str(self.writer_id)!r})"]
        for option, default in self._DEFAULTS.items():
            value = getattr(self, option)
            if value == default:
                continue
            parts.append(f"{option}={_value_repr(value)}")
        if self.components:
            parts.append(
                "components=[" + ", ".join(_component_repr(c) for c in self.components) + "]"
            )
        for option in ("exclude_files", "exclude_from_snapshot"):
            files = getattr(self, option)
            if files:
                parts.append(f"{option}={_files_repr(files, True)}")
        if self.script:
            items = ", ".join(f"WriterEvent.{e.name}: {a!r}" for e, a in self.script.items())
            parts.append(f"script={{{items}}}")
        return f"{type(self).__name__}({', '.join(parts)})"

    # -- configuration ------------------------------------------------------------------------

    def on(self, event: WriterEvent, action: Action) -> ScriptedWriter:
        """Script ``event`` with ``action`` (replacing any earlier one); its count starts over."""
        if not isinstance(event, WriterEvent):
            raise TypeError(f"script keys are WriterEvent members, got {event!r}")
        if not isinstance(action, Action):
            raise TypeError(f"script values are actions (Succeed, Veto, ...), got {action!r}")
        self.script[event] = action
        self.deliveries.pop(event, None)
        return self

    def clear(self, event: WriterEvent) -> ScriptedWriter:
        """Remove the action of ``event``: its handler succeeds again."""
        self.script.pop(event, None)
        return self

    def setup(self) -> ScriptedWriter:
        """Initialize on the current system with the configured identity, then Subscribe."""
        self.Initialize(
            self.writer_id,
            self.name,
            self.usage,
            self.source,
            self.level,
            self.timeout_freeze,
            writer_instance_name=self.instance_name,
        )
        self.Subscribe()
        return self

    # -- what the handlers do -------------------------------------------------------------------

    def _handle(self, event: WriterEvent) -> bool:
        self.log.append((event, self.GetSessionId()))
        count = self.deliveries.get(event, 0) + 1
        self.deliveries[event] = count
        action = self.script.get(event)
        if action is None or (action.times is not None and count > action.times):
            return True
        return action.perform(self, event)

    def _set_failure(self, hr: int) -> None:
        try:
            self.SetWriterFailure(hr)
        except VssError as exc:
            self.errors.append(exc)

    def _report_metadata(self, metadata: IVssCreateWriterMetadata) -> None:
        rm = self.restore_method
        if rm is not None:
            metadata.SetRestoreMethod(
                rm.method, rm.service, rm.user_procedure, rm.writer_restore, rm.reboot_required
            )
        for c in self.components:
            path = c.logical_path
            name = c.component_name
            metadata.AddComponent(
                c.type,
                path,
                name,
                c.caption,
                c.icon,
                len(c.icon) if c.icon else 0,
                c.restore_metadata,
                c.notify_on_backup_complete,
                c.selectable,
                c.selectable_for_restore,
                int(c.component_flags),
            )
            for f in c.files:
                metadata.AddFilesToFileGroup(
                    path,
                    name,
                    f.path,
                    f.filespec,
                    f.recursive,
                    f.alternate_location,
                    int(f.backup_type_mask),
                )
            for f in c.database_files:
                metadata.AddDatabaseFiles(path, name, f.path, f.filespec, int(f.backup_type_mask))
            for f in c.database_log_files:
                metadata.AddDatabaseLogFiles(
                    path, name, f.path, f.filespec, int(f.backup_type_mask)
                )
            for d in c.dependencies:
                metadata.AddComponentDependency(
                    path, name, d.writer_id, d.logical_path, d.component_name
                )
        for f in self.exclude_files:
            metadata.AddExcludeFiles(f.path, f.filespec, f.recursive)
        if isinstance(metadata, IVssCreateWriterMetadataEx):
            for f in self.exclude_from_snapshot:
                metadata.AddExcludeFilesFromSnapshot(f.path, f.filespec, f.recursive)
        if self.backup_schema:
            metadata.SetBackupSchema(int(self.backup_schema))

    # -- handlers (docs/reference.md §1.4) --------------------------------------------------------------

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        self._report_metadata(metadata)
        return self._handle(E.IDENTIFY)

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        return self._handle(E.PREPARE_BACKUP)

    def OnPrepareSnapshot(self) -> bool:
        return self._handle(E.PREPARE_SNAPSHOT)

    def OnFreeze(self) -> bool:
        return self._handle(E.FREEZE)

    def OnThaw(self) -> bool:
        return self._handle(E.THAW)

    def OnPostSnapshot(self, components: IVssWriterComponents | None) -> bool:
        return self._handle(E.POST_SNAPSHOT)

    def OnAbort(self) -> bool:
        return self._handle(E.ABORT)

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        return self._handle(E.BACKUP_COMPLETE)

    def OnBackupShutdown(self, snapshot_set_id: uuid.UUID) -> bool:
        return self._handle(E.BACKUP_SHUTDOWN)

    def OnPreRestore(self, components: IVssWriterComponents | None) -> bool:
        return self._handle(E.PRE_RESTORE)

    def OnPostRestore(self, components: IVssWriterComponents | None) -> bool:
        return self._handle(E.POST_RESTORE)


def install(system: VssSystem, writers: Iterable[ScriptedWriter]) -> list[ScriptedWriter]:
    """Initialize and subscribe ``writers`` on ``system``, in order; returns them as a list."""
    done = []
    with system:
        for writer in writers:
            done.append(writer.setup())
    return done


# ---------------------------------------------------------------------------------------------
# Microsoft's sample writer (docs/field-failures.md §A.5)
# ---------------------------------------------------------------------------------------------

#: ``DepWriterId`` in ``Samples/VolumeShadowCopyServiceWriter/cpp/swriter.h``.
SAMPLE_WRITER_ID = uuid.UUID("079462f1-1079-48dd-b3fb-ccb2f2934ecf")


class SampleWriter(ScriptedWriter):
    """Microsoft's ``DepWriter`` ("MSDNSampleWriter", docs/field-failures.md §A.5).

    Windows-classic-samples ``Samples/VolumeShadowCopyServiceWriter/cpp/swriter.{h,cpp}``:
    ``Initialize(DepWriterId, L"MSDNSampleWriter", VSS_UT_USERDATA, VSS_ST_OTHER)``; OnIdentify sets
    ``VSS_RME_RESTORE_IF_CAN_REPLACE`` / ``VSS_WRE_ALWAYS`` and adds the file group
    ``FilesComponent`` ("My FileGroup"; notify on backup complete, selectable, selectable for
    restore) holding ``C:\\MyFiles\\*.dat``; every other handler returns true. docs/field-failures.md calls the
    GUID unknown; it is ``DepWriterId`` from swriter.h, {079462f1-1079-48dd-b3fb-ccb2f2934ecf}.
    ``script`` may still add faults.
    """

    def __init__(self, *, script: Mapping[WriterEvent, Action] | None = None) -> None:
        super().__init__(
            name="MSDNSampleWriter",
            writer_id=SAMPLE_WRITER_ID,
            usage=UT.VSS_UT_USERDATA,
            source=ST.VSS_ST_OTHER,
            restore_method=RestoreMethod(
                RME.VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, WRE.VSS_WRE_ALWAYS, False
            ),
            components=[
                file_group(
                    "FilesComponent",
                    [("C:\\MyFiles", "*.dat", False)],
                    caption="My FileGroup",
                    notify_on_backup_complete=True,
                    selectable=True,
                    selectable_for_restore=True,
                )
            ],
            script=script,
        )

    def __repr__(self) -> str:
        if not self.script:
            return "SampleWriter()"
        items = ", ".join(f"WriterEvent.{e.name}: {a!r}" for e, a in self.script.items())
        return f"SampleWriter(script={{{items}}})"


# ---------------------------------------------------------------------------------------------
# The in-box writers of a Windows Server (docs/reference.md §11)
# ---------------------------------------------------------------------------------------------

#: Writer name -> writer id, docs/reference.md §11 (all [DOC] except the name of the Metadata Store Writer, [OBS]).
INBOX_WRITER_IDS: Mapping[str, uuid.UUID] = {
    "System Writer": uuid.UUID("e8132975-6f93-4464-a53e-1050253ae220"),
    "Registry Writer": uuid.UUID("afbab4a2-367d-4d15-a586-71dbb18f8485"),
    "COM+ REGDB Writer": uuid.UUID("542da469-d3e1-473c-9f4f-7847f01fc64f"),
    "WMI Writer": uuid.UUID("a6ad56c2-b509-4e6c-bb19-49d8f43532f0"),
    "ASR Writer": uuid.UUID("be000cbe-11fe-4426-9c58-531aa6355fc4"),
    "BITS Writer": uuid.UUID("4969d978-be47-48b0-b100-f328f07ac1e0"),
    "Shadow Copy Optimization Writer": uuid.UUID("4dc3bdd4-ab48-4d07-adb0-3bee2926fd7f"),
    "Task Scheduler Writer": uuid.UUID("d61d61c8-d73a-4eee-8cdd-f6f9786b7124"),
    "VSS Metadata Store Writer": uuid.UUID("75dfb225-e2e4-4d39-9ac9-ffaff65ddf06"),
    "Performance Counters Writer": uuid.UUID("0bada1de-01a9-4625-8278-69e735f39dd2"),
}

#: The restore method most in-box system-state writers report (WM0, WM1, WM2, WM3, WM9, WM10).
_AT_REBOOT_IF_CANNOT_REPLACE = RestoreMethod(
    RME.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE, None, None, WRE.VSS_WRE_NEVER, False
)
_SYSTEM32_CONFIG = "C:\\Windows\\system32\\config"
_ASR_SYSTEM_VOLUME = "Volume{c7463aba-f40d-11e9-80c7-806e6f6e6963}"
_ASR_CRITICAL = "Critical volumes are those which ASR must restore.\n"


def _inbox(
    name: str,
    usage: VSS_USAGE_TYPE,
    restore_method: RestoreMethod | None,
    components: Sequence[ComponentMetadata] = (),
    *,
    exclude_files: Sequence[FileSet] = (),
    exclude_from_snapshot: Sequence[FileSet] = (),
) -> ScriptedWriter:
    # System-state writers (BOOTABLE_SYSTEM_STATE, SYSTEM_SERVICE) freeze at the SYSTEM level [INF].
    level = APP.VSS_APP_FRONT_END if usage == UT.VSS_UT_USERDATA else APP.VSS_APP_SYSTEM
    return ScriptedWriter(
        name=name,
        writer_id=INBOX_WRITER_IDS[name],
        usage=usage,
        source=ST.VSS_ST_OTHER,
        level=level,
        restore_method=restore_method,
        components=components,
        exclude_files=exclude_files,
        exclude_from_snapshot=exclude_from_snapshot,
    )


def inbox_writers() -> list[ScriptedWriter]:
    """The in-box writers of a Windows Server, new and uninitialized (docs/reference.md §11).

    Ids and names from docs/reference.md §11; usage and source types, restore methods and components from
    the real WMDs of a Windows Server 2012 machine (``KevinGoode/vssbackup`` ``data/no_sql``: WM3
    System, WM9 Registry, WM10 COM+ REGDB, WM8 WMI, WM4 ASR, WM7 BITS, WM6 Shadow Copy
    Optimization, WM0 Task Scheduler, WM1 VSS Metadata Store, WM2 Performance Counters), with the
    first few file sets of each component. ASR's components name that machine's volumes and disks,
    so its ``BCD`` component lies on a volume this machine does not have ([INF]: a requester that
    selects components by volume, like VShadow, leaves the ASR Writer out). Levels: SYSTEM for the
    BOOTABLE_SYSTEM_STATE and SYSTEM_SERVICE writers, FRONT_END for the Shadow Copy Optimization
    Writer (USER_DATA) ([INF]). Every handler succeeds; script faults with ``writer.on(...)``.
    """
    bss = UT.VSS_UT_BOOTABLESYSTEMSTATE
    service = UT.VSS_UT_SYSTEMSERVICE
    return [
        _inbox(
            "System Writer",
            bss,
            RestoreMethod(
                RME.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE, None, None, WRE.VSS_WRE_NEVER, True
            ),
            [
                file_group(
                    "System Files",
                    [
                        (
                            "C:\\Windows\\system32\\CatRoot\\{127D0A1D-4EF2-11D1-8608-00C04FC295EE}",
                            "*",
                            True,
                        ),
                        (
                            "C:\\Windows\\system32\\CatRoot\\{F750E6C3-38EE-11D1-85E5-00C04FC295EE}",
                            "*",
                            True,
                        ),
                        ("%systemroot%\\winsxs", "*.*", True),
                        ("%systemroot%\\servicing\\packages", "*.*", True),
                        ("%systemroot%\\System32\\Microsoft\\Crypto", "*.*", True),
                        ("%ProgramData%\\Microsoft\\Crypto", "*.*", True),
                    ],
                    caption="System Files",
                    selectable=True,
                ),
                file_group(
                    "Win32 Services Files",
                    [
                        (
                            "c:\\program files (x86)\\microsoft sql server\\140\\tools\\dreplaycontroller",
                            "dreplaycontroller.exe",
                            False,
                        ),
                        ("c:\\program files (x86)\\google\\update", "googleupdate.exe", False),
                        (
                            "c:\\program files\\microsoft sql server\\mssql14.mssqlserver\\mssql\\binn",
                            "sqlservr.exe",
                            False,
                        ),
                    ],
                    caption="Win32 Services Files",
                    selectable=True,
                    flags=int(VSS_COMPONENT_FLAGS.VSS_CF_NOT_SYSTEM_STATE),
                ),
            ],
        ),
        _inbox(
            "Registry Writer",
            bss,
            RestoreMethod(
                RME.VSS_RME_RESTORE_AT_REBOOT_IF_CANNOT_REPLACE, None, None, WRE.VSS_WRE_NEVER, True
            ),
            [
                file_group(
                    "Registry",
                    [
                        (_SYSTEM32_CONFIG, "default", False),
                        (_SYSTEM32_CONFIG, "SAM", False),
                        (_SYSTEM32_CONFIG, "SECURITY", False),
                        (_SYSTEM32_CONFIG, "software", False),
                        (_SYSTEM32_CONFIG, "system", False),
                    ],
                    caption="Registry",
                    selectable=True,
                )
            ],
            exclude_files=[
                (_SYSTEM32_CONFIG, "default.LOG", False),
                (_SYSTEM32_CONFIG, "SECURITY.LOG", False),
                (_SYSTEM32_CONFIG, "software.LOG", False),
                (_SYSTEM32_CONFIG, "system.LOG", False),
            ],
        ),
        _inbox(
            "COM+ REGDB Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "COM+ REGDB",
                    [("%SystemRoot%\\Registration", "*", True)],
                    caption="COM+ REGDB",
                    selectable=True,
                )
            ],
        ),
        _inbox(
            "WMI Writer",
            service,
            RestoreMethod(RME.VSS_RME_RESTORE_AT_REBOOT, None, None, WRE.VSS_WRE_NEVER, True),
            [
                file_group(
                    "WMI",
                    [("C:\\Windows\\system32\\wbem\\repository", "*.*", True)],
                    caption="Windows Managment Instrumentation",
                )
            ],
        ),
        _inbox(
            "ASR Writer",
            bss,
            RestoreMethod(RME.VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, WRE.VSS_WRE_NEVER, True),
            [
                file_group("ASR", logical_path="ASR", caption="ASR"),
                file_group(
                    _ASR_SYSTEM_VOLUME,
                    logical_path="Volumes",
                    caption=(
                        f"Select this volume (\\??\\{_ASR_SYSTEM_VOLUME}) if it is a critical "
                        f"volume.\n{_ASR_CRITICAL}"
                    ),
                ),
                file_group(
                    "Volume{c7463abb-f40d-11e9-80c7-806e6f6e6963}",
                    logical_path="Volumes",
                    caption=f"Select this volume (C:) if it is a critical volume.\n{_ASR_CRITICAL}",
                ),
                file_group(
                    "harddisk0",
                    logical_path="Disks",
                    caption="Select to include disk #0 (of signature 0x9c93ebc7) for ASR restore.",
                    selectable=True,
                    selectable_for_restore=True,
                ),
                file_group(
                    "BCD",
                    [(f"\\\\?\\{_ASR_SYSTEM_VOLUME}\\Boot", "*.*", True)],
                    logical_path="BCD",
                    caption=(
                        "This is the path to the boot BCD store and the boot managers.\n"
                        "All the files in this directory need to be backed up.\n"
                    ),
                ),
            ],
        ),
        _inbox(
            "BITS Writer",
            service,
            None,
            exclude_files=[
                ("C:\\Windows\\System32", "bits.log", False),
                ("C:\\Windows\\System32", "bits.bak", False),
                ("C:\\ProgramData\\Microsoft\\Network\\Downloader\\", "*", True),
            ],
        ),
        _inbox(
            "Shadow Copy Optimization Writer",
            UT.VSS_UT_USERDATA,
            None,
            exclude_from_snapshot=[
                ("C:\\ProgramData\\Microsoft\\RAC", "*", False),
                ("C:\\ProgramData\\Microsoft\\RAC\\StateData", "*", False),
                ("\\System Volume Information\\Heat", "*.*", True),
                ("C:\\Windows\\softwaredistribution", "*.*", True),
            ],
        ),
        _inbox(
            "Task Scheduler Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "TasksStore",
                    [("%WinDir%\\System32\\Tasks", "*", True), ("%WinDir%\\Tasks", "*", True)],
                    caption="Tasks Store",
                )
            ],
        ),
        _inbox(
            "VSS Metadata Store Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "WriterMetadataStore",
                    [("%SystemRoot%\\Vss\\Writers", "*.xml", True)],
                    caption="VSS Express Writer Metadata Store",
                    selectable=True,
                )
            ],
        ),
        _inbox(
            "Performance Counters Writer",
            bss,
            _AT_REBOOT_IF_CANNOT_REPLACE,
            [
                file_group(
                    "PerformanceCounters",
                    [
                        ("%SystemRoot%\\System32", "Perfc???.dat", False),
                        ("%SystemRoot%\\System32", "Perfh???.dat", False),
                        ("%SystemRoot%\\System32", "Prfc????.dat", False),
                        ("%SystemRoot%\\System32", "Prfh????.dat", False),
                    ],
                    caption="Performance Counters",
                    selectable=True,
                )
            ],
        ),
    ]


# ---------------------------------------------------------------------------------------------
# SQL Server's writer
# ---------------------------------------------------------------------------------------------

#: docs/reference.md §11 ([OBS], many captures).
SQL_SERVER_WRITER_ID = uuid.UUID("a65faa63-5ea8-4ebc-9dbd-a0c4db26912a")
#: The files of SQL Server's system databases (the captured WM5.xml); others are <db>.mdf, <db>_log.ldf.
_SYSTEM_DATABASE_FILES = {
    "master": ("master.mdf", "mastlog.ldf"),
    "model": ("model.mdf", "modellog.ldf"),
    "msdb": ("MSDBData.mdf", "MSDBLog.ldf"),
}
_SQL_DATA = "C:\\Program Files\\Microsoft SQL Server\\MSSQL14.MSSQLSERVER\\MSSQL\\DATA"


def SqlServerWriter(
    databases: Iterable[str] = ("master", "model", "msdb"),
    *,
    server: str = "SIMHOST",
    data_path: str = _SQL_DATA,
    instance_name: str | None = "Microsoft SQL Server 2017:SQLWriter",
    component_type: VSS_COMPONENT_TYPE = DATABASE,
    script: Mapping[WriterEvent, Action] | None = None,
) -> ScriptedWriter:
    """SQL Server's writer, "SqlServerWriter" {a65faa63-5ea8-4ebc-9dbd-a0c4db26912a} (docs/reference.md §11).

    One component per database, at logical path ``server`` (docs/reference.md §10.3:
    ``SqlServerWriter:\\HOSTNAME\\master``), notify on backup complete, selectable, selectable for
    restore, VSS_CF_APP_ROLLBACK_RECOVERY; files in ``data_path``. USER_DATA / TRANSACTED_DB,
    VSS_RME_RESTORE_IF_CAN_REPLACE / VSS_WRE_ALWAYS and backup schema 881, as in the captured WMD.
    Level BACK_END [INF]. Components are VSS_CT_DATABASE [INF]; the captured SQL Server 2017 WMD
    reports VSS_CT_FILEGROUP components, which ``component_type=VSS_CT_FILEGROUP`` reproduces.
    """
    component_type = VSS_COMPONENT_TYPE(component_type)
    flags = int(VSS_COMPONENT_FLAGS.VSS_CF_APP_ROLLBACK_RECOVERY)
    components = []
    for name in databases:
        data, log = _SYSTEM_DATABASE_FILES.get(name, (f"{name}.mdf", f"{name}_log.ldf"))
        if component_type == DATABASE:
            component = database(
                name,
                [(data_path, data)],
                [(data_path, log)],
                logical_path=server,
                selectable=True,
                selectable_for_restore=True,
                notify_on_backup_complete=True,
                flags=flags,
            )
        else:
            component = file_group(
                name,
                [(data_path, data, False), (data_path, log, False)],
                logical_path=server,
                selectable=True,
                selectable_for_restore=True,
                notify_on_backup_complete=True,
                flags=flags,
            )
        components.append(component)
    return ScriptedWriter(
        name="SqlServerWriter",
        writer_id=SQL_SERVER_WRITER_ID,
        usage=UT.VSS_UT_USERDATA,
        source=ST.VSS_ST_TRANSACTEDDB,
        level=APP.VSS_APP_BACK_END,
        instance_name=instance_name,
        restore_method=RestoreMethod(
            RME.VSS_RME_RESTORE_IF_CAN_REPLACE, None, None, WRE.VSS_WRE_ALWAYS, False
        ),
        components=components,
        backup_schema=881,
        script=script,
    )
