"""The order writers receive the events of one operation (docs/reference.md §4.1).

Freeze goes out by application level, front end first; Thaw in the reverse order ([INF]). Within
a level, writers are called one after another in subscription order ([INF]). SYSTEM_RM, which the
documentation does not place, freezes with SYSTEM ([INF]).
"""

from __future__ import annotations

from .._vocabulary.enums import VSS_APPLICATION_LEVEL

__all__ = ["FREEZE_ORDER", "THAW_ORDER"]

FREEZE_ORDER = (
    VSS_APPLICATION_LEVEL.VSS_APP_FRONT_END,
    VSS_APPLICATION_LEVEL.VSS_APP_BACK_END,
    VSS_APPLICATION_LEVEL.VSS_APP_SYSTEM,
)
THAW_ORDER = tuple(reversed(FREEZE_ORDER))
