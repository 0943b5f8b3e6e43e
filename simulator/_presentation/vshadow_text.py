"""What VShadow 3.0 prints (docs/field-failures.md §A.6 describes what it does), in the layout of
the real captures: the banner, the option lines, the creation steps, the shadow copy listing and
the usage screen.

Only lines that a capture shows are printed. Left out because no capture shows them: the option
lines of the commands other than ``-p``, ``-nw`` and creation; the writer steps of a creation with
writers (gathering metadata, component selection, PrepareForBackup, BackupComplete, and their
"Waiting" lines: one "Waiting" line is printed, after DoSnapshotSet, as captured); the header of
``-q``; the deletion lines of ``-da``, ``-ds`` and ``-do`` and the question ``-da`` asks; the
header of ``-ws`` and of ``-wm``, and ``-wm``'s listing; every line of a restore (``-r=``,
``-rs=``: its option line, the writer status listing, the selected components, the PreRestore
and PostRestore steps), which prints the banner only; error lines after a failed step. The
writer status block follows docs/reference.md §10.4.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from .. import hresults as hr
from .._service.providers import VSS_SNAPSHOT_PROP
from .._vocabulary.enums import VSS_VOLUME_SNAPSHOT_ATTRIBUTES
from .._windows.writer_status import VssWriterStatus
from .tool_words import braced, us_time

__all__ = [
    "BANNER",
    "USAGE",
    "attributes",
    "braced",
    "context_line",
    "invalid_parameter",
    "snapshot_block",
    "text",
    "writer_status_block",
]

BANNER = (
    "",
    "VSHADOW.EXE 3.0 - Volume Shadow Copy sample client.",
    "Copyright (C) 2005 Microsoft Corporation. All rights reserved.",
    "",
    "",
)

#: The usage screen as VShadow 3.0 prints it (``-?``, and after an invalid parameter).
USAGE = (
    "Usage:",
    "   VSHADOW [optional flags] [commands]",
    "",
    "List of optional flags:",
    "  -?                 - Displays the usage screen",
    "  -p                 - Manages persistent shadow copies",
    "  -nw                - Manages no-writer shadow copies",
    "  -nar               - Creates shadow copies with no auto-recovery",
    "  -tr                - Creates TxF-recovered shadow copies",
    "  -ad                - Creates differential HW shadow copies",
    "  -ap                - Creates plex HW shadow copies",
    "  -scsf              - Creates Shadow Copies for Shared Folders (Client Accessible)",
    "  -t={file.xml}      - Transportable shadow set. Generates also the backup components doc.",
    "  -bc={file.xml}     - Generates the backup components doc for non-transportable shadow set.",
    "  -wi={Writer Name}  - Verify that a writer/component is included",
    "  -wx={Writer Name}  - Exclude a writer/component from set creation or restore",
    "  -mask              - BreakSnapshotSetEx flag: Mask shadow copy luns from system on break.",
    "  -rw                - BreakSnapshotSetEx flag: Make shadow copy luns read-write on break.",
    "  -forcerevert       - BreakSnapshotSetEx flag: Complete operation only if all disk "
    "signatures revertable.",
    "  -norevert          - BreakSnapshotSetEx flag: Do not revert disk signatures.",
    "  -revertsig         - Revert to the original disk's signature during resync.",
    "  -novolcheck        - Ignore volume check during resync. Unselected volumes will be "
    "overwritten.",
    "  -script={file.cmd} - SETVAR script creation",
    "  -exec={command}    - Custom command executed after shadow creation, import or between "
    "break and make-it-write",
    "  -wait              - Wait before program termination or between shadow set break and "
    "make-it-write",
    "  -tracing           - Runs VSHADOW.EXE with enhanced diagnostics",
    "",
    "",
    "List of commands:",
    "  {volume list}                   - Creates a shadow set on these volumes",
    "  -ws                             - List writer status",
    "  -wm                             - List writer summary metadata",
    "  -wm2                            - List writer detailed metadata",
    "  -wm3                            - List writer detailed metadata in raw XML format",
    "  -q                              - List all shadow copies in the system",
    "  -qx={SnapSetID}                 - List all shadow copies in this set",
    "  -s={SnapID}                     - List the shadow copy with the given ID",
    "  -da                             - Deletes all shadow copies in the system",
    "  -do={volume}                    - Deletes the oldest shadow of the specified volume",
    "  -dx={SnapSetID}                 - Deletes all shadow copies in this set",
    "  -ds={SnapID}                    - Deletes this shadow copy",
    "  -i={file.xml}                   - Transportable shadow copy import",
    "  -b={SnapSetID}                  - Break the given shadow set into read-only volumes",
    "  -bw={SnapSetID}                 - Break the shadow set into writable volumes",
    "  -bex={SnapSetID}                - Break using BreakSnapshotSetEx and flags, see options "
    "for available flags",
    "  -el={SnapID},dir                - Expose the shadow copy as a mount point",
    "  -el={SnapID},drive              - Expose the shadow copy as a drive letter",
    "  -er={SnapID},share              - Expose the shadow copy as a network share",
    "  -er={SnapID},share,path         - Expose a child directory from the shadow copy as a share",
    "  -r={file.xml}                   - Restore based on a previously-generated Backup "
    "Components document",
    "  -rs={file.xml}                  - Simulated restore based on a previously-generated "
    "Backup Components doc",
    "  -revert={SnapID}                - Revert a volume to the specified shadow copy",
    "  -addresync={SnapID},drive       - Resync the given shadow copy to the specified volume",
    "  -addresync={SnapID}             - Resync the given shadow copy to it's original volume",
    "  -resync=bcd.xml                 - Perform Resync using the specified BCD",
    "",
    "",
    "Examples:",
    "",
    " - Non-persistent shadow copy creation on C: and E:",
    "     VSHADOW C: E:",
    "",
    " - Non-persistent shadow copy creation on a CSV named Volume1",
    "     VSHADOW C:\\ClusterStorage\\Volume1",
    "",
    " - Persistent shadow copy creation on C: (with no writers)",
    "     VSHADOW -p -nw C:",
    "",
    " - Transportable shadow copy creation on X:",
    "     VSHADOW -t=file1.xml X:",
    "",
    " - Transportable shadow copy import",
    "     VSHADOW -i=file1.xml",
    "",
    " - List all shadow copies in the system:",
    "     VSHADOW -q",
    "",
    "Please see the README.DOC file for more details.",
    "",
    "",
    "",
    "",
)

A = VSS_VOLUME_SNAPSHOT_ATTRIBUTES
#: The attribute words in VShadow's order; Auto_Release stands where No_Auto_Release is absent.
_ATTRIBUTE_WORDS = (
    (A.VSS_VOLSNAP_ATTR_TRANSPORTABLE, "Transportable"),
    (A.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE, "No_Auto_Release"),
    (A.VSS_VOLSNAP_ATTR_PERSISTENT, "Persistent"),
    (A.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE, "Client_accessible"),
    (A.VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED, "Hardware"),
    (A.VSS_VOLSNAP_ATTR_NO_WRITERS, "No_Writers"),
    (A.VSS_VOLSNAP_ATTR_IMPORTED, "Imported"),
    (A.VSS_VOLSNAP_ATTR_PLEX, "Plex"),
    (A.VSS_VOLSNAP_ATTR_DIFFERENTIAL, "Differential"),
)


def text(lines: Iterable[str]) -> str:
    """Lines as printed: each ends with a newline."""
    return "".join(f"{line}\n" for line in lines)


def invalid_parameter(argument: str) -> list[str]:
    """The error VShadow prints before its usage screen for an argument it does not know."""
    return ["", f"ERROR: invalid parameter '{argument}'", "", *USAGE]


def context_line(context: int) -> str:
    """VShadow sets a context other than VSS_CTX_BACKUP, and says so."""
    return f"- Setting the VSS context to: 0x{context & 0xFFFFFFFF:08x}"


def attributes(value: int) -> str:
    """VShadow's attribute words, each after a space (so the line has two after the colon)."""
    words = []
    for bit, word in _ATTRIBUTE_WORDS:
        if value & bit:
            words.append(word)
        elif bit == A.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE:
            words.append("Auto_Release")
    return "".join(f" {word}" for word in words)


