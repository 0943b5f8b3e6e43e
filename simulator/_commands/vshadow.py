"""``vss-sim vshadow``: VShadow 3.0's command line over the saved machine (docs/field-failures.md
§A.6 gives its call sequences; the text is in ``simulator/_presentation/vshadow_text.py``).

Arguments are matched as VShadow matches them: ``-name`` or ``/name``, case-insensitive,
``-name=value`` with optional double quotes; flags first, then one command, or a volume list (a
shadow copy set). Simulated: ``-p``, ``-nw``, ``-wx=``, ``-wi=``, ``-bc=``, volumes, ``-q``,
``-qx=``, ``-s=``, ``-da``, ``-dx=``, ``-ds=``, ``-do=``, ``-ws``, ``-wm``, ``-r=``, ``-rs=``,
``-?``. ``-r=FILE`` restores from a document ``-bc=FILE`` saved (V-2): only the writers that
take restore events get them (the in-box writers' restore condition is VSS_WRE_NEVER; a machine
made with ``--sql-server`` has one that does), and no file is copied. VShadow's
other options are refused with a one-line "not simulated" (exit 2). An argument VShadow does not
know gets its "invalid parameter" error and usage screen (exit 1); a failed step exits 2, as
VShadow does, with the failure named on stderr (no capture shows VShadow's own error lines).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from .._presentation import vshadow_text as text
from .._rules.writer_states import FAILED_STATES
from .._system import VssSystem
from .._vocabulary.enums import (
    GUID_NULL,
    VSS_BACKUP_TYPE,
    VSS_OBJECT_TYPE,
    VSS_SNAPSHOT_CONTEXT,
)
from .._vocabulary.error_base import VssError
from .._windows.backup_components import IVssBackupComponents
from .files import write_atomically
from .machine_state import machine_options, open_machine
from .tool_run import TOOL_CONTEXT, Stop, not_simulated, wait_and_check

__all__ = ["vshadow"]

CTX = VSS_SNAPSHOT_CONTEXT
_UNSIMULATED_FLAGS = [
    "nar",
    "tr",
    "ad",
    "ap",
    "scsf",
    "mask",
    "rw",
    "forcerevert",
    "norevert",
    "revertsig",
    "novolcheck",
    "wait",
    "tracing",
]
_UNSIMULATED_VALUES = [
    "t",
    "script",
    "exec",
    "i",
    "b",
    "bw",
    "bex",
    "el",
    "er",
    "revert",
    "addresync",
    "resync",
]
_UNSIMULATED_COMMANDS = ("wm2", "wm3", "isup")


def _flag(argument: str, name: str) -> bool:
    return argument[:1] in "-/" and argument[1:].lower() == name


def _value(argument: str, name: str) -> str | None:
    if argument[:1] not in "-/":
        return None
    key, equals, value = argument[1:].partition("=")
    if not equals or key.lower() != name or not value:
        return None
    if len(value) > 1 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value


def _guid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value.strip("{}"))
    except ValueError:
        raise Stop(-2147024809) from None  # E_INVALIDARG, as WString2Guid throws


class _Run:
    """One VShadow invocation: its flags, the machine, the lines printed so far."""

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self.persistent = False
        self.writers = True
        self.exclude: list[str] = []
        self.include: list[str] = []
        self.bc_file: str | None = None

    def say(self, *lines: str) -> None:
        click.echo(text.text(lines), nl=False)

    def context(self) -> int:
        """VShadow's UpdateFinalContext (docs/field-failures.md §A.6 V-1 row 1)."""
        if self.persistent:
            return int(CTX.VSS_CTX_APP_ROLLBACK if self.writers else CTX.VSS_CTX_NAS_ROLLBACK)
        return int(CTX.VSS_CTX_BACKUP if self.writers else CTX.VSS_CTX_FILE_SHARE_BACKUP)

    def open(self, bc: IVssBackupComponents, context: int) -> None:
        """VssClient::Initialize: InitializeForBackup, SetContext unless BACKUP, SetBackupState."""
        bc.InitializeForBackup()
        if context != int(CTX.VSS_CTX_BACKUP):
            self.say(text.context_line(context))
            bc.SetContext(context)
        bc.SetBackupState(True, True, VSS_BACKUP_TYPE.VSS_BT_FULL, False)

    def volume_name(self, guid_path: str) -> str:
        volume = next((v for v in self.system.volumes if v.guid_path == guid_path), None)
        return volume.name if volume is not None else guid_path

    def list_copies(self, bc: IVssBackupComponents, set_id: uuid.UUID | None) -> None:
        for prop in bc.Query():
            if set_id is None or prop.m_SnapshotSetId == set_id:
                snapshot = next(
                    s for s in self.system.shadow_copies() if s.snapshot_id == prop.m_SnapshotId
                )
                name = self.volume_name(prop.m_pwszOriginalVolumeName)
                self.say(*text.snapshot_block(prop, name, self.system.creation_time(snapshot)))

    def check_writers(self, bc: IVssBackupComponents, selected: set[uuid.UUID]) -> None:
        """CheckSelectedWriterStatus: a selected writer in a failed state stops with E_UNEXPECTED."""
        wait_and_check(bc.GatherWriterStatus())
        for index in range(bc.GetWriterStatusCount()):
            status = bc.GetWriterStatus(index)
            if status.instance_id in selected and status.state in FAILED_STATES:
                raise Stop(-2147418113)  # E_UNEXPECTED

    def create(self, volumes: Sequence[str]) -> None:
        """V-1: a shadow copy set on ``volumes`` (docs/field-failures.md §A.6)."""
        from fakes.vshadow import select_components

        self.say("(Option: Create shadow copy set)")
        system = self.system
        names = []
        for argument in volumes:
            volume = next(
                (
                    v
                    for v in system.volumes
                    if argument.lower().rstrip("\\") + "\\" in (v.name.lower(), v.guid_path.lower())
                ),
                None,
            )
            if volume is None:
                click.echo(f"vss-sim: {argument} is not a volume of this machine", err=True)
                raise click.exceptions.Exit(2)
            names.append(volume.name)
        with system.CreateVssBackupComponents() as bc:
            self.open(bc, self.context())
            selected: set[uuid.UUID] = set()
            chosen = []
            if self.writers:
                wait_and_check(bc.GatherWriterMetadata())
                chosen = select_components(system, bc, names, self.exclude)
                self._verify_included(chosen)
                selected = {w.instance_id for w in chosen if not w.excluded}
            set_id = bc.StartSnapshotSet()
            self.say(f"Creating shadow set {text.braced(set_id)} ...")
            for name in names:
                guid_path = next(v.guid_path for v in system.volumes if v.name == name)
                self.say(f"- Adding volume {guid_path} [{name}] to the shadow set...")
                bc.AddToSnapshotSet(name, GUID_NULL)
            if self.writers:
                wait_and_check(bc.PrepareForBackup())
                self.check_writers(bc, selected)
            self.say("Creating the shadow (DoSnapshotSet) ...")
            operation = bc.DoSnapshotSet()
            self.say("(Waiting for the asynchronous operation to finish...)")
            wait_and_check(operation)
            if self.writers:
                self.check_writers(bc, selected)
            self.say("Shadow copy set succesfully created.")
            if self.bc_file is not None:
                write_atomically(Path(self.bc_file), bc.SaveAsXML())
            self.say("", "List of created shadow copies:", "", "")
            self.say(
                f"Querying all shadow copies with the SnapshotSetID {text.braced(set_id)} ...", ""
            )
            self.list_copies(bc, set_id)
            if self.writers and bc.GetWriterComponentsCount() > 0:
                for writer in chosen:
                    for component in writer.components if not writer.excluded else ():
                        if component.explicit:
                            bc.SetBackupSucceeded(
                                writer.instance_id,
                                writer.writer_id,
                                component.type,
                                component.logical_path,
                                component.name,
                                True,
                            )
                wait_and_check(bc.BackupComplete())
                self.check_writers(bc, selected)
            self.say("", "Snapshot creation done.")

    def _verify_included(self, chosen: Sequence[Any]) -> None:
        """-wi: each named writer has all its components in; each named component is in,
        itself or through an ancestor; otherwise E_INVALIDARG (docs/field-failures.md §A.6 4f)."""
        for entry in self.include:
            name, colon, path = entry.partition(":")
            if not any(
                name.strip("{}").lower()
                in (writer.name.lower(), str(writer.writer_id), str(writer.instance_id))
                and not writer.excluded
                and (
                    not any(c.excluded for c in writer.components)
                    if not colon
                    else any(
                        not c.excluded
                        and (path.lower() + "\\").startswith(c.full_path.lower() + "\\")
                        for c in writer.components
                    )
                )
                for writer in chosen
            ):
                raise Stop(-2147024809)  # E_INVALIDARG

    def delete(self, targets: Sequence[tuple[uuid.UUID, VSS_OBJECT_TYPE]]) -> None:
        with self.system.CreateVssBackupComponents() as bc:
            self.open(bc, int(CTX.VSS_CTX_ALL))
            for target, kind in targets:
                bc.DeleteSnapshots(target, kind, False)

    def query(self, set_id: uuid.UUID | None, snapshot_id: uuid.UUID | None = None) -> None:
        with self.system.CreateVssBackupComponents() as bc:
            self.open(bc, int(CTX.VSS_CTX_ALL))
            if snapshot_id is not None:
                prop = bc.GetSnapshotProperties(snapshot_id)
                snapshot = next(
                    s for s in self.system.shadow_copies() if s.snapshot_id == snapshot_id
                )
                name = self.volume_name(prop.m_pwszOriginalVolumeName)
                self.say(*text.snapshot_block(prop, name, self.system.creation_time(snapshot)))
                return
            if set_id is not None:
                self.say(
                    "",
                    f"Querying all shadow copies with the SnapshotSetID {text.braced(set_id)} ...",
                    "",
                )
            self.list_copies(bc, set_id)

    def restore(self, path: str, simulate: bool) -> int:
        """V-2 (``-r=``) or V-3 (``-rs=``) from the document in ``path`` (docs/field-failures.md
        §A.6), as ``fakes.vshadow_restore`` makes it: the components of the writers backed up are
        selected, PreRestore, the files "restored" (nothing is copied), PostRestore. A file that
        cannot be read or is not a Backup Components Document is one line on stderr, exit 2."""
        from fakes import vshadow_restore

        if self.include:
            not_simulated("vshadow -wi with -r or -rs")
        try:
            document = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            click.echo(f"vss-sim: VShadow cannot read {path}: {reason}", err=True)
            return 2
        report = vshadow_restore(self.system, document, simulate=simulate, exclude=self.exclude)
        if report.error == "VSS_E_INVALID_XML_DOCUMENT":
            click.echo(
                f"vss-sim: VShadow stopped: {path} is not a Backup Components Document "
                "(InitializeForRestore: VSS_E_INVALID_XML_DOCUMENT)",
                err=True,
            )
            return 2
        if report.error is not None:
            click.echo(f"vss-sim: VShadow stopped: {report.error}", err=True)
            return 2
        return 0

    def writer_status(self, listing: bool) -> None:
        with self.system.CreateVssBackupComponents() as bc:
            self.open(bc, self.context())
            wait_and_check(bc.GatherWriterMetadata())
            if listing:
                wait_and_check(bc.GatherWriterStatus())
                statuses = [bc.GetWriterStatus(i) for i in range(bc.GetWriterStatusCount())]
                self.say(*text.writer_status_block(statuses))

    def main(self, arguments: Sequence[str]) -> int:
        """CommandLineParser::MainRoutine: flags, then the first command or the volume list."""
        system = self.system
        for index, argument in enumerate(arguments):
            if _flag(argument, "p"):
                self.say("(Option: Persistent shadow copy)")
                self.persistent = True
                continue
            if _flag(argument, "nw"):
                self.say("(Option: No-writers option detected)")
                self.writers = False
                continue
            if (value := _value(argument, "wx")) is not None:
                self.exclude.append(value)
                continue
            if (value := _value(argument, "wi")) is not None:
                self.include.append(value)
                continue
            if (value := _value(argument, "bc")) is not None:
                self.bc_file = value
                continue
            if any(_flag(argument, f) for f in _UNSIMULATED_FLAGS) or any(
                _value(argument, v) is not None for v in _UNSIMULATED_VALUES
            ):
                not_simulated(f"vshadow {argument.partition('=')[0]}")
            if _flag(argument, "?"):
                break
            if _flag(argument, "q"):
                self.query(None)
                return 0
            if (value := _value(argument, "qx")) is not None:
                self.query(_guid(value))
                return 0
            if (value := _value(argument, "s")) is not None:
                self.query(None, _guid(value))
                return 0
            if _flag(argument, "da"):
                sets = {
                    s.snapshot_id: VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT
                    for s in system.shadow_copies()
                }
                self.delete(list(sets.items()))
                return 0
            if (value := _value(argument, "dx")) is not None:
                self.delete([(_guid(value), VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET)])
                return 0
            if (value := _value(argument, "ds")) is not None:
                self.delete([(_guid(value), VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT)])
                return 0
            if (value := _value(argument, "do")) is not None:
                volume = next(
                    (
                        v
                        for v in system.volumes
                        if value.lower().rstrip("\\") + "\\" == v.name.lower()
                    ),
                    None,
                )
                copies = [
                    s for s in system.shadow_copies() if volume and s.original_volume == volume.name
                ]
                oldest = min(copies, key=lambda s: s.created_timestamp, default=None)
                self.delete(
                    [(oldest.snapshot_id, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT)] if oldest else []
                )
                return 0
            if (value := _value(argument, "r")) is not None:
                return self.restore(value, simulate=False)
            if (value := _value(argument, "rs")) is not None:
                return self.restore(value, simulate=True)
            if _flag(argument, "ws") or _flag(argument, "wm"):
                self.writer_status(listing=_flag(argument, "ws"))
                return 0
            if any(_flag(argument, c) for c in _UNSIMULATED_COMMANDS):
                not_simulated(f"vshadow {argument}")
            if _is_volume(argument):
                rest = arguments[index + 1 :]
                if not all(_is_volume(other) for other in rest):
                    bad = next(other for other in rest if not _is_volume(other))
                    self.say(*text.invalid_parameter(bad))
                    return 1
                self.create([argument, *rest])
                return 0
            self.say(*text.invalid_parameter(argument))
            return 1
        self.say(*text.USAGE)
        return 0


def _is_volume(argument: str) -> bool:
    """A drive (``C:``, ``C:\\``), a mount folder or a volume GUID path, as VShadow's IsVolume."""
    return argument[:1] not in "-/" and (
        (len(argument) >= 2 and argument[1] == ":") or argument.startswith("\\\\?\\Volume")
    )


@click.command(context_settings=TOOL_CONTEXT)
@machine_options
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def vshadow(
    state_path: Path | None, seed: int | None, sql_server: bool, arguments: tuple[str, ...]
) -> None:
    """VShadow (the VSS SDK's sample requester) on the saved machine: `vss-sim vshadow -p C:`."""
    with open_machine(state_path, seed, sql_server) as system:
        run = _Run(system)
        run.say(*text.BANNER)
        try:
            code = run.main(arguments)
        except Stop as stop:
            click.echo(f"vss-sim: VShadow stopped: {stop.name}", err=True)
            code = 2
        except VssError as exc:
            click.echo(f"vss-sim: VShadow stopped: {exc.name}: {exc}", err=True)
            code = 2
    raise click.exceptions.Exit(code)
