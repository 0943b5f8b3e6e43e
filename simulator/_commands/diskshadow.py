"""``vss-sim diskshadow``: diskshadow over the saved machine, interactive (commands read from
standard input, each echoed after the ``DISKSHADOW>`` prompt) or with a script (``/s FILE``, each
line echoed after ``->``), as the captures show (docs/reference.md §10.3; the text is in
``simulator/_presentation/diskshadow_text.py``).

Simulated: ``set context persistent|volatile [nowriters]|clientaccessible``, ``set verbose
on|off``, ``add volume X: [alias NAME]``, ``begin backup``, ``create``, ``end backup``, ``delete
shadows all|volume X:|oldest X:|set ID|id ID``, ``list writers [status|metadata|detailed]``,
``list providers``, ``list shadows all``, ``reset``, ``exit``, and ``#`` comments. ``create``
backs up with writers unless the context says nowriters, selecting components by volume as
VShadow does; the backup is completed by ``end backup`` and released at ``exit`` (then volatile
copies go away). Another command stops the run with a one-line "not simulated" or "bad syntax"
(exit 1): no capture shows diskshadow's own error text. A ``create`` that fails prints the
captured "The last operation failed." lines; a script stops there (exit 1), an interactive
session goes on.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from .._presentation import diskshadow_text as text
from .._system import VssSystem
from .._vocabulary.enums import GUID_NULL, VSS_BACKUP_TYPE, VSS_OBJECT_TYPE, VSS_SNAPSHOT_CONTEXT
from .._vocabulary.error_base import VssError
from .._windows.backup_components import IVssBackupComponents
from .machine_state import machine_options, open_machine
from .tool_run import TOOL_CONTEXT, Stop, wait_and_check

__all__ = ["diskshadow"]

CTX = VSS_SNAPSHOT_CONTEXT
_CONTEXTS = {
    ("persistent",): int(CTX.VSS_CTX_APP_ROLLBACK),
    ("persistent", "nowriters"): int(CTX.VSS_CTX_NAS_ROLLBACK),
    ("volatile",): int(CTX.VSS_CTX_BACKUP),
    ("volatile", "nowriters"): int(CTX.VSS_CTX_FILE_SHARE_BACKUP),
    ("clientaccessible",): int(CTX.VSS_CTX_CLIENT_ACCESSIBLE),
}
_NO_WRITERS = 0x10


class _Refused(Exception):
    """A command the simulator does not run; the message says why."""


class _Session:
    """One diskshadow run: context, the volumes added, the backup in progress."""

    def __init__(self, system: VssSystem) -> None:
        self.system = system
        self.context = int(CTX.VSS_CTX_BACKUP)
        self.volumes: list[tuple[str, str | None]] = []
        self.bc: IVssBackupComponents | None = None
        self.chosen: list[Any] = []

    def now(self) -> dt.datetime:
        return self.system.start_time + dt.timedelta(microseconds=self.system.clock.ticks)

    def run(self, line: str) -> bool:
        """Run one command; False when it was ``exit``."""
        words = line.split()
        lower = [w.lower() for w in words]
        if not words or words[0].startswith("#"):
            return True
        if lower == ["exit"]:
            return False
        if lower[:2] == ["set", "context"] and tuple(lower[2:]) in _CONTEXTS:
            self.context = _CONTEXTS[tuple(lower[2:])]
        elif lower[:2] == ["set", "verbose"] and lower[2:] in (["on"], ["off"]):
            pass
        elif lower[:2] == ["add", "volume"] and len(words) in (3, 5):
            if len(words) == 5 and lower[3] != "alias":
                raise _Refused(f"bad syntax: {line.strip()!r}")
            self.volumes.append((self._volume(words[2]), words[4] if len(words) == 5 else None))
        elif lower in (["begin", "backup"], ["reset"]):
            if lower == ["reset"]:
                self.release()
                self.context, self.volumes = int(CTX.VSS_CTX_BACKUP), []
        elif lower == ["create"]:
            self.create()
        elif lower == ["end", "backup"]:
            self.end_backup()
        elif lower[:2] == ["delete", "shadows"]:
            self.delete(lower[2:], words[2:])
        elif lower[:1] == ["list"]:
            try:
                click.echo(self.system.diskshadow(" ".join(lower)), nl=False)
            except ValueError:
                raise _Refused(f"diskshadow {line.strip()!r}") from None
        else:
            raise _Refused(f"diskshadow {line.strip()!r}")
        return True

    def _volume(self, name: str) -> str:
        key = name.lower().rstrip("\\") + "\\"
        for volume in self.system.volumes:
            if key in (volume.name.lower(), volume.guid_path.lower()):
                return volume.name
        raise _Refused(f"volume {name} (not a volume of this machine)")

    def create(self) -> None:
        from fakes.vshadow import select_components

        if not self.volumes:
            raise _Refused("create with no volume added")
        self.release()
        system = self.system
        self.bc = bc = system.CreateVssBackupComponents()
        writers = not self.context & _NO_WRITERS
        bc.InitializeForBackup()
        if self.context != int(CTX.VSS_CTX_BACKUP):
            bc.SetContext(self.context)
        bc.SetBackupState(True, False, VSS_BACKUP_TYPE.VSS_BT_FULL, False)
        names = [name for name, _ in self.volumes]
        if writers:
            wait_and_check(bc.GatherWriterMetadata())
            self.chosen = select_components(system, bc, names, ())
        set_id = bc.StartSnapshotSet()
        ids: list[uuid.UUID] = []
        aliases: dict[uuid.UUID, str] = {}
        for number, (name, alias) in enumerate(self.volumes, 1):
            snapshot_id = bc.AddToSnapshotSet(name, GUID_NULL)
            ids.append(snapshot_id)
            aliases[snapshot_id] = alias or f"VSS_SHADOW_{number}"
        if writers:
            wait_and_check(bc.PrepareForBackup())
        wait_and_check(bc.DoSnapshotSet())
        copies = [
            (s, system.creation_time(s)) for s in system.shadow_copies() if s.snapshot_id in ids
        ]
        click.echo(text.created(set_id, copies, aliases), nl=False)

    def end_backup(self) -> None:
        bc = self.bc
        if bc is None or bc.GetWriterComponentsCount() == 0:
            return
        for writer in self.chosen:
            for component in () if writer.excluded else writer.components:
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

    def delete(self, lower: list[str], words: list[str]) -> None:
        copies = self.system.shadow_copies()
        if lower == ["all"]:
            targets = copies
        elif len(lower) == 2 and lower[0] in ("volume", "oldest"):
            name = self._volume(words[1])
            targets = [s for s in copies if s.original_volume == name]
            if lower[0] == "oldest":
                targets = sorted(targets, key=lambda s: s.created_timestamp)[:1]
        elif len(lower) == 2 and lower[0] in ("set", "id"):
            try:
                wanted = uuid.UUID(lower[1].strip("{}"))
            except ValueError:
                raise _Refused(f"bad syntax: {' '.join(words)!r} is not a GUID") from None
            key = "snapshot_set_id" if lower[0] == "set" else "snapshot_id"
            targets = [s for s in copies if getattr(s, key) == wanted]
        else:
            raise _Refused(f"delete shadows {' '.join(words)}")
        with self.system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetContext(int(CTX.VSS_CTX_ALL))
            for copy in targets:
                bc.DeleteSnapshots(copy.snapshot_id, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT, True)

    def release(self) -> None:
        if self.bc is not None:
            self.bc.Release()
            self.bc = None


def _run(system: VssSystem, lines: Iterable[str], *, script: bool) -> int:
    session = _Session(system)
    click.echo(text.banner(system.machine_name, session.now()), nl=False)
    code = 0
    try:
        for raw in lines:
            line = raw.rstrip("\r\n")
            if script and not line.strip():
                continue
            click.echo(f"-> {line}" if script else f"\nDISKSHADOW> {line}")
            try:
                if not session.run(line):
                    break
            except (Stop, VssError) as exc:
                failure = exc.code if isinstance(exc, Stop) else exc.hresult
                if session.bc is not None:
                    session.release()
                click.echo(text.create_failed(failure), nl=False)
                if script:
                    return 1
                code = 1
            except _Refused as refused:
                click.echo(f"vss-sim: {refused} is not simulated", err=True)
                return 1
    finally:
        session.release()
    return code


@click.command(context_settings=TOOL_CONTEXT)
@machine_options
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def diskshadow(
    state_path: Path | None, seed: int | None, sql_server: bool, arguments: tuple[str, ...]
) -> None:
    """diskshadow on the saved machine: `vss-sim diskshadow /s script.txt`, or commands on stdin."""
    if arguments and (len(arguments) != 2 or arguments[0].lower() not in ("/s", "-s")):
        click.echo(
            f"vss-sim: diskshadow {' '.join(arguments)} is not simulated (try /s SCRIPT)", err=True
        )
        raise click.exceptions.Exit(1)
    lines: Iterable[str]
    if arguments:
        try:
            lines = Path(arguments[1]).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"cannot read script {arguments[1]}: {exc}") from None
    else:
        lines = sys.stdin
    with open_machine(state_path, seed, sql_server) as system:
        code = _run(system, lines, script=bool(arguments))
    raise click.exceptions.Exit(code)
