"""Documentation printed from the model's tables: ``render_rules()`` is ``docs/rules.md``.

Everything here is read from ``_rules`` (Rule 1 there), so the document cannot drift from the
code; ``vss-sim rules`` prints it.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._enums import VSS_WRITER_STATE
from ._rules import (
    BACKUP_ORDER,
    CALL_NEEDS,
    CALLS_WHILE_PENDING,
    WRITER_CALLS,
    WRITER_TRANSITIONS,
    WRITERLESS_ORDER,
    Call,
    Lapse,
    Move,
    Outcome,
    Phase,
    WriterEvent,
)

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
            if move.then is phase and move.failed is None:
                stays.append(call)
                continue
            text = f"`{call.value}` → {move.then.name}"
            if move.failed is not None:
                text += f" (failed: {move.failed.name})"
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


def _trigger(trigger: WriterEvent | Lapse) -> str:
    if isinstance(trigger, WriterEvent):
        return f"`{trigger.value}`"
    return trigger.value


def _transitions_table(
    rows: Mapping[tuple[VSS_WRITER_STATE, WriterEvent | Lapse], Outcome],
) -> list[str]:
    order = {trigger: index for index, trigger in enumerate([*WriterEvent, *Lapse])}
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
        "| Method | May be called in | Thread rule | vss-facts |",
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
        lines.append(f"| `{method}` | {where} | {thread} | {rule.fact} |")
    return lines


def render_rules() -> str:
    """The three rules tables of ``simulator/_rules.py`` as one Markdown document."""
    pending = _calls([c for c in Call if c in CALLS_WHILE_PENDING])
    lines = [
        "# The rules of the model",
        "",
        "Printed by `vss-sim rules` from `simulator/_rules.py`; do not edit by hand.",
        "A call, state change or writer-side call with no row here is refused: a requester call "
        "with VSS_E_BAD_STATE (vss-facts §3.5), a writer-side call with `WrongThreadError` or "
        "VSS_E_BAD_STATE (vss-facts §1.5).",
        "",
        "## 1. Requester call order (`IVssBackupComponents`)",
        "",
        "### `BACKUP_ORDER`: contexts with writers (vss-facts §3.2, §3.3)",
        "",
        *_order_table(BACKUP_ORDER),
        "",
        "### `WRITERLESS_ORDER`: VSS_CTX_FILE_SHARE_BACKUP and VSS_CTX_NAS_ROLLBACK (vss-facts §3.5, §4.5)",
        "",
        *_order_table(WRITERLESS_ORDER),
        "",
        f"While one of the object's asynchronous operations runs, only {pending} are taken "
        "(`CALLS_WHILE_PENDING`).",
        "",
        *(
            f"`{call.value}` also needs `{needed.value}` made earlier on the object (`CALL_NEEDS`)."
            for call, needed in CALL_NEEDS.items()
        ),
        "",
        "## 2. Writer state transitions (`WRITER_TRANSITIONS`, vss-facts §2.2)",
        "",
        "A writer's state in one session after a trigger: a handler that succeeds, or one that "
        "fails (returns false, raises, or calls SetWriterFailure), or a window that ran out.",
        "",
        *_transitions_table(WRITER_TRANSITIONS),
        "",
        "## 3. Writer-side calls (`WRITER_CALLS`, vss-facts §1.5)",
        "",
        *_writer_calls_table(),
        "",
    ]
    return "\n".join(lines)
