"""A deterministic, pure-Python behavioural model of the Windows Volume Shadow Copy Service.

Everything public is importable from here: the machine (``VssSystem``), writer base classes,
the requester's objects, providers, every enum and enum member, HRESULTs and the error family.
"""

from . import hresults
from ._components import ComponentAccess, IVssComponent, IVssWriterComponents
from ._enums import *  # noqa: F403
from ._enums import __all__ as _enum_names
from ._errors import *  # noqa: F403
from ._errors import __all__ as _error_names
from ._metadata import (
    VSS_COMPONENTINFO,
    CreateVssExamineWriterMetadata,
    IVssCreateWriterMetadata,
    IVssCreateWriterMetadataEx,
    IVssExamineWriterMetadata,
    IVssWMComponent,
    IVssWMFiledesc,
    WriterMetadata,
)
from ._provider import SYSTEM_PROVIDER_ID, VSS_SNAPSHOT_PROP, Snapshot, SystemProvider, VssProvider
from ._requester import IVssAsync, IVssBackupComponents, VssWriterStatus, VssWriterStatusEx
from ._rules import Call, Phase, WriterEvent
from ._scheduler import Deadlock, Task
from ._system import Volume, VssSystem, current_system
from ._trace import TraceKind, TraceRecord, Violation, ViolationRule
from ._writer import CVssWriter, CVssWriterEx, CVssWriterEx2
from .hresults import *  # noqa: F403
from .hresults import __all__ as _hresult_names


def CreateVssBackupComponents() -> IVssBackupComponents:
    """A new IVssBackupComponents on the current system (vss-facts §3.1)."""
    return current_system().CreateVssBackupComponents()


__all__ = [
    *_enum_names,
    *_error_names,
    *(name for name in _hresult_names if name.isupper()),
    "SYSTEM_PROVIDER_ID",
    "VSS_COMPONENTINFO",
    "VSS_SNAPSHOT_PROP",
    "CVssWriter",
    "CVssWriterEx",
    "CVssWriterEx2",
    "Call",
    "ComponentAccess",
    "CreateVssBackupComponents",
    "CreateVssExamineWriterMetadata",
    "Deadlock",
    "IVssAsync",
    "IVssBackupComponents",
    "IVssComponent",
    "IVssCreateWriterMetadata",
    "IVssCreateWriterMetadataEx",
    "IVssExamineWriterMetadata",
    "IVssWMComponent",
    "IVssWMFiledesc",
    "IVssWriterComponents",
    "Phase",
    "Snapshot",
    "SystemProvider",
    "Task",
    "TraceKind",
    "TraceRecord",
    "Violation",
    "ViolationRule",
    "Volume",
    "VssProvider",
    "VssSystem",
    "VssWriterStatus",
    "VssWriterStatusEx",
    "WriterEvent",
    "WriterMetadata",
    "current_system",
    "hresults",
]
