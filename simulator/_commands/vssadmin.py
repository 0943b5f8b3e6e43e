"""``vss-sim vssadmin``: vssadmin's command line over the saved machine (docs/reference.md §10.1,
§10.2; the text is in ``simulator/_presentation/vssadmin_text.py``).

Simulated: ``list writers``, ``list shadows [/for= /shadow= /set=]``, ``list providers``,
``delete shadows /for= [/oldest] | /all | /shadow= [/quiet]``, ``create shadow /for=``, and the
diff area's ``list shadowstorage [/for= | /on=]``, ``add shadowstorage``, ``resize
shadowstorage /for= /on= [/maxsize=]`` and ``delete shadowstorage /for= [/on=] [/quiet]``
(docs/reference.md §10.5; their syntax is in ``simulator/_presentation/shadow_storage.py``). The machine is a server SKU, as the captured
usage screen is ([INF], docs/design.md): ``create shadow`` makes a ClientAccessibleWriters copy
with the writers taking part ([INF]). A command vssadmin rejects prints its usage screen and
exits 1. ``list volumes``, ``revert shadow`` and ``query reverts`` are refused with a one-line
"not simulated" (exit 2). Delete and create print the banner only: no
capture shows their other lines (the question delete asks without /quiet, the count of deleted
copies, the new copy's id).

The shadowstorage commands (docs/reference.md §10.5): ``resize`` sets the maximum of the
association of /for on /on, made on first use as the system provider makes it at a volume's
first copy ([INF]), and lowering it deletes the copies that no longer fit, oldest first; an
association of /for on another volume is VSS_E_OBJECT_NOT_FOUND (ChangeDiffAreaMaximumSize).
``add`` makes the association; /for having one already is VSS_E_OBJECT_ALREADY_EXISTS
(AddDiffArea), one association per volume as the model keeps them ([INF]). A MaxSizeSpec below
1 MB is refused, as documented ("The MaxSizeSpec value must be 1 MB or greater"), and ``add``
also refuses one below the smallest diff area of the Windows version (§6; AddDiffArea: "at least
320 MB"). ``delete`` removes the association of /for (it must be on /on when /on is given)
and deletes the copies of /for whose data it held ([INF], docs/design.md); /for without one is
VSS_E_OBJECT_NOT_FOUND. /quiet changes nothing, as no question is asked ([INF], as for delete
shadows). The success lines of add and resize are the documented ones (§10.5); delete prints
the banner only, as no capture or page shows its line. No capture or page shows vssadmin's own
error lines for these refusals, so they are left out: vss-sim says what was refused in one line
on stderr, after the banner, and exits 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from .._presentation import shadow_storage, tools, vssadmin_text
from .._rules.limits import SMALL_VOLUME_BYTES
from .._service.providers import SYSTEM_PROVIDER_ID
from .._system import VssSystem
from .._vocabulary.enums import VSS_BACKUP_TYPE, VSS_OBJECT_TYPE, VSS_SNAPSHOT_CONTEXT
from .._vocabulary.error_base import VssError
from .._vocabulary.errors import VssInvalidArg, VssObjectAlreadyExists, VssObjectNotFound
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


def _storage(system: VssSystem, command: shadow_storage.ShadowStorageCommand) -> None:
    """``add``, ``resize`` or ``delete shadowstorage`` (the module docstring)."""
    volume = _volume(system, command.for_volume or "")
    if command.name == "delete shadowstorage":
        on = None if command.on_volume is None else _volume(system, command.on_volume)
        system.delete_shadow_storage(volume, on)
        return
    storage = _volume(system, command.on_volume or "")
    size = next(v.size_bytes for v in system.volumes if v.name == storage)
    maximum = shadow_storage.max_size_bytes(command.max_size, size)
    if maximum is not None and maximum < shadow_storage.MIN_MAX_SIZE:
        raise VssInvalidArg(
            f"/MaxSize={command.max_size} is {maximum} bytes: the MaxSizeSpec value must be 1 MB "
            "or greater (vssadmin's documentation)"
        )
    existing = {v.name: s.name for v, s, _ in system.shadow_storage_associations()}
    if command.name == "add shadowstorage":
        if volume in existing:
            raise VssObjectAlreadyExists(
                f"{volume} has a shadow copy storage association already, on {existing[volume]}: "
                "change its maximum with resize shadowstorage"
            )
        small = next(v.size_bytes for v in system.volumes if v.name == volume) < SMALL_VOLUME_BYTES
        smallest = (
            system.windows.min_diff_area_small if small else system.windows.min_diff_area_large
        )
        if maximum is not None and maximum < smallest:
            raise VssInvalidArg(
                f"/MaxSize={command.max_size} is {maximum} bytes, less than the smallest diff area "
                f"of {volume} ({shadow_storage.format_size(smallest)} on this Windows version)"
            )
    elif existing.get(volume, storage) != storage:
        raise VssObjectNotFound(
            f"{volume} has no shadow copy storage association on {storage}; its association is "
            f"on {existing[volume]}"
        )
    system.resize_shadow_storage(volume, maximum, storage)


def _shadow_storage(system: VssSystem, words: tuple[str, ...]) -> None:
    """The shadowstorage commands: the usage screen for a line vssadmin rejects, else the
    listing or the change and its line."""
    command = shadow_storage.parse_shadow_storage(words)
    if command is None:
        click.echo("".join(f"{line}\n" for line in vssadmin_text.USAGE), nl=False)
        raise click.exceptions.Exit(1)
    if command.name == "list shadowstorage":
        for name in (command.for_volume, command.on_volume):
            if name is not None:
                _volume(system, name)
        click.echo(system.shadow_storage_text(" ".join(words)), nl=False)
        return
    try:
        _storage(system, command)
    except VssError as exc:
        banner = (vssadmin_text.BANNER[0], system.windows.vssadmin_copyright, "")
        click.echo("".join(f"{line}\n" for line in banner), nl=False)
        click.echo(f"vss-sim: vssadmin {command.name} failed: {exc}", err=True)
        raise click.exceptions.Exit(2) from None
    click.echo(system.shadow_storage_text(command.name), nl=False)


@click.command(context_settings=TOOL_CONTEXT)
@machine_options
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def vssadmin(
    state_path: Path | None, seed: int | None, sql_server: bool, arguments: tuple[str, ...]
) -> None:
    """vssadmin on the saved machine: `vss-sim vssadmin list shadows`."""
    command = tools.parse_vssadmin(arguments)
    if command is None:
        click.echo("".join(f"{line}\n" for line in vssadmin_text.USAGE), nl=False)
        raise click.exceptions.Exit(1)
    if command.name in shadow_storage.COMMANDS:
        with open_machine(state_path, seed, sql_server) as system:
            _shadow_storage(system, arguments)
        return
    if command.name in tools.UNSIMULATED:
        not_simulated(f"vssadmin {command.name}")
    with open_machine(state_path, seed, sql_server) as system:
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
