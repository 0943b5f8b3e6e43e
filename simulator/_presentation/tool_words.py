"""Words and formats the Windows tools share (docs/reference.md §10): state labels, last-error
words, attribute words, snapshot types, provider types, braced GUIDs and the en-US date.

Strings tagged [INF] in docs/reference.md §10 (some state labels and last-error words, attribute
words beyond the five observed) are our choice.
"""

from __future__ import annotations

import datetime as dt
import uuid

from .. import hresults as hr
from .._vocabulary.enums import (
    VSS_PROVIDER_TYPE,
    VSS_SNAPSHOT_CONTEXT,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
    VSS_WRITER_STATE,
)

__all__ = [
    "ATTRIBUTE_WORDS",
    "LAST_ERRORS",
    "PROVIDER_TYPES",
    "STATE_LABELS",
    "TYPE_NAMES",
    "braced",
    "last_error",
    "snapshot_type",
    "state_label",
    "us_time",
    "volume_display",
]

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


def braced(value: uuid.UUID) -> str:
    """A GUID as the tools print it: lower case, in braces."""
    return "{" + str(value) + "}"


def state_label(state: VSS_WRITER_STATE) -> str:
    """vssadmin's label for a writer state: every failed state is "Failed"."""
    return STATE_LABELS.get(state, "Failed")


def last_error(code: int) -> str:
    """vssadmin's "Last error" words for a writer failure code."""
    return LAST_ERRORS.get(code, "Unexpected error")


def snapshot_type(attributes: int) -> str:
    """vssadmin's "Type:" of a copy with these attributes."""
    return TYPE_NAMES.get(attributes & _CONTEXT_BITS, "Backup")


def volume_display(name: str) -> str:
    """A volume as vssadmin names it in parentheses: ``C:`` for ``C:\\``, a mount path as is."""
    return name.rstrip("\\") if len(name) == 3 and name[1] == ":" else name


def us_time(moment: dt.datetime) -> str:
    """The en-US short date and long time the tools print, e.g. 5/31/2022 1:45:05 PM."""
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return (
        f"{moment.month}/{moment.day}/{moment.year} "
        f"{hour}:{moment.minute:02d}:{moment.second:02d} {suffix}"
    )
