"""The rows of ``CALL_REQUIREMENTS`` as checks of one requester object (docs/reference.md §3.2,
§3.3): the table decides which call needs which condition; a check here says whether it holds.

A check returns None when its condition holds, or what the machine saw instead: the end of the
refusal message ``explain_need`` builds from the row ("" when there is nothing more to say). The
gate reads a call's checks once, when its method is defined.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from .._rules.call_state import RequesterCallState
from .._rules.calls import Call
from .._rules.requirements import CALL_REQUIREMENTS, Need, Requirement
from .._rules.versions import METHOD_INTRODUCED, has_method
from .._service.machine import Machine
from .._service.records import Session
from .._vocabulary.enums import GUID_NULL, VSS_COMPONENT_TYPE, VSS_SNAPSHOT_CONTEXT
from .._vocabulary.errors import VssError

__all__ = ["Check", "CheckedObject", "checks_of"]

_CONTEXT_ALL = int(VSS_SNAPSHOT_CONTEXT.VSS_CTX_ALL)
_SET_BACKUP_STATE = Call.SET_BACKUP_STATE.value


class CheckedObject(Protocol):
    """What the checks read of a requester object (``requester_object.RequesterObject``)."""

    @property
    def _state(self) -> RequesterCallState: ...

    @property
    def _session(self) -> Session: ...

    @property
    def _machine(self) -> Machine: ...

    @property
    def _status(self) -> list[Any] | None: ...

    @property
    def _bcd_loaded(self) -> bool: ...

    @property
    def _recovery_set(self) -> list[Any]: ...


Holds = Callable[[CheckedObject, tuple[Any, ...]], str | None]
#: one row of a call and its check
Check = tuple[Need, Holds]


def _backup_state_set(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    history = obj._state.history
    if _SET_BACKUP_STATE in history:
        return None
    return f"calls so far: {', '.join(history)}."


def _component_mode(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    return None if obj._session.select_components else ""


def _writer_status_gathered(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    return None if obj._status is not None else ""


def _specific_context(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    return None if obj._session.context != _CONTEXT_ALL else ""


def _no_set_in_creation(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    holder = obj._machine.creation_lock.held_by_other(obj._session)
    if holder is None:
        return None
    return (
        f"another snapshot set ({holder.snapshot_set_id}) is being created by session "
        f"{holder.session_id}; only one set may be in creation at a time, from "
        "StartSnapshotSet until DoSnapshotSet returns. Wait and retry."
    )


def _backed_up_in_component_mode(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    return None if obj._session.select_components else "this BCD says selectComponents=no"


def _writer_running(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    session = obj._session
    writer_id = args[0] if args else None
    if type(writer_id) is not uuid.UUID or session.writer_lookup.of_class(
        session.writers, writer_id
    ):
        return None  # an argument of the wrong kind is refused by the body (E_INVALIDARG)
    return f"writer {writer_id} did not answer GatherWriterMetadata"


def _caller_may_back_up(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    machine = obj._machine
    return None if machine.may_back_up() else f"the requester runs as {machine.caller!r}"


def _method_on_this_version(
    call: Call,
) -> Holds:
    method = call.value

    def check(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
        windows = obj._machine.windows
        if has_method(windows, method):
            return None
        return (
            f"it appeared in Windows Server {METHOD_INTRODUCED[method]}; this machine "
            f"runs Windows Server {windows.name}"
        )

    return check


def _restore_slot_free(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    machine = obj._machine
    cap = machine.restore_cap()
    if len(machine.restores) < cap:
        return None
    return f"{len(machine.restores)} restore sessions are in progress, at most {cap}"


def _target_instance_running(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    target = args[5] if len(args) > 5 else GUID_NULL
    if not isinstance(target, uuid.UUID) or not args or not isinstance(args[0], uuid.UUID):
        return None  # an argument of the wrong kind is refused by the body (E_INVALIDARG)
    ws = obj._session.writers.get(target)
    if target == GUID_NULL or (ws is not None and ws.core.writer_id == args[0]):
        return None
    return f"no running instance {target} of writer class {args[0]}"


def _component_selected_for_restore(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    try:
        kind = VSS_COMPONENT_TYPE(args[1])
        entry = obj._session.bcd.find_component(args[0], kind, args[2], args[3])
    except (ValueError, VssError):
        return None  # a bad argument or an unknown component is refused by the body
    if entry.selected_for_restore:
        return None
    return f"component {args[3]!r} is not selected for restore"


def _bcd_loaded(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    return None if obj._bcd_loaded else ""


def _recovery_set_not_empty(obj: CheckedObject, args: tuple[Any, ...]) -> str | None:
    return None if obj._recovery_set else ""


_CHECKS: dict[Requirement, Holds] = {
    Requirement.BACKUP_STATE_SET: _backup_state_set,
    Requirement.COMPONENT_MODE: _component_mode,
    Requirement.WRITER_STATUS_GATHERED: _writer_status_gathered,
    Requirement.SPECIFIC_CONTEXT: _specific_context,
    Requirement.NO_SET_IN_CREATION: _no_set_in_creation,
    Requirement.BACKED_UP_IN_COMPONENT_MODE: _backed_up_in_component_mode,
    Requirement.WRITER_RUNNING: _writer_running,
    Requirement.CALLER_MAY_BACK_UP: _caller_may_back_up,
    Requirement.RESTORE_SLOT_FREE: _restore_slot_free,
    Requirement.TARGET_INSTANCE_RUNNING: _target_instance_running,
    Requirement.COMPONENT_SELECTED_FOR_RESTORE: _component_selected_for_restore,
    Requirement.BCD_LOADED: _bcd_loaded,
    Requirement.RECOVERY_SET_NOT_EMPTY: _recovery_set_not_empty,
}


def checks_of(call: Call) -> tuple[Check, ...]:
    """The checks of ``call``'s rows of CALL_REQUIREMENTS, in the table's order."""
    checks: list[Check] = []
    for need in CALL_REQUIREMENTS.get(call, ()):
        if need.requirement is Requirement.METHOD_ON_THIS_VERSION:
            checks.append((need, _method_on_this_version(call)))
        else:
            checks.append((need, _CHECKS[need.requirement]))
    return tuple(checks)
