"""Who may run a backup or restore: the caller-rights table (docs/reference.md §3.1).

``VssSystem(caller=...)`` names the account the requester runs as. CreateVssBackupComponents and
the Initialize calls document E_ACCESSDENIED for a caller that "does not have sufficient backup
privileges or is not an administrator"; the model refuses at InitializeForBackup or
InitializeForRestore, the object's first call ([INF], docs/design.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CALLER_RIGHTS", "DEFAULT_CALLER", "caller_may_back_up"]

#: caller -> whether it holds the backup privilege (§3.1).
CALLER_RIGHTS: Mapping[str, bool] = MappingProxyType(
    {
        "administrator": True,
        "backup-operator": True,
        "user": False,
    }
)

DEFAULT_CALLER = "administrator"


def caller_may_back_up(caller: str) -> bool:
    """Whether ``caller`` may back up and restore; an unknown caller raises ValueError."""
    if caller not in CALLER_RIGHTS:
        raise ValueError(f"caller={caller!r}: choose one of {', '.join(CALLER_RIGHTS)}")
    return CALLER_RIGHTS[caller]
