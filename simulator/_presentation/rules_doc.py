"""Documentation printed from the model's tables: ``render_rules()`` is ``docs/rules.md``.

Everything here is read from ``_rules`` (Rule 1 there), so the document cannot drift from the
code; ``vss-sim rules`` prints it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import hresults as hr
from .._rules.call_order import BACKUP_ORDER, CALLS_WHILE_PENDING, WRITERLESS_ORDER
from .._rules.calls import Call, Move, Phase
from .._rules.component_calls import COMPONENT_CALLS, ComponentAccess
from .._rules.event_order import FREEZE_ORDER
from .._rules.kernel import KERNEL_STEPS
from .._rules.limits import (
    FLUSH_AND_HOLD_TICKS,
    HANDLER_WINDOW_TICKS,
    MAX_FREEZE_TICKS,
    MAX_SNAPSHOTS_PER_VOLUME,
    MAX_VOLUMES_PER_SET,
    PROVIDER_CALL_TICKS,
    MachineLimits,
)
from .._rules.providers import PROVIDER_CODES, PROVIDER_SELECTION_ORDER
from .._rules.requirements import CALL_REQUIREMENTS
from .._rules.rights import CALLER_RIGHTS
from .._rules.versions import METHOD_INTRODUCED, VERSION_ORDER, WINDOWS_VERSIONS, WindowsVersion
from .._rules.volumes import VOLUME_RULES
from .._rules.writer_calls import WRITER_CALLS, WRITER_FAILURE_CODES, WRITER_FAILURE_CODES_EX
from .._rules.writer_states import WRITER_TRANSITIONS, Outcome, Timeout, WriterEvent
from .._vocabulary.clock import TICKS_PER_SECOND
from .._vocabulary.enums import VSS_WRITER_STATE

__all__ = ["render_rules"]


def _calls(calls: list[Call]) -> str:
    return ", ".join(f"`{c.value}`" for c in calls) if calls else "—"


def _order_table(order: Mapping[tuple[Phase, Call], Move]) -> list[str]:
    lines = [
        "| Phase | Calls that move the object (→ next phase; if the operation fails) "
        "| Calls taken, phase unchanged |",
        "|---|---|---|",
    ]
    for phase in Phase:
        moves = []
        stays = []
        for call in Call:
            move = order.get((phase, call))
            if move is None:
                continue
            if move.next_phase is phase and move.failed_phase is None:
                stays.append(call)
                continue
            text = f"`{call.value}` → {move.next_phase.name}"
            if move.failed_phase is not None:
                text += f" (failed: {move.failed_phase.name})"
            moves.append(text)
        if not moves and not stays:
            continue
        lines.append(
            f"| {phase.name} ({phase.value}) | {'; '.join(moves) or '—'} | {_calls(stays)} |"
        )
    never = [call for call in Call if not any((phase, call) in order for phase in Phase)]
    if never:
        lines += ["", f"Never taken: {_calls(never)}."]
    return lines


def _state(state: VSS_WRITER_STATE | None) -> str:
    return "(unchanged)" if state is None else f"{state.name} ({int(state)})"


def _trigger(trigger: WriterEvent | Timeout) -> str:
    if isinstance(trigger, WriterEvent):
        return f"`{trigger.value}`"
    return trigger.value


def _transitions_table(
    rows: Mapping[tuple[VSS_WRITER_STATE, WriterEvent | Timeout], Outcome],
) -> list[str]:
    order = {trigger: index for index, trigger in enumerate([*WriterEvent, *Timeout])}
    lines = ["| State | Trigger | On success | On failure |", "|---|---|---|---|"]
    for (state, trigger), outcome in sorted(
        rows.items(), key=lambda item: (int(item[0][0]), order[item[0][1]])
    ):
        lines.append(
            f"| {_state(state)} | {_trigger(trigger)} | {_state(outcome.ok)} "
            f"| {_state(outcome.failed)} |"
        )
    return lines


def _writer_calls_table() -> list[str]:
    lines = [
        "| Method | May be called in | Thread rule | Reference |",
        "|---|---|---|---|",
    ]
    for method, rule in WRITER_CALLS.items():
        if rule.events is None:
            where = "anywhere, even outside handlers"
        elif rule.events == frozenset(WriterEvent):
            where = "any handler"
        else:
            where = ", ".join(f"`{e.value}`" for e in WriterEvent if e in rule.events)
        thread = "yes: the handler's own thread" if rule.thread_rule else "no"
        lines.append(f"| `{method}` | {where} | {thread} | {rule.source} |")
    return lines


def _requirements_table() -> list[str]:
    lines = ["| Call | Needs | Refused with | Reference |", "|---|---|---|---|"]
    for call, needs in CALL_REQUIREMENTS.items():
        for need in needs:
            code = hr.name_of(getattr(need.error, "hresult", 0))
            lines.append(f"| `{call.value}` | {need.requirement.value} | {code} | {need.source} |")
    return lines


def _component_calls_table() -> list[str]:
    lines = ["| IVssComponent method | May be called in |", "|---|---|"]
    for method, places in COMPONENT_CALLS.items():
        where = ", ".join(a.value for a in ComponentAccess if a in places)
        lines.append(f"| `{method}` | {where} |")
    return lines


def _volume_rules_table() -> list[str]:
    lines = [
        "| The volume must be | Concerns | Refused with | Reference |",
        "|---|---|---|---|",
    ]
    for rule in VOLUME_RULES:
        concerns = "the provider choice" if rule.system_only else "the volume"
        code = hr.name_of(getattr(rule.error, "hresult", 0))
        lines.append(f"| {rule.condition.value} | {concerns} | {code} | {rule.source} |")
    return lines


_VERSION_FIELDS: list[tuple[str, str]] = [
    ("unexpected_code", "unexpected error"),
    ("slot_needs_gather_status", "slot freed only by GatherWriterStatus after BackupComplete"),
    ("wait_infinite_only", "Wait takes only INFINITE"),
    ("one_restore_instance_per_class", "one restore instance per writer class"),
    ("concurrent_restores", "restore sessions at once"),
    ("min_diff_area_small", "smallest diff area, volume < 500 MB"),
    ("min_diff_area_large", "smallest diff area, larger volume"),
    ("multiple_imports", "a transportable set imports more than once"),
    ("vssadmin_copyright", "vssadmin copyright line"),
    ("transaction_managers", "creation freezes the transaction managers"),
]


def _cell(row: WindowsVersion, field: str) -> str:
    value = getattr(row, field)
    if field == "unexpected_code":
        return hr.name_of(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.startswith("min_diff_area"):
        return f"{value // (1024 * 1024)} MB"
    return str(value)


def _versions_table() -> list[str]:
    lines = [
        "| Behaviour | " + " | ".join(VERSION_ORDER) + " |",
        "|---|" + "---|" * len(VERSION_ORDER),
    ]
    for field, label in _VERSION_FIELDS:
        cells = " | ".join(_cell(WINDOWS_VERSIONS[name], field) for name in VERSION_ORDER)
        lines.append(f"| {label} (`{field}`) | {cells} |")
    for method, since in METHOD_INTRODUCED.items():
        cells = " | ".join(
            "yes" if VERSION_ORDER.index(name) >= VERSION_ORDER.index(since) else "E_NOTIMPL"
            for name in VERSION_ORDER
        )
        lines.append(f"| `{method}` | {cells} |")
    return lines


def _limits_table() -> list[str]:
    defaults = MachineLimits()
    lines = ["| Field of `MachineLimits` | Default |", "|---|---|"]
    for field in ("writer_session_slots", "max_client_accessible_copies", "concurrent_restores"):
        value = getattr(defaults, field)
        shown = "the Windows version's figure" if value is None else str(value)
        lines.append(f"| `{field}` | {shown} |")
    lines.append(f"| `default_volume_bytes` | {defaults.default_volume_bytes // 1024**3} GB |")
    return lines


def _kernel_table() -> list[str]:
    lines = [
        "| Step | After | Before | Window | Past it | Reference |",
        "|---|---|---|---|---|---|",
    ]
    for rule in KERNEL_STEPS:
        lines.append(
            f"| {rule.step.value} (`{rule.step.name}`) | {rule.after} | {rule.before} "
            f"| {rule.window_ticks // TICKS_PER_SECOND} s | `{hr.name_of(rule.error.hresult)}` "
            f"| {rule.source} |"
        )
    return lines


def _codes(codes: frozenset[int]) -> str:
    return ", ".join(f"`{hr.name_of(code)}`" for code in sorted(codes))


def render_rules() -> str:
    """Every rules table of ``simulator/_rules/`` as one Markdown document (``docs/rules.md``)."""
    pending = _calls([c for c in Call if c in CALLS_WHILE_PENDING])
    lines = [
        "# The rules of the model",
        "",
        "Printed by `vss-sim rules` from the tables in `simulator/_rules/` (importable as "
        "`simulator.rules`); do not edit by hand. A call, state change or writer-side call with "
        "no row here is refused: a requester call with VSS_E_BAD_STATE (reference §3.5), a "
        "writer-side call with `WrongThreadError` or VSS_E_BAD_STATE (reference §1.5). The "
        "sections cited are those of [the reference](reference.md).",
        "",
        "## 1. Requester call order (`IVssBackupComponents`)",
        "",
        "### `BACKUP_ORDER`: contexts with writers (reference §3.2, §3.3)",
        "",
        *_order_table(BACKUP_ORDER),
        "",
        "### `WRITERLESS_ORDER`: VSS_CTX_FILE_SHARE_BACKUP and VSS_CTX_NAS_ROLLBACK "
        "(reference §3.5, §4.5)",
        "",
        *_order_table(WRITERLESS_ORDER),
        "",
        f"While one of the object's asynchronous operations runs, only {pending} are taken "
        "(`CALLS_WHILE_PENDING`).",
        "",
        "### `CALL_REQUIREMENTS`: what a call needs besides its place in the order",
        "",
        *_requirements_table(),
        "",
        "## 2. Writer state transitions (`WRITER_TRANSITIONS`, reference §2.2)",
        "",
        "A writer's state in one session after a trigger: a handler that succeeds, or one that "
        "fails (returns false, raises, or calls SetWriterFailure), or a window that ran out.",
        "",
        *_transitions_table(WRITER_TRANSITIONS),
        "",
        "## 3. Writer-side calls (`WRITER_CALLS`, reference §1.5)",
        "",
        *_writer_calls_table(),
        "",
        f"`SetWriterFailure` takes {_codes(WRITER_FAILURE_CODES)} (`WRITER_FAILURE_CODES`); "
        f"`SetWriterFailureEx` also {_codes(WRITER_FAILURE_CODES_EX - WRITER_FAILURE_CODES)}.",
        "",
        "## 4. Component calls (`COMPONENT_CALLS`, reference §1.6)",
        "",
        "Getters work everywhere; each setter only where its row says.",
        "",
        *_component_calls_table(),
        "",
        "## 5. Events, providers and limits",
        "",
        "Freeze goes out by application level in the order "
        f"{', '.join(level.name for level in FREEZE_ORDER)}; Thaw in the reverse order "
        "(`FREEZE_ORDER`, reference §4.1).",
        "",
        "For GUID_NULL providers are tried by type in the order "
        f"{', '.join(kind.name for kind in PROVIDER_SELECTION_ORDER)} "
        "(`PROVIDER_SELECTION_ORDER`, reference §9).",
        "",
        f"A provider's {_codes(PROVIDER_CODES)} reach the requester as they are; any other "
        "code becomes `VSS_E_UNEXPECTED_PROVIDER_ERROR` (`PROVIDER_CODES`, reference §9).",
        "",
        "The kernel's steps of DoSnapshotSet (`KERNEL_STEPS`); each takes the time the machine "
        "is configured with (`VssSystem.set_flush_time`, `set_transaction_manager_times`), and "
        "past its window the set is aborted with the step's code:",
        "",
        *_kernel_table(),
        "",
        "| Limit | Value |",
        "|---|---|",
        f"| volumes in one snapshot set (`MAX_VOLUMES_PER_SET`) | {MAX_VOLUMES_PER_SET} |",
        f"| shadow copies of one volume per provider (`MAX_SNAPSHOTS_PER_VOLUME`) "
        f"| {MAX_SNAPSHOTS_PER_VOLUME} |",
        f"| flush-and-hold window (`FLUSH_AND_HOLD_TICKS`) | {FLUSH_AND_HOLD_TICKS // TICKS_PER_SECOND} s |",
        f"| longest freeze (`MAX_FREEZE_TICKS`) | {MAX_FREEZE_TICKS // TICKS_PER_SECOND} s |",
        f"| longest wait for any other handler (`HANDLER_WINDOW_TICKS`) "
        f"| {HANDLER_WINDOW_TICKS // TICKS_PER_SECOND} s |",
        f"| longest wait for a provider call outside flush-and-hold (`PROVIDER_CALL_TICKS`) "
        f"| {PROVIDER_CALL_TICKS // TICKS_PER_SECOND} s |",
        "",
        "The machine's configurable limits (`MachineLimits`, `VssSystem(limits=...)`; reference "
        "§6, §8):",
        "",
        *_limits_table(),
        "",
        "## 6. Volumes and contexts (`VOLUME_RULES`, reference §7.6, §9)",
        "",
        "AddToSnapshotSet checks these in order. A rule that concerns the provider choice skips "
        "a provider for GUID_NULL (VSS_E_VOLUME_NOT_SUPPORTED when none is left) and refuses a "
        "named one with VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER.",
        "",
        *_volume_rules_table(),
        "",
        "## 7. Callers (`CALLER_RIGHTS`, reference §3.1)",
        "",
        "InitializeForBackup and InitializeForRestore take a caller with the backup privilege: "
        + ", ".join(
            f"`{name}` ({'yes' if ok else 'no: E_ACCESSDENIED'})"
            for name, ok in CALLER_RIGHTS.items()
        )
        + ".",
        "",
        "## 8. Windows versions (`WINDOWS_VERSIONS`, `METHOD_INTRODUCED`, reference §12)",
        "",
        "`VssSystem(windows=...)` picks a column; the default is the newest.",
        "",
        *_versions_table(),
        "",
    ]
    return "\n".join(lines)
