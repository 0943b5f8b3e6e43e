"""A deterministic, pure-Python behavioural model of the Windows Volume Shadow Copy Service.

Everything public is importable from here: the machine (``VssSystem``), writer base classes,
the requester's objects, providers, every enum and enum member, HRESULTs and the error family,
and the values writers' metadata is made of. The rule tables are in ``simulator.rules``.

The private code is in layers; each imports only the layers above it in this list, never one
below (``tests/test_architecture.py`` checks the import graph). Read them in this order:

``_vocabulary``
    Enums, HRESULT-named errors, the virtual clock: the words everything else is written in.
``_rules``
    Every table that decides what is allowed (call order, call requirements, writer states,
    writer calls, component calls, provider codes, event order, limits) and small state objects
    that read them (``call_state.RequesterCallState`` owns a requester's phase).
``_documents``
    The Writer Metadata Document and the Backup Components Document: values, builders, views,
    and their XML.
``_engine``
    The deterministic scheduler (greenlets, one seeded choice-maker, virtual time), thread
    identity for the thread rule, GUIDs, and the trace recorder, the trace's only writer.
``_service``
    The machine's state and the VSS service: sessions, writers' records and states, the
    coordinator (event delivery, snapshot set creation, abort, restore) and providers. It owns
    the creation lock and never imports the entry points.
``_windows``
    The Windows-named entry points, thin over the service: ``IVssBackupComponents``,
    ``IVssAsync``, ``CVssWriter`` / ``Ex`` / ``Ex2``.
``_presentation``
    Text made from the machine: vssadmin and diskshadow output, the rules document.
``_system``
    ``VssSystem``, the composition root that builds a machine and is its public face.

Public modules on top: ``simulator.rules``, ``simulator.testing``, ``simulator.pytest_plugin``,
``simulator.cli``; ``simulator.hresults`` is a leaf every layer may use.
"""

from . import hresults, rules
from ._documents.backup_document import BackupComponentsDocument
from ._documents.component_views import IVssComponent, IVssWriterComponents
from ._documents.metadata_builder import IVssCreateWriterMetadata, IVssCreateWriterMetadataEx
from ._documents.metadata_examine import (
    VSS_COMPONENTINFO,
    CreateVssExamineWriterMetadata,
    IVssExamineWriterMetadata,
    IVssWMComponent,
    IVssWMFiledesc,
)
from ._documents.writer_metadata import (
    DEFAULT_BACKUP_TYPE_MASK,
    ComponentDependency,
    ComponentMetadata,
    FileDescriptor,
    RestoreMethod,
    WriterIdentity,
    WriterMetadata,
)
from ._engine.scheduler import Deadlock, Task
from ._engine.trace import TraceKind, TraceRecord, Violation, ViolationRule
from ._rules.calls import Call, Phase
from ._rules.component_calls import ComponentAccess
from ._rules.limits import MachineLimits
from ._rules.writer_states import WriterEvent
from ._service.hardware_provider import (
    VDS_LUN_INFORMATION,
    VSS_HARDWARE_OPTIONS,
    VssHardwareProvider,
)
from ._service.providers import (
    SYSTEM_PROVIDER_ID,
    VSS_PROVIDER_PROP,
    VSS_SNAPSHOT_PROP,
    Snapshot,
    SystemProvider,
    VssProvider,
)
from ._system import Volume, VssSystem, current_system, system_of
from ._vocabulary.enum_members import *  # noqa: F403
from ._vocabulary.enum_members import __all__ as _enum_names
from ._vocabulary.errors import *  # noqa: F403
from ._vocabulary.errors import __all__ as _error_names
from ._windows.async_operation import IVssAsync
from ._windows.backup_components import IVssBackupComponents
from ._windows.writer import CVssWriter, CVssWriterEx, CVssWriterEx2
from ._windows.writer_status import VssWriterStatus, VssWriterStatusEx
from .hresults import *  # noqa: F403
from .hresults import __all__ as _hresult_names


def CreateVssBackupComponents() -> IVssBackupComponents:
    """A new IVssBackupComponents on the current system (docs/reference.md §3.1)."""
    return current_system().CreateVssBackupComponents()


__all__ = [
    *_enum_names,
    *_error_names,
    *(name for name in _hresult_names if name.isupper()),
    "DEFAULT_BACKUP_TYPE_MASK",
    "SYSTEM_PROVIDER_ID",
    "VDS_LUN_INFORMATION",
    "VSS_COMPONENTINFO",
    "VSS_HARDWARE_OPTIONS",
    "VSS_PROVIDER_PROP",
    "VSS_SNAPSHOT_PROP",
    "BackupComponentsDocument",
    "CVssWriter",
    "ComponentDependency",
    "ComponentMetadata",
    "FileDescriptor",
    "RestoreMethod",
    "WriterIdentity",
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
    "MachineLimits",
    "Phase",
    "Snapshot",
    "SystemProvider",
    "Task",
    "TraceKind",
    "TraceRecord",
    "Violation",
    "ViolationRule",
    "Volume",
    "VssHardwareProvider",
    "VssProvider",
    "VssSystem",
    "VssWriterStatus",
    "VssWriterStatusEx",
    "WriterEvent",
    "WriterMetadata",
    "current_system",
    "system_of",
    "rules",
    "hresults",
]
