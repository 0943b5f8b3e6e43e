"""The faults ``vss-sim demo --fault`` can inject: the failure presets of ``fakes.presets``, by name,
each with what a reader will see (docs/field-failures.md), and the demo's writers' handler times.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._rules.writer_states import WriterEvent
from .._system import VssSystem

if TYPE_CHECKING:
    import fakes

__all__ = ["DEFAULT_FAULT", "FAULTS", "apply_fault", "fault_help", "time_handlers"]

#: name -> (the ``fakes.presets`` function, or None, and what it does to the demo).
FAULTS: dict[str, tuple[str | None, str]] = {
    "none": (None, "no fault"),
    "veto-at-prepare-snapshot": (
        "veto_at_prepare_snapshot",
        "SqlServerWriter vetoes its first PrepareForSnapshot with VSS_E_WRITERERROR_RETRYABLE: "
        "the writer asks for a retry (docs/field-failures.md #4)",
    ),
    "slow-freeze": (
        "slow_freeze",
        "SqlServerWriter's first OnFreeze takes 90 s, past the 60 s Freeze window: "
        "VSS_E_WRITERERROR_TIMEOUT, a code that asks for a retry (docs/field-failures.md #7)",
    ),
    "wrong-thread": (
        "wrong_thread",
        "SqlServerWriter's first OnFreeze calls GetSessionId from a worker thread: a rule "
        "violation, and the backup goes on (docs/field-failures.md #18)",
    ),
    "stuck-writer": (
        "stuck_writer",
        "SqlServerWriter vetoes every PrepareForSnapshot with VSS_E_WRITERERROR_NONRETRYABLE: "
        "no retry helps (docs/field-failures.md #9)",
    ),
    "slow-commit-provider": (
        "slow_commit_provider",
        "a software provider's CommitSnapshots takes 11 s, past the 10 s flush-and-hold window: "
        "VSS_E_HOLD_WRITES_TIMEOUT (docs/field-failures.md #8)",
    ),
    "insufficient-storage-provider": (
        "insufficient_storage_provider",
        "a software provider fails EndPrepareSnapshots with VSS_E_INSUFFICIENT_STORAGE "
        "(docs/field-failures.md #11)",
    ),
    "provider-veto": (
        "provider_veto",
        "a software provider vetoes PreCommitSnapshots with VSS_E_PROVIDER_VETO "
        "(docs/field-failures.md #16)",
    ),
}
DEFAULT_FAULT = "veto-at-prepare-snapshot"

#: Virtual seconds each writer's handlers take in the demo ([INF]: illustrative, not measured,
#: so that a timeline of the run shows each handler; SqlServerWriter flushes its databases at Freeze).
_HANDLER_SECONDS = {
    "PREPARE_BACKUP": 0.05,
    "PREPARE_SNAPSHOT": 0.05,
    "FREEZE": 0.1,
    "THAW": 0.05,
    "POST_SNAPSHOT": 0.05,
    "BACKUP_COMPLETE": 0.05,
}
_SQL_FREEZE_SECONDS = 0.5


def fault_help() -> str:
    """The list of presets below ``vss-sim demo --help`` (``\\b``: click keeps the lines)."""
    lines = ["\b", "Fault presets (--fault PRESET):"]
    for name, (_, what) in FAULTS.items():
        lines.append(f"  {name}")
        lines.extend(
            textwrap.wrap(
                what,
                72,
                initial_indent="      ",
                subsequent_indent="      ",
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def time_handlers(writers: list[fakes.ScriptedWriter]) -> None:
    """Give the demo's writers' handlers their virtual durations (``_HANDLER_SECONDS``)."""
    import fakes

    for writer in writers:
        for event, seconds in _HANDLER_SECONDS.items():
            if event == "FREEZE" and writer.name == "SqlServerWriter":
                seconds = _SQL_FREEZE_SECONDS
            writer.on(WriterEvent[event], fakes.Sleep(seconds))


def apply_fault(name: str, system: VssSystem, sql: fakes.ScriptedWriter) -> None:
    """Inject the fault ``name`` into ``system`` (writer presets script ``sql``)."""
    import fakes

    preset, _ = FAULTS[name]
    if preset is None:
        return
    function: Callable[..., Any] = getattr(fakes, preset)
    if preset.endswith("_provider") or preset == "provider_veto":
        system.register_provider(function())
    elif preset in ("veto_at_prepare_snapshot", "slow_freeze", "wrong_thread"):
        function(sql, times=1)
    else:
        function(sql)
