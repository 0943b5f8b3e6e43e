"""The rules of VSS as data: every table that decides what is allowed, read-only.

The model reads these tables and nothing else to decide whether a requester call, a writer state
change, a writer-side call or a component call is allowed; ``docs/rules.md`` prints them
(``vss-sim rules``). A missing row is a refusal: VSS_E_BAD_STATE for the call order, with a
message generated from the table (docs/reference.md §3.5).
"""

from __future__ import annotations

from ._presentation.rules_doc import render_rules
from ._rules.call_order import (
    ASYNC_CALLS,
    BACKUP_ORDER,
    CALLS_WHILE_PENDING,
    RESTORE_PHASES,
    WRITER_ONLY_CALLS,
    WRITERLESS_ORDER,
)
from ._rules.calls import Call, Move, Phase
from ._rules.component_calls import COMPONENT_CALLS, ComponentAccess
from ._rules.event_order import FREEZE_ORDER, THAW_ORDER
from ._rules.kernel import KERNEL_STEPS, TRANSACTION_MANAGER_TICKS, KernelStep, KernelStepRule
from ._rules.limits import (
    FLUSH_AND_HOLD_TICKS,
    MAX_FREEZE_TICKS,
    MAX_SNAPSHOTS_PER_VOLUME,
    MAX_VOLUMES_PER_SET,
    MachineLimits,
)
from ._rules.providers import PROVIDER_CODES, PROVIDER_SELECTION_ORDER
from ._rules.refusals import explain_refusal, phases_allowing
from ._rules.requirements import CALL_REQUIREMENTS, Need, Requirement
from ._rules.rights import CALLER_RIGHTS
from ._rules.versions import (
    DEFAULT_WINDOWS,
    METHOD_INTRODUCED,
    VERSION_ORDER,
    WINDOWS_VERSIONS,
    WindowsVersion,
)
from ._rules.volumes import VOLUME_RULES, VolumeCondition, VolumeRule
from ._rules.writer_calls import (
    WRITER_CALLS,
    WRITER_FAILURE_CODES,
    WRITER_FAILURE_CODES_EX,
    WriterCallRule,
)
from ._rules.writer_states import FAILED_STATES, WRITER_TRANSITIONS, Outcome, Timeout, WriterEvent

__all__ = [
    "ASYNC_CALLS",
    "BACKUP_ORDER",
    "CALLER_RIGHTS",
    "CALLS_WHILE_PENDING",
    "CALL_REQUIREMENTS",
    "COMPONENT_CALLS",
    "DEFAULT_WINDOWS",
    "FAILED_STATES",
    "FLUSH_AND_HOLD_TICKS",
    "FREEZE_ORDER",
    "KERNEL_STEPS",
    "MAX_FREEZE_TICKS",
    "MAX_SNAPSHOTS_PER_VOLUME",
    "MAX_VOLUMES_PER_SET",
    "METHOD_INTRODUCED",
    "PROVIDER_CODES",
    "PROVIDER_SELECTION_ORDER",
    "RESTORE_PHASES",
    "THAW_ORDER",
    "TRANSACTION_MANAGER_TICKS",
    "VERSION_ORDER",
    "VOLUME_RULES",
    "WINDOWS_VERSIONS",
    "WRITERLESS_ORDER",
    "WRITER_CALLS",
    "WRITER_FAILURE_CODES",
    "WRITER_FAILURE_CODES_EX",
    "WRITER_ONLY_CALLS",
    "WRITER_TRANSITIONS",
    "Call",
    "ComponentAccess",
    "KernelStep",
    "KernelStepRule",
    "MachineLimits",
    "Move",
    "Need",
    "Outcome",
    "Phase",
    "Requirement",
    "Timeout",
    "VolumeCondition",
    "VolumeRule",
    "WindowsVersion",
    "WriterCallRule",
    "WriterEvent",
    "explain_refusal",
    "phases_allowing",
    "render_rules",
]
