"""Which writers a session involves: EnableWriterClasses, DisableWriterClasses and
DisableWriterInstances (docs/reference.md §3.2 row 4, §4.5).

Every class is enabled until one of the calls is made. The first EnableWriterClasses enables the
listed classes only and later ones add to them; DisableWriterClasses disables the listed classes
(also ones EnableWriterClasses enabled); DisableWriterInstances disables single instances. A
writer left out gets no event of the session, not even Identify.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

__all__ = ["WriterSelection"]


class WriterSelection:
    """The writer classes and instances one session leaves out."""

    __slots__ = ("disabled_classes", "disabled_instances", "enabled_classes")

    def __init__(self) -> None:
        #: None: every class not disabled is enabled
        self.enabled_classes: set[uuid.UUID] | None = None
        self.disabled_classes: set[uuid.UUID] = set()
        self.disabled_instances: set[uuid.UUID] = set()

    def enable_classes(self, class_ids: Iterable[uuid.UUID]) -> None:
        if self.enabled_classes is None:
            self.enabled_classes = set()
        for class_id in class_ids:
            self.enabled_classes.add(class_id)
            self.disabled_classes.discard(class_id)

    def disable_classes(self, class_ids: Iterable[uuid.UUID]) -> None:
        for class_id in class_ids:
            self.disabled_classes.add(class_id)
            if self.enabled_classes is not None:
                self.enabled_classes.discard(class_id)

    def disable_instances(self, instance_ids: Iterable[uuid.UUID]) -> None:
        self.disabled_instances.update(instance_ids)

    def includes(self, class_id: uuid.UUID, instance_id: uuid.UUID) -> bool:
        """Whether the writer instance takes part in the session."""
        if self.enabled_classes is None and not (self.disabled_classes or self.disabled_instances):
            return True  # nothing was left out (and no GUID is hashed to say so)
        if instance_id in self.disabled_instances or class_id in self.disabled_classes:
            return False
        return self.enabled_classes is None or class_id in self.enabled_classes
