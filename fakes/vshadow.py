"""VShadow's shadow copy creation, call for call (docs/field-failures.md §A.6 V-1)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence

from simulator import (
    GUID_NULL,
    VSS_BACKUP_TYPE,
    VSS_COMPONENT_TYPE,
    VSS_SNAPSHOT_CONTEXT,
    VSS_WRITER_STATE,
    IVssAsync,
    IVssBackupComponents,
    VssError,
    VssSystem,
    hresults,
)
from simulator.rules import FAILED_STATES

from .reports import BackupReport, RequesterRun, StopRequester, gather_status, wait_and_check

CTX = VSS_SNAPSHOT_CONTEXT
WS = VSS_WRITER_STATE


# ---------------------------------------------------------------------------------------------
# VShadow (docs/field-failures.md §A.6, V-1)
# ---------------------------------------------------------------------------------------------


def _vshadow_context(persistent: bool, writers: bool) -> int:
    """VShadow's UpdateFinalContext (docs/field-failures.md §A.6 V-1 row 1)."""
    if persistent:
        return int(CTX.VSS_CTX_APP_ROLLBACK if writers else CTX.VSS_CTX_NAS_ROLLBACK)
    return int(CTX.VSS_CTX_BACKUP if writers else CTX.VSS_CTX_FILE_SHARE_BACKUP)


class _Component:
    """A component as VShadow's selection sees it (writer.cpp / select.cpp)."""

    __slots__ = (
        "affected",
        "excluded",
        "explicit",
        "full_path",
        "logical_path",
        "name",
        "selectable",
        "top_level",
        "type",
        "writer",
    )

    def __init__(
        self,
        writer: _Writer,
        type_: VSS_COMPONENT_TYPE,
        logical_path: str | None,
        name: str,
        selectable: bool,
        affected: tuple[str | None, ...],
    ) -> None:
        self.writer = writer
        self.type = type_
        self.logical_path = logical_path
        self.name = name
        self.selectable = selectable
        self.affected = affected
        # VssComponent::fullPath: AppendBackslash(logicalPath) + name, with a leading backslash.
        self.full_path = "\\" + (f"{logical_path}\\" if logical_path else "") + name
        self.excluded = False
        self.top_level = True
        self.explicit = False

    def is_ancestor_of(self, child: _Component) -> bool:
        mine = self.full_path.lower() + "\\"
        theirs = child.full_path.lower() + "\\"
        return len(theirs) > len(mine) and theirs.startswith(mine)

    def can_be_explicitly_included(self) -> bool:
        return not self.excluded and (self.selectable or self.top_level)


class _Writer:
    __slots__ = ("components", "excluded", "instance_id", "name", "writer_id")

    def __init__(self, instance_id: uuid.UUID, writer_id: uuid.UUID, name: str) -> None:
        self.instance_id = instance_id
        self.writer_id = writer_id
        self.name = name
        self.components: list[_Component] = []
        self.excluded = False


def _volume_keys(system: VssSystem) -> Callable[[str], str | None]:
    """The volume a (possibly %VAR%-holding) path lies on, lower-cased, or None if none is
    known: the longest volume name or GUID path that prefixes it. The prefixes are read once."""
    prefixes = sorted(
        (
            (prefix, volume.name.lower())
            for volume in system.volumes
            for prefix in (volume.name.lower(), volume.guid_path.lower())
        ),
        key=lambda item: -len(item[0]),
    )

    def key(path: str) -> str | None:
        expanded = (system.expand_path(path) if "%" in path else path).lower() + "\\"
        for prefix, name in prefixes:
            if expanded.startswith(prefix):
                return name
        return None

    return key


def _set_key(system: VssSystem, volume: str) -> str:
    wanted = volume.lower()
    if len(wanted) == 2 and wanted[1] == ":":
        wanted += "\\"
    for known in system.volumes:
        if wanted in (known.name.lower(), known.guid_path.lower()):
            return known.name.lower()
    return wanted