def snapshot_block(prop: VSS_SNAPSHOT_PROP, volume_name: str, created: dt.datetime) -> list[str]:
    """One shadow copy as ``-q``, ``-qx`` and a creation list it, with the blank line after."""
    return [
        f"* SNAPSHOT ID = {braced(prop.m_SnapshotId)} ...",
        f"   - Shadow copy Set: {braced(prop.m_SnapshotSetId)}",
        f"   - Original count of shadow copies = {prop.m_lSnapshotsCount}",
        f"   - Original Volume name: {prop.m_pwszOriginalVolumeName} [{volume_name}]",
        f"   - Creation Time: {us_time(created)}",
        f"   - Shadow copy device name: {prop.m_pwszSnapshotDeviceObject}",
        f"   - Originating machine: {prop.m_pwszOriginatingMachine}",
        f"   - Service machine: {prop.m_pwszServiceMachine}",
        "   - Not Exposed",
        f"   - Provider id: {braced(prop.m_ProviderId)}",
        f"   - Attributes: {attributes(prop.m_lSnapshotAttributes)}",
        "",
    ]


def writer_status_block(statuses: Sequence[VssWriterStatus]) -> list[str]:
    """``-ws``: each writer's status in the shape of docs/reference.md §10.4."""
    lines = []
    for s in statuses:
        lines += [
            "",
            f'* WRITER "{s.writer_name}"',
            f"   - Status: {int(s.state)} ({s.state.name})",
            f"   - Writer Failure code: 0x{s.hr_failure & 0xFFFFFFFF:08x} "
            f"({hr.name_of(s.hr_failure)})",
            f"   - Writer ID: {braced(s.writer_id)}",
            f"   - Instance ID: {braced(s.instance_id)}",
        ]
    return lines
