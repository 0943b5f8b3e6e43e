"""``vss-sim vssadmin``: vssadmin's command line over the saved machine (docs/reference.md §10.1,
§10.2; the text is in ``simulator/_presentation/vssadmin_text.py``).

Simulated: ``list writers``, ``list shadows [/for= /shadow= /set=]``, ``list providers``,
``delete shadows /for= [/oldest] | /all | /shadow= [/quiet]`` and ``create shadow /for=``. The
machine is a server SKU, as the captured usage screen is ([INF], docs/design.md): ``create
shadow`` makes a ClientAccessibleWriters copy with the writers taking part ([INF]). A command
vssadmin rejects prints its usage screen and exits 1. The commands of the diff area (``list
shadowstorage`` and the others in ``UNSIMULATED``) are refused with a one-line "not simulated"
(exit 2). Delete and create print the banner only: no capture shows their other lines (the
question delete asks without /quiet, the count of deleted copies, the new copy's id).
"""

from __future__ import annotations

from pathlib import Path

import click

from .._presentation import tools, vssadmin_text
from .._service.providers import SYSTEM_PROVIDER_ID
from .._system import VssSystem
from .._vocabulary.enums import VSS_BACKUP_TYPE, VSS_OBJECT_TYPE, VSS_SNAPSHOT_CONTEXT
from .._vocabulary.error_base import VssError
from .machine_state import machine_options, open_machine
from .tool_run import TOOL_CONTEXT, Stop, not_simulated, wait_and_check

__all__ = ["vssadmin"]


def _volume(system: VssSystem, name: str) -> str:
    key = name.lower() + ("\\" if not name.endswith("\\") else "")
    for volume in system.volumes:
        if key in (volume.name.lower(), volume.guid_path.lower()):
            return volume.name
    click.echo(f"vss-sim: vssadmin: {name} is not a volume of this machine", err=True)
    raise click.exceptions.Exit(2)


def _delete(system: VssSystem, command: tools.VssadminCommand) -> None:
    volume = command.options.get("for")
    copies = [
        s
        for s in system.shadow_copies()
        if s.provider_id == SYSTEM_PROVIDER_ID
        and (volume is None or s.original_volume == _volume(system, volume))
        and ("shadow" not in command.options or s.snapshot_id == command.guid("shadow"))
    ]
    if "oldest" in command.options:
        copies = sorted(copies, key=lambda s: s.created_timestamp)[:1]
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(int(VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL))
        for copy in copies:
            bc.DeleteSnapshots(copy.snapshot_id, VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT, True)


def _create(system: VssSystem, volume: str) -> None:
    name = _volume(system, volume)
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(int(VSS_SNAPSHOT_CONTEXT.VSS_CTX_CLIENT_ACCESSIBLE_WRITERS))
        bc.SetBackupState(False, False, VSS_BACKUP_TYPE.VSS_BT_FULL, False)
        wait_and_check(bc.GatherWriterMetadata())
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet(name)
        wait_and_check(bc.PrepareForBackup())
        wait_and_check(bc.DoSnapshotSet())
        wait_and_check(bc.BackupComplete())


@click.command(context_settings=TOOL_CONTEXT)
@machine_options
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def vssadmin(state_path: Path | None, seed: int | None, arguments: tuple[str, ...]) -> None:
    """vssadmin on the saved machine: `vss-sim vssadmin list shadows`."""
    command = tools.parse_vssadmin(arguments)
    if command is None:
        click.echo("".join(f"{line}\n" for line in vssadmin_text.USAGE), nl=False)
        raise click.exceptions.Exit(1)
    if command.name in tools.UNSIMULATED:
        not_simulated(f"vssadmin {command.name} (the shadow copy storage area is not modelled)")
    with open_machine(state_path, seed) as system:
        if command.name.startswith("list "):
            click.echo(system.vssadmin(" ".join(arguments)), nl=False)
            return
        click.echo("".join(f"{line}\n" for line in vssadmin_text.BANNER), nl=False)
        try:
            if command.name == "delete shadows":
                _delete(system, command)
            else:
                _create(system, command.options["for"] or "")
        except Stop as stop:
            click.echo(f"vss-sim: vssadmin {command.name} failed: {stop.name}", err=True)
            raise click.exceptions.Exit(2) from None
        except VssError as exc:
            click.echo(f"vss-sim: vssadmin {command.name} failed: {exc.name}: {exc}", err=True)
            raise click.exceptions.Exit(2) from None