def _matches_writer(writer: _Writer, entry: str) -> bool:
    text = entry.strip().strip("{}").lower()
    return text in (writer.name.lower(), str(writer.writer_id), str(writer.instance_id))


def _read_writers(system: VssSystem, bc: IVssBackupComponents) -> list[_Writer]:
    """V-1 step 3: every writer's identity and components, with the volumes their files touch."""
    writers = []
    volume_key = _volume_keys(system)
    for index in range(bc.GetWriterMetadataCount()):
        instance_id, metadata = bc.GetWriterMetadata(index)
        _, writer_id, name, _, _ = metadata.GetIdentity()
        writer = _Writer(instance_id, writer_id, name)
        _, _, count = metadata.GetFileCounts()
        for c in range(count):
            wm = metadata.GetComponent(c)
            info = wm.GetComponentInfo()
            paths = [wm.GetFile(i).GetPath() for i in range(info.file_count)]
            paths += [wm.GetDatabaseFile(i).GetPath() for i in range(info.database_count)]
            paths += [wm.GetDatabaseLogFile(i).GetPath() for i in range(info.log_file_count)]
            affected = tuple(dict.fromkeys(volume_key(p) for p in paths))
            writer.components.append(
                _Component(
                    writer,
                    info.type,
                    info.logical_path,
                    info.component_name,
                    info.selectable,
                    affected,
                )
            )
        for component in writer.components:
            component.top_level = not any(
                other.is_ancestor_of(component) for other in writer.components
            )
        writers.append(writer)
    return writers


def select_components(
    system: VssSystem,
    bc: IVssBackupComponents,
    volumes: Sequence[str],
    exclude: Collection[str],
) -> list[_Writer]:
    """V-1 step 4, done client-side as VShadow does; returns the writers, marked."""
    writers = _read_writers(system, bc)
    in_set = {_set_key(system, v) for v in volumes}
    for writer in writers:
        # (a) -wx: a writer by name, writer id or instance id; a component by writer:\path\name.
        for entry in exclude:
            if _matches_writer(writer, entry):
                writer.excluded = True
            prefix = f"{writer.name.lower()}:"
            if entry.lower().startswith(prefix):
                path = entry[len(prefix) :].lower()
                for component in writer.components:
                    if component.full_path.lower() == path:
                        component.excluded = True
        if writer.excluded:
            for component in writer.components:
                component.excluded = True
            continue
        # (b) components whose files lie on volumes outside the set.
        for component in writer.components:
            if any(v is None or v not in in_set for v in component.affected):
                component.excluded = True
        # (c) components with an excluded descendant.
        for component in writer.components:
            if any(
                component.is_ancestor_of(other) and other.excluded for other in writer.components
            ):
                component.excluded = True
        # (d) writers with nothing to include, or an excluded top-level non-selectable component.
        if not any(c.can_be_explicitly_included() for c in writer.components) or any(
            c.top_level and not c.selectable and c.excluded for c in writer.components
        ):
            writer.excluded = True
            continue
        # (e) explicitly included: includable, with no includable ancestor.
        for component in writer.components:
            component.explicit = component.can_be_explicitly_included() and not any(
                other.is_ancestor_of(component) and other.can_be_explicitly_included()
                for other in writer.components
            )
    # (g) AddComponent for each explicitly included component.
    for writer in writers:
        if writer.excluded:
            continue
        for component in writer.components:
            if component.explicit:
                bc.AddComponent(
                    writer.instance_id,
                    writer.writer_id,
                    component.type,
                    component.logical_path,
                    component.name,
                )
    return writers


