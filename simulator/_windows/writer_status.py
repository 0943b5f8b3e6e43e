"""What GetWriterStatus reports for one writer (docs/reference.md §3.2 row 13)."""

from __future__ import annotations

import uuid

import attrs

from .. import hresults as hr
from .._vocabulary.enums import VSS_WRITER_STATE

__all__ = ["VssWriterStatus", "VssWriterStatusEx"]


@attrs.frozen
class VssWriterStatus:
    """One writer's identity, state and failure code in a session."""

    instance_id: uuid.UUID
    writer_id: uuid.UUID
    writer_name: str
    state: VSS_WRITER_STATE
    hr_failure: int


@attrs.frozen
class VssWriterStatusEx(VssWriterStatus):
    """GetWriterStatusEx adds the application's own code and message (Ex3)."""

    hr_application: int = hr.S_OK
    application_message: str = ""
