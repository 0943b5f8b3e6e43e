"""What ``vssadmin`` prints (docs/reference.md §10.1, §10.2), in the layout of the real captures.

Output is built from the simulated machine: 3-space field indents, single-quoted names, lower-case
braced GUIDs, a blank line between two items and none after the last (as every capture ends).
The "Waiting for responses" line docs/reference.md §10.1 marks [INF] is left out: no capture shows
it. A command vssadmin does not know gets its usage screen, as captured ("Error: Invalid command."
and the server SKU's command list). Lines end with ``\\n``, not the ``\\r\\n`` of a real console.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .._service.providers import SYSTEM_PROVIDER_ID, Snapshot
from .tool_words import (
    ATTRIBUTE_WORDS,
    PROVIDER_TYPES,
    braced,
    last_error,
    snapshot_type,
    state_label,
    us_time,
    volume_display,
)

if TYPE_CHECKING:
    from .._service.machine import Machine
    from .._service.records import WriterCore

__all__ = [
    "BANNER",
    "NO_ITEMS",
    "USAGE",
    "banner",
    "list_providers",
    "list_shadows",
    "list_writers",
    "system_copies",
    "vssadmin_banner",
]

BANNER = (
    "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool",
    "(C) Copyright 2001-2013 Microsoft Corp.",
    "",
)
NO_ITEMS = "No items found that satisfy the query."


def banner(machine: Machine) -> tuple[str, ...]:
    """vssadmin's banner; its copyright line follows the machine's Windows version (§10.1, §12)."""
    return (BANNER[0], machine.windows.vssadmin_copyright, "")


#: The usage screen for a command vssadmin rejects, as captured on a server SKU (vssadmin 10.0).
USAGE = (
    *BANNER,
    "Error: Invalid command.",
    " ",
    "---- Commands Supported ----",
    "",
    "Add ShadowStorage     - Add a new volume shadow copy storage association",
    "Create Shadow         - Create a new volume shadow copy",
    "Delete Shadows        - Delete volume shadow copies",
    "Delete ShadowStorage  - Delete volume shadow copy storage associations",
    "List Providers        - List registered volume shadow copy providers",
    "List Shadows          - List existing volume shadow copies",
    "List ShadowStorage    - List volume shadow copy storage associations",
    "List Volumes          - List volumes eligible for shadow copies",
    "List Writers          - List subscribed volume shadow copy writers",
    "Resize ShadowStorage  - Resize a volume shadow copy storage association",
    "Revert Shadow         - Revert a volume to a shadow copy",
    "Query Reverts         - Query the progress of in-progress revert operations.",
    "",
)


def _text(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def list_writers(machine: Machine, cores: Sequence[WriterCore]) -> str:
    """``vssadmin list writers``: each writer's state and error after its latest session."""
    blocks = [
        (
            f"Writer name: '{core.name}'",
            f"   Writer Id: {braced(core.writer_id)}",
            f"   Writer Instance Id: {braced(core.instance_id)}",
            f"   State: [{int(core.last_state)}] {state_label(core.last_state)}",
            f"   Last error: {last_error(core.last_failure)}",
        )
        for core in cores
    ]
    return _text(banner(machine)) + "\n".join(_text(block) for block in blocks)


def list_providers(machine: Machine) -> str:
    """``vssadmin list providers``."""
    blocks = [
        (
            f"Provider name: '{p.provider_name}'",
            f"   Provider type: {PROVIDER_TYPES.get(p.provider_type, 'Unknown')}",
            f"   Provider Id: {braced(p.provider_id)}",
            f"   Version: {p.provider_version}",
        )
        for p in machine.providers
    ]
    return _text(banner(machine)) + "\n".join(_text(block) for block in blocks)


def system_copies(
    machine: Machine, *, volume: str | None = None, shadow: uuid.UUID | None = None
) -> list[Snapshot]:
    """The system provider's copies, the only ones vssadmin manages (docs/reference.md §10.2),
    of ``volume`` (a name or GUID path) or the one ``shadow``, in creation order."""
    wanted = machine.find_volume(volume) if volume is not None else None
    return [
        s
        for s in machine.snapshots.values()
        if s.provider_id == SYSTEM_PROVIDER_ID
        and (wanted is None or s.original_volume == wanted.name)
        and (shadow is None or s.snapshot_id == shadow)
    ]


def list_shadows(machine: Machine, copies: Sequence[Snapshot]) -> str:
    """``vssadmin list shadows``: the copies grouped by set, "No items found" when none."""
    if not copies:
        return _text((*banner(machine), NO_ITEMS))
    sets: dict[uuid.UUID, list[Snapshot]] = {}
    for snapshot in copies:
        sets.setdefault(snapshot.snapshot_set_id, []).append(snapshot)
    provider = next(p for p in machine.providers if p.provider_id == SYSTEM_PROVIDER_ID)
    blocks = []
    for set_id, members in sets.items():
        when = us_time(machine.creation_time(members[0]))
        lines = [
            f"Contents of shadow copy set ID: {braced(set_id)}",
            f"   Contained {members[0].snapshots_count} shadow copies at creation time: {when}",
        ]
        for copy in members:
            words = [word for bit, word in ATTRIBUTE_WORDS if copy.attributes & bit]
            lines += [
                f"      Shadow Copy ID: {braced(copy.snapshot_id)}",
                f"         Original Volume: ({volume_display(copy.original_volume)})"
                f"{copy.volume_guid_path}",
                f"         Shadow Copy Volume: {copy.device}",
                f"         Originating Machine: {copy.machine}",
                f"         Service Machine: {copy.machine}",
                f"         Provider: '{provider.provider_name}'",
                f"         Type: {snapshot_type(copy.attributes)}",
                f"         Attributes: {', '.join(words)}",
            ]
        blocks.append(_text(lines))
    return _text(banner(machine)) + "\n".join(blocks)


def vssadmin_banner(machine: Machine) -> str:
    """vssadmin's first two lines, the copyright line following the Windows version (§10.1)."""
    return "".join(f"{line}\n" for line in banner(machine)[:2])