def _check_selected_writer_status(
    run: RequesterRun, bc: IVssBackupComponents, writers: list[_Writer]
) -> None:
    """VShadow's CheckSelectedWriterStatus: a selected writer in a failed state is E_UNEXPECTED."""
    selected = {w.instance_id for w in writers if not w.excluded}
    run.statuses = gather_status(bc)
    run.current = True
    if any(s.instance_id in selected and s.state in FAILED_STATES for s in run.statuses):
        raise StopRequester(hresults.name_of(hresults.E_UNEXPECTED))


def vshadow_backup(
    system: VssSystem,
    volumes: Sequence[str] = ("C:\\",),
    *,
    persistent: bool = False,
    writers: bool = True,
    exclude: Collection[str] = (),
    hold: float = 0.0,
    save_bcd: bool = False,
) -> BackupReport:
    """``vshadow [-p] [-nw] [-wx=...] [-bc=...] C: ...``: create a shadow copy set (docs/field-failures.md §A.6 V-1).

    Init (no SetContext for VSS_CTX_BACKUP; SetBackupState(true, true, VSS_BT_FULL, false)) →
    GatherWriterMetadata → metadata → client-side component selection (``exclude``: writers by
    name, writer id or instance id, components as ``writer:\\logical\\name``) → AddComponent →
    StartSnapshotSet → AddToSnapshotSet → PrepareForBackup + CheckSelectedWriterStatus →
    DoSnapshotSet + CheckSelectedWriterStatus → (``save_bcd``, ``-bc=``: SaveAsXML into
    ``report.backup_components``) → Query → (``hold`` virtual seconds copying files) →
    SetBackupSucceeded per included component → BackupComplete + CheckSelectedWriterStatus →
    Release. ``writers=False`` (``-nw``) skips every writer step. An async failure reports the
    operation's code; a selected writer found failed reports E_UNEXPECTED, as VShadow throws.
    """
    run = RequesterRun(system, "vshadow")

    def step(op: IVssAsync) -> None:
        run.current = False
        wait_and_check(op)

    context = _vshadow_context(persistent, writers)
    with system.CreateVssBackupComponents() as bc:
        selection: list[_Writer] = []
        try:
            bc.InitializeForBackup()
            if context != int(CTX.VSS_CTX_BACKUP):
                bc.SetContext(context)
            bc.SetBackupState(True, True, VSS_BACKUP_TYPE.VSS_BT_FULL, False)
            if writers:
                step(bc.GatherWriterMetadata())
                selection = select_components(system, bc, volumes, exclude)
                run.writers = tuple(w.name for w in selection if not w.excluded)
            run.snapshot_set_id = bc.StartSnapshotSet()
            for volume in volumes:
                run.snapshot_ids.append(bc.AddToSnapshotSet(volume, GUID_NULL))
            if writers:
                step(bc.PrepareForBackup())
                _check_selected_writer_status(run, bc, selection)
            step(bc.DoSnapshotSet())
            if writers:
                _check_selected_writer_status(run, bc, selection)
            if save_bcd:
                run.backup_components = bc.SaveAsXML()
            # QuerySnapshotSet: the set's copies, listed (V-1 row 10).
            copies = {
                p.m_SnapshotId: p for p in bc.Query() if p.m_SnapshotSetId == run.snapshot_set_id
            }
            run.devices = [copies[s].m_pwszSnapshotDeviceObject for s in run.snapshot_ids]
            if hold:
                system.sleep(hold)
            if writers and bc.GetWriterComponentsCount() > 0:
                for writer in selection:
                    if writer.excluded:
                        continue
                    for component in writer.components:
                        if component.explicit:
                            bc.SetBackupSucceeded(
                                writer.instance_id,
                                writer.writer_id,
                                component.type,
                                component.logical_path,
                                component.name,
                                True,
                            )
                step(bc.BackupComplete())
                _check_selected_writer_status(run, bc, selection)
        except StopRequester as stop:
            run.error = stop.name
        except VssError as exc:
            run.error = exc.name
        if writers and not run.current:
            run.read_statuses(bc)
    return run.report(bc)
