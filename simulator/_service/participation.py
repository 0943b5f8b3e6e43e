"""Who takes part in an operation (docs/reference.md §4.4, §4.5): the writers of a backup, the
writers of a restore and the components each gets, and the providers of a set.

A restore is routed by writer instance: a BCD writer entry goes to the running instance
SetSelectedForRestoreEx moved it to, else the instance with the same instance id, else the one
with the same instance name, else the only running instance of the class. Several running
instances of a class need instance names to be told apart (§1.2): an instance without one gets no
restore events, and that is recorded as a violation of the writer.

Policies where the documentation is silent ([INF], docs/design.md):
* A writer that failed in the session takes no further part.
* On Server 2003, where one instance of a class gets the restore events (§4.4), it is the first
  subscribed of those that have a selected component.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from .._documents.backup_document import WriterComponentsEntry
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
    "restore_routes",
    "writer_restore",
]

_NO_WRITERS = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_WRITERS)
#: Called with the writer and why, for an instance the restore cannot tell apart.
Unnamed = Callable[[WriterInSession, str], None]


def backup_participants(session: Session) -> list[WriterInSession]:
    """Writers in a backup operation: none in a writerless context; in component mode only those
    with an included component; never one that failed in the session ([INF])."""
    if session.context & _NO_WRITERS:
        return []
    if not session.select_components:
        return [ws for ws in session.writers.values() if ws.state not in FAILED_STATES]
    # By the integer of the instance id: an int hashes in C, a UUID in Python.
    chosen = {
        entry.instance_id.int
        for entry in session.bcd.writers
        if entry.components and isinstance(entry.instance_id, uuid.UUID)
    }
    return [  # in the order they answered
        ws
        for ws in session.writers.values()
        if ws.core.instance_id.int in chosen and ws.state not in FAILED_STATES
    ]


def _target(
    session: Session, entry: WriterComponentsEntry, unnamed: Unnamed | None
) -> WriterInSession | None:
    running = session.writer_lookup.of_class(session.writers, entry.writer_id)
    moved = session.restore_instances.get(entry.instance_id)
    if moved is not None:
        return session.writers.get(moved)
    for ws in running:
        if ws.core.instance_id == entry.instance_id:
            return ws
    if entry.instance_name is not None:
        for ws in running:
            if ws.core.instance_name == entry.instance_name:
                return ws
    if len(running) == 1:
        return running[0]
    if unnamed is not None:
        for ws in running:
            if ws.core.instance_name is None:
                unnamed(
                    ws,
                    f"{len(running)} instances of writer class {entry.writer_id} run, and this "
                    "one has no instance name: a multi-instance writer needs a unique non-NULL "
                    "instance name to receive restore events (docs/reference.md §1.2)",
                )
    return None


def restore_routes(
    session: Session, unnamed: Unnamed | None = None, *, one_per_class: bool = False
) -> list[tuple[WriterInSession, WriterComponentsEntry]]:
    """(running writer instance, its BCD entry) for each entry with a selected component, in BCD
    order; an instance gets at most one entry."""
    routes: list[tuple[WriterInSession, WriterComponentsEntry]] = []
    instances: set[uuid.UUID] = set()
    classes: set[uuid.UUID] = set()
    for entry in session.bcd.writers:
        if not any(c.selected_for_restore for c in entry.components):
            continue
        ws = _target(session, entry, unnamed)
        if ws is None or ws.core.instance_id in instances:
            continue
        if one_per_class and ws.core.writer_id in classes:
            continue
        routes.append((ws, entry))
        instances.add(ws.core.instance_id)
        classes.add(ws.core.writer_id)
    return routes


def restore_participants(
    session: Session, unnamed: Unnamed | None = None, *, one_per_class: bool = False
) -> list[tuple[WriterInSession, WriterComponentsEntry]]:
    """The routes whose writer is running, has not failed, and wants restore events (not
    VSS_WRE_NEVER), in subscription order."""
    routes = restore_routes(session, unnamed, one_per_class=one_per_class)
    order = {ws.core.instance_id: index for index, ws in enumerate(session.writers.values())}
    return sorted(
        (
            (ws, entry)
            for ws, entry in routes
            if ws.state not in FAILED_STATES
            and writer_restore(ws) != VSS_WRITERRESTORE_ENUM.VSS_WRE_NEVER
        ),
        key=lambda route: order.get(route[0].core.instance_id, len(order)),
    )


def writer_restore(ws: WriterInSession) -> VSS_WRITERRESTORE_ENUM | None:
    """Whether the writer wants restore events, from its restore method."""
    method = ws.metadata.restore_method if ws.metadata else None
    return method.writer_restore if method is not None else None


def restore_failed(session: Session, ws: WriterInSession) -> bool:
    """Whether one of the selected components routed to ``ws`` failed to restore its files."""
    return any(
        c.selected_for_restore and c.file_restore_status == VSS_FILE_RESTORE_STATUS.VSS_RS_FAILED
        for target, entry in restore_routes(session)
        if target is ws
        for c in entry.components
    )


def operation_providers(session: Session) -> list[VssProvider]:
    """The providers of the set's volumes, each once, in the order the volumes were added."""
    seen: list[VssProvider] = []
    for plan in session.planned.values():
        provider = plan.provider
        for known in seen:
            if known is provider:
                break
        else:
            seen.append(provider)
    return seen
