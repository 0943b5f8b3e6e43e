"""What ``diskshadow`` prints (docs/reference.md §10.3), in the layout of the real captures.

Every line here is in a capture or in the published samples docs/reference.md §10.3 quotes. Where
a capture stops, the output stops too: a shadow copy's block ends at "Originating machine" (the
captured ``create`` output is cut there); ``list writers`` (metadata) prints a component's name
and no further fields (the rest are [INF] in §10.3); ``list shadows all`` prints the blocks
without a header or a count line and nothing at all when there is no copy (no capture shows
those lines); ``create`` prints no "Inserted file ... into .cab" lines (no metadata cab is made).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from .. import hresults as hr
from .._service.providers import SYSTEM_PROVIDER_ID, Snapshot
from .tool_words import braced, us_time

if TYPE_CHECKING:
    from .._service.machine import Machine
    from .._service.records import WriterCore

__all__ = [
    "SYSTEM_PROVIDER_CLSID",
    "banner",
    "create_failed",
    "created",
    "providers",
    "shadows",
    "writer_metadata",
    "writer_status",
]

#: The system provider's COM class, as ``list providers`` prints it (docs/reference.md §10.3).
SYSTEM_PROVIDER_CLSID = uuid.UUID("65ee1dba-8ff4-4a58-ac1c-3470ee2f376a")
_FIELD = " " * 8
_SUBFIELD = " " * 16


def _text(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def banner(machine_name: str, now: dt.datetime) -> str:
    """The three banner lines and the blank line after them."""
    return _text(
        (
            "Microsoft DiskShadow version 1.0",
            "Copyright (C) 2013 Microsoft Corporation",
            f"On computer:  {machine_name},  {us_time(now)}",
            "",
        )
    )


def writer_status(cores: Sequence[WriterCore]) -> str:
    """``list writers status``: identity and last state of each writer."""
    lines = ["Listing writer status ..."]
    for core in cores:
        lines += [
            f'* WRITER "{core.name}"',
            f"{_FIELD}- Status: {int(core.last_state)} ({core.last_state.name})",
            f"{_FIELD}- Writer Failure code: 0x{core.last_failure & 0xFFFFFFFF:08x} "
            f"({hr.name_of(core.last_failure)})",
            f"{_FIELD}- Writer ID: {braced(core.writer_id)}",
            f"{_FIELD}- Instance ID: {braced(core.instance_id)}",
        ]
    lines.append(f"{len(cores)} writers listed.")
    return _text(lines)


def writer_metadata(cores: Sequence[WriterCore]) -> str:
    """``list writers [metadata|detailed]``: identity, restore method, components' names."""
    lines = []
    for core in cores:
        metadata = core.last_metadata
        method = metadata.restore_method if metadata is not None else None
        supports = method is not None and method.writer_restore.name != "VSS_WRE_NEVER"
        lines += [
            f'{_FIELD}* WRITER "{core.name}"',
            f"{_SUBFIELD}- Writer ID   = {braced(core.writer_id)}",
            f"{_SUBFIELD}- Writer instance ID = {braced(core.instance_id)}",
            f"{_SUBFIELD}- Supports restore events = {'TRUE' if supports else 'FALSE'}",
            f"{_SUBFIELD}- Writer restore conditions = "
            f"{method.writer_restore.name if method else 'VSS_WRE_UNDEFINED'}",
            f"{_SUBFIELD}- Restore method = {method.method.name if method else 'VSS_RME_UNDEFINED'}",
            f"{_SUBFIELD}- Requires reboot after restore = "
            f"{'TRUE' if method is not None and method.reboot_required else 'FALSE'}",
            f"{_SUBFIELD}- Excluded files:",
        ]
        for component in metadata.components if metadata is not None else ():
            path = f"{component.logical_path}\\" if component.logical_path else ""
            lines += [
                f'{_SUBFIELD}+ Component "{core.name}:\\{path}{component.component_name}"',
                f"{_SUBFIELD}{_FIELD}- Name: {component.component_name}",
            ]
    return _text(lines)


def providers(machine: Machine) -> str:
    """``list providers``; the CLSID line only for the system provider, whose CLSID is known."""
    lines = []
    for p in machine.providers:
        lines += [
            f"* ProviderID: {braced(p.provider_id)}",
            f"{_FIELD}Type: [{int(p.provider_type)}] {p.provider_type.name}",
            f"{_FIELD}Name: {p.provider_name}",
            f"{_FIELD}Version: {p.provider_version}",
        ]
        if p.provider_id == SYSTEM_PROVIDER_ID:
            lines.append(f"{_FIELD}CLSID: {braced(SYSTEM_PROVIDER_CLSID)}")
    count = len(machine.providers)
    lines.append(f"{count} provider{'' if count == 1 else 's'} registered.")
    return _text(lines)


def _block(
    copy: Snapshot,
    display: str,
    created: dt.datetime,
    alias: str | None = None,
    set_alias: str | None = None,
) -> list[str]:
    id_line = f"{_FIELD}* Shadow copy ID = {braced(copy.snapshot_id)}"
    set_line = f"{_SUBFIELD}- Shadow copy set: {braced(copy.snapshot_set_id)}"
    return [
        id_line + (f"{' ' * 15}%{alias}%" if alias else ""),
        set_line + (f"{' ' * 7}%{set_alias}%" if set_alias else ""),
        f"{_SUBFIELD}- Original count of shadow copies = {copy.snapshots_count}",
        f"{_SUBFIELD}- Original volume name: {copy.volume_guid_path} [{display}]",
        f"{_SUBFIELD}- Creation time: {us_time(created)}",
        f"{_SUBFIELD}- Shadow copy device name: {copy.device}",
        f"{_SUBFIELD}- Originating machine: {copy.machine}",
    ]


def shadows(machine: Machine, copies: Sequence[Snapshot]) -> str:
    """``list shadows all``: one block per copy."""
    return _text(
        line
        for copy in copies
        for line in _block(copy, copy.original_volume, machine.creation_time(copy))
    )


def created(
    set_id: uuid.UUID,
    copies: Sequence[tuple[Snapshot, dt.datetime]],
    aliases: Mapping[uuid.UUID, str],
) -> str:
    """What ``create`` prints once the set exists: the aliases, then the set's copies (each
    with its creation time)."""
    lines = [
        f"Alias {aliases[c.snapshot_id]} for shadow ID {braced(c.snapshot_id)} set as environment "
        "variable."
        for c, _ in copies
    ]
    lines += [
        f"Alias VSS_SHADOW_SET for shadow set ID {braced(set_id)} set as environment variable.",
        "",
        f"Querying all shadow copies with the shadow copy set ID {braced(set_id)}",
        "",
    ]
    for copy, when in copies:
        lines += _block(
            copy, copy.original_volume, when, aliases[copy.snapshot_id], "VSS_SHADOW_SET"
        )
    return _text(lines)


def create_failed(code: int) -> str:
    """What ``create`` prints when the set could not be made (a blank line first, as captured)."""
    return _text(
        (
            "",
            "The last operation failed.",
            f"{_FIELD}- Returned HRESULT: {code & 0xFFFFFFFF:08X}",
            f"{_FIELD}- Error text: {hr.name_of(code)}",
        )
    )
