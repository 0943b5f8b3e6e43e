"""The Windows tools, simulated: what ``vssadmin`` and ``diskshadow`` print (docs/reference.md §10).

Output is built from the simulated machine's state in the formats seen in real captures: 3-space
field indents, single-quoted names, lower-case braced GUIDs, a blank line after each item. Strings
tagged [INF] in docs/reference.md §10 (some state labels and last-error words, attribute words beyond the
five observed) are our choice. Lines end with ``\\n``, not the ``\\r\\n`` of a real console.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from .. import hresults as hr
from .._service.providers import SYSTEM_PROVIDER_ID, Snapshot
from .._vocabulary.enums import (
    VSS_PROVIDER_TYPE,
    VSS_SNAPSHOT_CONTEXT,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
    VSS_WRITER_STATE,
)

if TYPE_CHECKING:
    from .._service.coordinator import Coordinator
    from .._service.machine import Machine
    from .._service.records import WriterCore

__all__ = ["diskshadow", "vssadmin", "vssadmin_banner"]

VSSADMIN_BANNER = (
    "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
    "(C) Copyright 2001-2013 Microsoft Corp.\n"
)


def vssadmin_banner(machine: Machine) -> str:
    """vssadmin's first two lines; the copyright line follows the Windows version (§10.1, §12)."""
    return (
        "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n"
        f"{machine.windows.vssadmin_copyright}\n"
    )


WAITING = "Waiting for responses. These may be delayed if a shadow copy is being prepared.\n"
NO_ITEMS = "No items found that satisfy the query.\n"

WS = VSS_WRITER_STATE
#: vssadmin's label for each writer state (docs/reference.md §10.1; 0, 2, 3, 4, 6, 12–15 are [INF]).
STATE_LABELS = {
    WS.VSS_WS_UNKNOWN: "Unknown",
    WS.VSS_WS_STABLE: "Stable",
    WS.VSS_WS_WAITING_FOR_FREEZE: "Waiting for freeze",
    WS.VSS_WS_WAITING_FOR_THAW: "Waiting for thaw",
    WS.VSS_WS_WAITING_FOR_POST_SNAPSHOT: "Waiting for post snapshot",
    WS.VSS_WS_WAITING_FOR_BACKUP_COMPLETE: "Waiting for completion",
}
#: vssadmin's "Last error" words (docs/reference.md §10.1; OUTOFRESOURCES, NOT_RESPONDING are [INF]).
LAST_ERRORS = {
    hr.S_OK: "No error",
    hr.VSS_E_WRITERERROR_RETRYABLE: "Retryable error",
    hr.VSS_E_WRITERERROR_NONRETRYABLE: "Non-retryable error",
    hr.VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT: "Inconsistent shadow copy",
    hr.VSS_E_WRITERERROR_TIMEOUT: "Timed out",
    hr.VSS_E_WRITERERROR_OUTOFRESOURCES: "Out of resources",
    hr.VSS_E_WRITER_NOT_RESPONDING: "Not responding",
}
A = VSS_VOLUME_SNAPSHOT_ATTRIBUTES
#: Attribute words in the order vssadmin prints them (the first five [OBS], the rest [INF]).
ATTRIBUTE_WORDS = (
    (A.VSS_VOLSNAP_ATTR_PERSISTENT, "Persistent"),
    (A.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE, "Client-accessible"),
    (A.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE, "No auto release"),
    (A.VSS_VOLSNAP_ATTR_NO_WRITERS, "No writers"),
    (A.VSS_VOLSNAP_ATTR_TRANSPORTABLE, "Transportable"),
    (A.VSS_VOLSNAP_ATTR_NOT_SURFACED, "Not surfaced"),
    (A.VSS_VOLSNAP_ATTR_NOT_TRANSACTED, "Not transacted"),
    (A.VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED, "Hardware assisted"),
    (A.VSS_VOLSNAP_ATTR_DIFFERENTIAL, "Differential"),
    (A.VSS_VOLSNAP_ATTR_PLEX, "Plex"),
    (A.VSS_VOLSNAP_ATTR_IMPORTED, "Imported"),
    (A.VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "Exposed locally"),
    (A.VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY, "Exposed remotely"),
    (A.VSS_VOLSNAP_ATTR_AUTORECOVER, "Auto recovered"),
)
C = VSS_SNAPSHOT_CONTEXT
#: vssadmin's "Type:" per context (docs/reference.md §7.6; Backup, FileShareBackup, ClientAccessibleWriters [INF]).
TYPE_NAMES = {
    int(C.VSS_CTX_BACKUP): "Backup",
    int(C.VSS_CTX_FILE_SHARE_BACKUP): "FileShareBackup",
    int(C.VSS_CTX_NAS_ROLLBACK): "DataVolumeRollback",
    int(C.VSS_CTX_APP_ROLLBACK): "ApplicationRollback",
    int(C.VSS_CTX_CLIENT_ACCESSIBLE): "ClientAccessible",
    int(C.VSS_CTX_CLIENT_ACCESSIBLE_WRITERS): "ClientAccessibleWriters",
}
PROVIDER_TYPES = {
    VSS_PROVIDER_TYPE.VSS_PROV_SYSTEM: "System",
    VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE: "Software",
    VSS_PROVIDER_TYPE.VSS_PROV_HARDWARE: "Hardware",
    VSS_PROVIDER_TYPE.VSS_PROV_FILESHARE: "Fileshare",
}
_CONTEXT_BITS = int(
    A.VSS_VOLSNAP_ATTR_PERSISTENT
    | A.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE
    | A.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE
    | A.VSS_VOLSNAP_ATTR_NO_WRITERS
)


