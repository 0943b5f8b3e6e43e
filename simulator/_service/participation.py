"""Who takes part in an operation (docs/reference.md §4.4, §4.5): the writers of a backup, the
writers of a restore, and the providers of a set."""

from __future__ import annotations

from .._rules.writer_states import FAILED_STATES
from .._vocabulary.enums import (
    VSS_FILE_RESTORE_STATUS,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
    VSS_WRITERRESTORE_ENUM,
)
from .providers import VssProvider
from .records import Session, WriterInSession

__all__ = [
    "backup_participants",
    "operation_providers",
    "restore_failed",
    "restore_participants",
    "writer_restore",
]

_NO_WRITERS = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_WRITERS)


def backup_participants(session: Session) -> list[WriterInSession]:
    """Writers in a backup operation: none in a writerless context; in component mode only those
    with an included component; never one that failed in the session ([INF])."""
    if session.context & _NO_WRITERS:
        return []
    if not session.select_components:
        return [ws for ws in session.writers.values() if ws.state not in FAILED_STATES]
    chosen = {entry.instance_id for entry in session.bcd.writers if entry.components}
    return [
        ws
        for instance_id, ws in session.writers.items()
        if instance_id in chosen and ws.state not in FAILED_STATES
    ]


def restore_participants(session: Session) -> list[WriterInSession]:
    """Running writers with a component selected for restore whose restore method wants restore
    events (not VSS_WRE_NEVER)."""
    chosen = {
        entry.writer_id
        for entry in session.bcd.writers
        if any(c.selected_for_restore for c in entry.components)
    }
    return [
        ws
        for ws in session.writers.values()
        if ws.core.writer_id in chosen
        and ws.state not in FAILED_STATES
        and writer_restore(ws) != VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER
    ]


def writer_restore(ws: WriterInSession) -> VSS_WRITERRESTORE_ENUM | None:
    """Whether the writer wants restore events, from its restore method."""
    method = ws.metadata.restore_method if ws.metadata else None
    return method.writer_restore if method is not None else None


def restore_failed(session: Session, ws: WriterInSession) -> bool:
    """Whether one of the writer's selected components' files failed to restore."""
    return any(
        c.selected_for_restore and c.file_restore_status == VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED
        for entry in session.bcd.writers
        if entry.writer_id == ws.core.writer_id
        for c in entry.components
    )


def operation_providers(session: Session) -> list[VssProvider]:
    """The providers of the set's volumes, each once, in the order the volumes were added."""
    seen: list[VssProvider] = []
    for plan in session.planned.values():
        if not any(p is plan.provider for p in seen):
            seen.append(plan.provider)
    return seen
