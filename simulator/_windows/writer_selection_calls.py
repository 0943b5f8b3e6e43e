"""IVssBackupComponents methods that choose the writers of a backup: EnableWriterClasses,
DisableWriterClasses, DisableWriterInstances (docs/reference.md §3.2 row 4, §4.5).

They are taken only before GatherWriterMetadata (``BACKUP_ORDER``): the documentation says a
later call has no effect, and the model refuses it with VSS_E_BAD_STATE ("not called within the
correct sequence") so that the requester learns of it ([INF], docs/design.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from .._rules.calls import Call
from .arguments import guid_list_argument
from .requester_object import RequesterObject, requester_call

__all__ = ["WriterSelectionCalls"]


class WriterSelectionCalls(RequesterObject):
    """Which writer classes and instances the object's session involves."""

    @requester_call(Call.ENABLE_WRITER_CLASSES)
    def EnableWriterClasses(self, writer_class_ids: Iterable[uuid.UUID]) -> None:
        """Only the listed classes (and those a later call adds) get events (§3.2 row 4)."""
        ids = guid_list_argument(writer_class_ids, "EnableWriterClasses", "writer_class_ids")
        self._session.selection.enable_classes(ids)

    @requester_call(Call.DISABLE_WRITER_CLASSES)
    def DisableWriterClasses(self, writer_class_ids: Iterable[uuid.UUID]) -> None:
        """Every instance of the listed classes gets no events (§3.2 row 4)."""
        ids = guid_list_argument(writer_class_ids, "DisableWriterClasses", "writer_class_ids")
        self._session.selection.disable_classes(ids)

    @requester_call(Call.DISABLE_WRITER_INSTANCES)
    def DisableWriterInstances(self, writer_instance_ids: Iterable[uuid.UUID]) -> None:
        """The listed writer instances get no events; other instances of their classes do."""
        ids = guid_list_argument(
            writer_instance_ids, "DisableWriterInstances", "writer_instance_ids"
        )
        self._session.selection.disable_instances(ids)
