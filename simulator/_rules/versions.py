"""What differs between the Windows versions the machine models: one table, a row per version
(docs/reference.md §12).

``VssSystem(windows="2008 R2")`` picks a row of ``WINDOWS_VERSIONS``; the default is the newest,
``DEFAULT_WINDOWS``. Everything version-dependent reads its row: the code for an unexpected error,
which requester methods exist, how a writer's session slot is freed, what Wait accepts, how many
restores run beside backups, the smallest diff area, vssadmin's copyright line, and whether
creation freezes the transaction managers.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from .. import hresults as hr

__all__ = [
    "DEFAULT_WINDOWS",
    "METHOD_INTRODUCED",
    "VERSION_ORDER",
    "WINDOWS_VERSIONS",
    "WindowsVersion",
    "has_method",
    "windows_version",
]

_MB: Final = 1024 * 1024


@attrs.frozen
class WindowsVersion:
    """One row: the documented behaviour of one Windows Server version."""

    #: the name ``VssSystem(windows=...)`` takes
    name: str
    #: what VSS reports for an unexpected error: E_UNEXPECTED before 2008 R2 (§5)
    unexpected_code: int
    #: a writer's session slot is freed only by GatherWriterStatus after BackupComplete
    #: (2008 SP2 and earlier, §8); later versions free it when BackupComplete ends as well
    slot_needs_gather_status: bool
    #: IVssAsync::Wait takes only INFINITE (Server 2003, §3.4)
    wait_infinite_only: bool
    #: one instance of a multi-instance writer class gets the restore events (Server 2003, §4.4)
    one_restore_instance_per_class: bool
    #: restore sessions that may run beside backups (§6, §8)
    concurrent_restores: int
    #: the smallest diff area for a volume under 500 MB and for a larger one (§6)
    min_diff_area_small: int
    min_diff_area_large: int
    #: a transportable set may be imported more than once (from 2008 on, §6)
    multiple_imports: bool
    #: the copyright line vssadmin prints (§10.1)
    vssadmin_copyright: str
    #: creation freezes and thaws the transaction managers (KTM, DTC): from 2008 on (§5 on
    #: VSS_E_TRANSACTION_FREEZE_TIMEOUT / _THAW_TIMEOUT, §12)
    transaction_managers: bool = True


#: The versions in release order; ``windows=`` takes these names.
VERSION_ORDER: tuple[str, ...] = (
    "2003",
    "2008",
    "2008 R2",
    "2012",
    "2012 R2",
    "2016",
    "2019",
    "2022",
)

_2013 = "(C) Copyright 2001-2013 Microsoft Corp."


def _row(name: str, **fields: object) -> WindowsVersion:
    return WindowsVersion(name=name, **fields)  # type: ignore[arg-type]


#: version name -> its row (§12).
WINDOWS_VERSIONS: Mapping[str, WindowsVersion] = MappingProxyType(
    {
        "2003": _row(
            "2003",
            unexpected_code=hr.E_UNEXPECTED,
            slot_needs_gather_status=True,
            wait_infinite_only=True,
            one_restore_instance_per_class=True,
            concurrent_restores=1,
            min_diff_area_small=100 * _MB,
            min_diff_area_large=100 * _MB,
            multiple_imports=False,
            vssadmin_copyright="(C) Copyright 2001 Microsoft Corp.",
            transaction_managers=False,
        ),
        "2008": _row(
            "2008",
            unexpected_code=hr.E_UNEXPECTED,
            slot_needs_gather_status=True,
            wait_infinite_only=False,
            one_restore_instance_per_class=False,
            concurrent_restores=1,
            min_diff_area_small=300 * _MB,
            min_diff_area_large=300 * _MB,
            multiple_imports=True,
            vssadmin_copyright="(C) Copyright 2001-2005 Microsoft Corp.",
        ),
        "2008 R2": _row(
            "2008 R2",
            unexpected_code=hr.VSS_E_UNEXPECTED,
            slot_needs_gather_status=False,
            wait_infinite_only=False,
            one_restore_instance_per_class=False,
            concurrent_restores=8,
            min_diff_area_small=300 * _MB,
            min_diff_area_large=300 * _MB,
            multiple_imports=True,
            vssadmin_copyright="(C) Copyright 2001-2005 Microsoft Corp.",
        ),
        **{
            name: _row(
                name,
                unexpected_code=hr.VSS_E_UNEXPECTED,
                slot_needs_gather_status=False,
                wait_infinite_only=False,
                one_restore_instance_per_class=False,
                concurrent_restores=8,
                min_diff_area_small=32 * _MB,
                min_diff_area_large=320 * _MB,
                multiple_imports=True,
                vssadmin_copyright=_2013,
            )
            for name in ("2012", "2012 R2", "2016", "2019", "2022")
        },
    }
)

#: The newest version: what ``VssSystem()`` models unless told otherwise.
DEFAULT_WINDOWS: Final = VERSION_ORDER[-1]

#: Requester methods that appeared after Server 2003, by the version that brought them (§3.2 Ex
#: table, §3.6): on an older version the method does not exist.
METHOD_INTRODUCED: Mapping[str, str] = MappingProxyType(
    {
        "UnexposeSnapshot": "2008",
        "SetAuthoritativeRestore": "2008",
        "SetRollForward": "2008",
        "SetRestoreName": "2008",
        "BreakSnapshotSetEx": "2008",
        "GetSessionId": "2008 R2",
        "GetWriterStatusEx": "2008 R2",
        "AddSnapshotToRecoverySet": "2008 R2",
        "RecoverSet": "2008 R2",
        "GetRootAndLogicalPrefixPaths": "2012",
    }
)


def windows_version(name: str) -> WindowsVersion:
    """The row of ``name``; a name not in the table raises ValueError listing the ones that are."""
    row = WINDOWS_VERSIONS.get(str(name))
    if row is None:
        raise ValueError(
            f"windows={name!r} is not a modelled version; choose one of {', '.join(VERSION_ORDER)}"
        )
    return row


def has_method(version: WindowsVersion, method: str) -> bool:
    """Whether the requester method ``method`` exists on ``version``."""
    since = METHOD_INTRODUCED.get(method)
    return since is None or VERSION_ORDER.index(version.name) >= VERSION_ORDER.index(since)