def _guid(value: uuid.UUID) -> str:
    return "{" + str(value) + "}"


def state_label(state: VSS_WRITER_STATE) -> str:
    """vssadmin's label for a writer state: every failed state is "Failed"."""
    return STATE_LABELS.get(state, "Failed")


def last_error(code: int) -> str:
    """vssadmin's "Last error" words for a writer failure code."""
    return LAST_ERRORS.get(code, "Unexpected error")


def _identified(coordinator: Coordinator) -> list[WriterCore]:
    """Gather writer metadata as a management tool does: Identify goes to every writer."""
    return coordinator.identify_writers()


def vssadmin(coordinator: Coordinator, command: str) -> str:
    """``vssadmin list writers | list shadows | list providers`` (docs/reference.md §10.1, §10.2)."""
    machine = coordinator.machine
    words = command.lower().split()
    if words == ["list", "writers"]:
        lines = [vssadmin_banner(machine), WAITING]
        for core in _identified(coordinator):
            lines.append(
                f"Writer name: '{core.name}'\n"
                f"   Writer Id: {_guid(core.writer_id)}\n"
                f"   Writer Instance Id: {_guid(core.instance_id)}\n"
                f"   State: [{int(core.last_state)}] {state_label(core.last_state)}\n"
                f"   Last error: {last_error(core.last_failure)}\n"
            )
        return "\n".join(lines) + "\n"
    if words == ["list", "shadows"]:
        return vssadmin_banner(machine) + "\n" + _shadows(machine)
    if words == ["list", "providers"]:
        items = [
            f"Provider name: '{p.provider_name}'\n"
            f"   Provider type: {PROVIDER_TYPES.get(p.provider_type, 'Unknown')}\n"
            f"   Provider Id: {_guid(p.provider_id)}\n"
            f"   Version: {p.provider_version}\n"
            for p in machine.providers
        ]
        return vssadmin_banner(machine) + "\n" + "\n".join(items) + "\n"
    raise ValueError(
        f"vssadmin {command!r} is not simulated; try 'list writers', 'list shadows' or "
        "'list providers'"
    )


def _shadows(machine: Machine) -> str:
    """vssadmin lists only the system provider's copies (docs/reference.md §10.2)."""
    sets: dict[uuid.UUID, list[Snapshot]] = {}
    for snapshot in machine.snapshots.values():
        if snapshot.provider_id == SYSTEM_PROVIDER_ID:
            sets.setdefault(snapshot.snapshot_set_id, []).append(snapshot)
    if not sets:
        return NO_ITEMS
    provider = next(p for p in machine.providers if p.provider_id == SYSTEM_PROVIDER_ID)
    blocks = []
    for set_id, copies in sets.items():
        when = _us_time(machine.creation_time(copies[0]))
        lines = [
            f"Contents of shadow copy set ID: {_guid(set_id)}",
            f"   Contained {copies[0].snapshots_count} shadow copies at creation time: {when}",
        ]
        for copy in copies:
            volume = (
                copy.original_volume.rstrip("\\")
                if len(copy.original_volume) == 3
                else copy.original_volume
            )
            words = [word for bit, word in ATTRIBUTE_WORDS if copy.attributes & bit]
            lines += [
                f"      Shadow Copy ID: {_guid(copy.snapshot_id)}",
                f"         Original Volume: ({volume}){copy.volume_guid_path}",
                f"         Shadow Copy Volume: {copy.device}",
                f"         Originating Machine: {copy.machine}",
                f"         Service Machine: {copy.machine}",
                f"         Provider: '{provider.provider_name}'",
                f"         Type: {TYPE_NAMES.get(copy.attributes & _CONTEXT_BITS, 'Backup')}",
                f"         Attributes: {', '.join(words)}",
            ]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks) + "\n"


def _us_time(moment: dt.datetime) -> str:
    """The en-US short date and long time vssadmin prints, e.g. 5/31/2022 1:45:05 PM."""
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return (
        f"{moment.month}/{moment.day}/{moment.year} "
        f"{hour}:{moment.minute:02d}:{moment.second:02d} {suffix}"
    )


def diskshadow(coordinator: Coordinator, command: str) -> str:
    """``diskshadow`` ``list writers status`` (docs/reference.md §10.3)."""
    words = command.lower().split()
    if words != ["list", "writers", "status"]:
        raise ValueError(f"diskshadow {command!r} is not simulated; try 'list writers status'")
    cores = _identified(coordinator)
    lines = ["Listing writer status ..."]
    for core in cores:
        lines += [
            f'* WRITER "{core.name}"',
            f"        - Status: {int(core.last_state)} ({core.last_state.name})",
            f"        - Writer Failure code: 0x{core.last_failure & 0xFFFFFFFF:08x} "
            f"({hr.name_of(core.last_failure)})",
            f"        - Writer ID: {_guid(core.writer_id)}",
            f"        - Instance ID: {_guid(core.instance_id)}",
        ]
    lines.append(f"{len(cores)} writers listed.")
    return "\n".join(lines) + "\n"
