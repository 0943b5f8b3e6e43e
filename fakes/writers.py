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

The actions are in ``fakes.actions``, the component builders in ``fakes.components``, the in-box
writer set in ``fakes.inbox``; this module re-exports the actions and components.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

from simulator import (
    VSS_APPLICATION_LEVEL,
    VSS_BACKUP_SCHEMA,
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
)

from .actions import (
    Action,
    Fail,
    Raise,
    ReportFailure,
    Sleep,
    Succeed,
    Veto,
    WrongThread,
)
from .components import component_repr, database, file_descriptor, file_group, files_repr

__all__ = [
    "SAMPLE_WRITER_ID",
    "Action",
    "Fail",
    "Raise",
    "ReportFailure",
    "SampleWriter",
    "ScriptedWriter",
    "Sleep",
    "Succeed",
    "Veto",
    "WrongThread",
    "database",
    "file_group",
    "install",
]


E = WriterEvent
UT = VSS_USAGE_TYPE
ST = VSS_SOURCE_TYPE
APP = VSS_APPLICATION_LEVEL
RME = VSS_RESTOREMETHOD_ENUM
WRE = VSS_WRITERRESTORE_ENUM


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
        self.exclude_files = tuple(file_descriptor(f, True) for f in exclude_files)
        self.exclude_from_snapshot = tuple(file_descriptor(f, True) for f in exclude_from_snapshot)
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
                "components=[" + ", ".join(component_repr(c) for c in self.components) + "]"
            )
        for option in ("exclude_files", "exclude_from_snapshot"):
            files = getattr(self, option)
            if files:
                parts.append(f"{option}={files_repr(files, True)}")
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
