"""What a fault preset is: a :class:`Fault` value, the :class:`Progression` that says when it
fires, the :class:`Armed` handle ``Fault.apply`` returns, and the :class:`FaultPlan` that fails
a test whose scripted fault never fired.

Progressions are those of moto's state manager: at once, after N virtual seconds, on the K-th
session, a number of times, until the writer's host (or, for machine faults, the VSS service) is
restarted. They combine: ``Progression(delay=30, times=2)``.
"""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable, Hashable
from typing import Any, Literal

import attrs

from simulator import (
    VSS_WRITER_STATE,
    CVssWriter,
    TraceKind,
    TraceRecord,
    VssSystem,
    hresults,
    system_of,
)

__all__ = [
    "AT_ONCE",
    "UNTIL_RESTART",
    "Armed",
    "Fault",
    "FaultNeverFired",
    "FaultPlan",
    "Progression",
    "after",
    "checked",
    "on_session",
]

Target = Literal["writer", "machine"]


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{attribute.name}={value!r} must be a number >= 0")


def _positive_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValueError(f"{attribute.name}={value!r} must be None or a positive integer")


@attrs.frozen
class Progression:
    """When an armed fault fires.

    ``delay``: not before ``delay`` virtual seconds after it was applied; ``session``: only in the
    ``session``-th session its target takes part in after that (1 is the first); ``times``: at
    most that many firings; ``until_restart``: not after the writer's host (writer faults) or the
    VSS service (machine faults) was restarted.
    """

    delay: float = attrs.field(default=0.0, validator=_non_negative)
    session: int | None = attrs.field(default=None, validator=_positive_or_none)
    times: int | None = attrs.field(default=None, validator=_positive_or_none)
    until_restart: bool = False


#: Fires from now on, every time.
AT_ONCE = Progression()
#: Fires every time until the target's host (writer) or the VSS service (machine) restarts.
UNTIL_RESTART = Progression(until_restart=True)


def after(seconds: float, *, times: int | None = None) -> Progression:
    """Fires once ``seconds`` of virtual time have passed since the fault was applied."""
    return Progression(delay=seconds, times=times)


def on_session(k: int) -> Progression:
    """Fires in the ``k``-th session the target takes part in, and in no other."""
    return Progression(session=k)


class FaultNeverFired(AssertionError):
    """A fault a test applied (not marked optional) never fired."""


#: The plans being checked now, innermost last (``FaultPlan`` pushes itself on entry).
_PLANS: list[FaultPlan] = []


class FaultPlan:
    """Collects the faults applied while it is active, and fails if one never fired.

    Use it as a context manager (``with fakes.faults.checked():``) or through the pytest
    fixture ``vss_faults`` (``fakes.pytest_fixtures``); every ``Fault.apply`` inside registers its
    ``Armed`` here. On a clean exit, :meth:`check` raises :class:`FaultNeverFired` naming every
    non-optional fault with ``fired == 0``.
    """

    def __init__(self) -> None:
        self.armed: list[Armed] = []

    def __enter__(self) -> FaultPlan:
        _PLANS.append(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        if self in _PLANS:
            _PLANS.remove(self)
        if exc_type is None:
            self.check()

    def apply(self, fault: Fault, target: object, **options: Any) -> Armed:
        """``fault.apply(target, **options)``, registered here even outside the ``with``."""
        armed = fault.apply(target, _register=False, **options)
        self.armed.append(armed)
        return armed

    def never_fired(self) -> list[Armed]:
        """The applied, non-optional faults that have not fired."""
        return [a for a in self.armed if not a.optional and a.fired == 0]

    def check(self) -> None:
        """Raise :class:`FaultNeverFired` if a non-optional fault never fired."""
        missing = self.never_fired()
        if missing:
            lines = "; ".join(a.describe() for a in missing)
            raise FaultNeverFired(
                f"{len(missing)} scripted fault(s) never fired: {lines}. Drive the target "
                "through the step the fault scripts, or apply it with optional=True"
            )


def checked() -> FaultPlan:
    """A :class:`FaultPlan` to use as ``with fakes.faults.checked() as plan:``."""
    return FaultPlan()


class Armed:
    """One fault applied to one target: how often it fired, and how to cure it.

    ``fired`` counts the times the fault took effect (a handler that failed, a call that got the
    code). ``cure()`` undoes it (the scripted action removed, the provider passing every volume
    on to the system provider, the leaked requester released, ...). ``details`` holds what the
    fault made (``provider``, ``requester``, ``error``, ...).
    """

    def __init__(
        self,
        fault: Fault,
        target: object,
        system: VssSystem,
        when: Progression,
        optional: bool,
        options: dict[str, Any],
    ) -> None:
        self.fault = fault
        self.target = target
        self.system = system
        self.when = when
        self.optional = optional
        self.options = options
        self.applied_at = system.clock.now
        self.details: dict[str, Any] = {}
        self.cured = False
        self._count = 0
        self._sessions: list[Hashable] = []
        self._undo: list[Callable[[], None]] = []
        self._probe: Callable[[], int] | None = None
        self._restarts = self._restart_count()

    def __repr__(self) -> str:
        return f"<Armed {self.fault.name} fired={self.fired}{' cured' if self.cured else ''}>"

    def describe(self) -> str:
        """The fault, its row and its target, for messages."""
        row = f" (docs/field-failures.md #{self.fault.row})" if self.fault.row else ""
        return f"{self.fault.name}{row} applied to {self.target!r} at {self.applied_at:g} s"

    # -- firing -----------------------------------------------------------------------------------

    def _restart_count(self) -> int:
        target = self.target
        if isinstance(target, CVssWriter):
            return self.system.host_restarts(target)
        return self.system.service_restarts

    def active(self, key: Hashable | None = None) -> bool:
        """Whether the fault would fire now, in the session named by ``key`` (not counted)."""
        when = self.when
        if self.cured:
            return False
        if when.until_restart and self._restart_count() > self._restarts:
            return False
        if self.system.clock.now - self.applied_at < when.delay:
            return False
        if when.times is not None and self.fired >= when.times:
            return False
        if when.session is not None:
            if key is None:
                return False
            if key not in self._sessions:
                self._sessions.append(key)
            return self._sessions.index(key) + 1 == when.session
        return True

    def fire_if_active(self, key: Hashable | None = None) -> bool:
        """``active(key)``, counting a firing when it is."""
        if not self.active(key):
            return False
        self._count += 1
        return True

    def fired_once(self) -> None:
        """Count one firing (faults that act once, at a moment of their own)."""
        self._count += 1

    def count_in_trace(self, match: Callable[[TraceRecord], bool]) -> None:
        """Count firings as the trace records, from now on, that ``match``."""
        start = len(self.system.trace)

        def probe() -> int:
            return sum(1 for record in self.system.trace[start:] if match(record))

        self._probe = probe

    @property
    def fired(self) -> int:
        """How many times the fault took effect."""
        return self._count + (self._probe() if self._probe is not None else 0)

    # -- curing ----------------------------------------------------------------------------------

    def on_cure(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` when the fault is cured (last registered, first run)."""
        self._undo.append(undo)

    def forget_cures(self) -> None:
        """What would undo the fault is gone (its requester's process ended): the fault counts
        as cured, and nothing is run."""
        self._undo.clear()
        self.cured = True

    def cure(self) -> None:
        """Undo the fault; it never fires again."""
        if self.cured:
            return
        self.cured = True
        while self._undo:
            self._undo.pop()()


def refused(call: str, code: int, *, other_than: uuid.UUID | None = None) -> Any:
    """A trace matcher: ``call`` returned the HRESULT ``code`` (in a session other than one)."""
    name = hresults.name_of(code)

    def match(record: TraceRecord) -> bool:
        return (
            record.kind is TraceKind.CALL
            and record.name == call
            and record.result == name
            and (other_than is None or record.session_id != other_than)
        )

    return match


@attrs.frozen(repr=False)
class Fault:
    """A named field failure (docs/field-failures.md #``row``), ready to apply in one line.

    ``target`` says what ``apply`` takes: a ``"writer"`` fault a ``ScriptedWriter`` (e.g.
    ``machine.writer("SqlServerWriter")``), a ``"machine"`` fault a ``VssSystem`` (or any writer on
    it). What users see with the reference requester ``requester`` (``fakes.vshadow_backup`` or
    ``fakes.restic_backup``) on a machine whose only other writer is ``fakes.SampleWriter``:
    ``code`` (the HRESULT the requester reports, None when the backup succeeds), ``writer_state``
    and ``writer_failure`` (the faulty writer's final status; for machine faults, the bystander
    writer's), and ``events`` (that writer's handlers in the failing session, in order).
    ``evidence`` names the public reports; ``mechanism`` says how the model produces it.
    """

    name: str
    row: int | None
    target: Target
    summary: str
    code: int | None
    writer_state: VSS_WRITER_STATE | None
    writer_failure: int | None
    events: tuple[str, ...]
    requester: Literal["vshadow", "restic"]
    evidence: str
    mechanism: str
    arm: Callable[[Armed], None] = attrs.field(repr=False)
    default: Progression = AT_ONCE

    def __repr__(self) -> str:
        return f"faults.{self.name}"

    def describe(self) -> str:
        """The preset's documentation: what happens, the evidence, how the model does it."""
        row = f"docs/field-failures.md #{self.row}: " if self.row else ""
        code = hresults.name_of(self.code) if self.code is not None else "none"
        return (
            f"{row}{self.summary}\n\nCode: {code}. Evidence: {self.evidence}\n\n"
            f"How: {self.mechanism}"
        )

    def apply(
        self,
        target: object,
        *,
        when: Progression | None = None,
        optional: bool = False,
        _register: bool = True,
        **options: Any,
    ) -> Armed:
        """Apply the fault to ``target``; returns its :class:`Armed` handle.

        ``when``: the :class:`Progression` (default: the preset's own); ``optional``: a
        :class:`FaultPlan` does not fail when it never fires; ``options``: the preset's own
        knobs (its docstring lists them).
        """
        system = self._system_of(target)
        if self.target == "writer" and not isinstance(target, CVssWriter):
            raise TypeError(
                f"{self.name} applies to a writer (a fakes.ScriptedWriter, e.g. "
                f"machine.writer(name)); got {target!r}"
            )
        armed = Armed(self, target, system, when or self.default, optional, dict(options))
        self.arm(armed)
        if armed.options:
            armed.cure()
            unknown = ", ".join(sorted(armed.options))
            raise TypeError(f"{self.name} takes no option {unknown} (see its mechanism)")
        if _register and _PLANS:
            _PLANS[-1].armed.append(armed)
        return armed

    def _system_of(self, target: object) -> VssSystem:
        if isinstance(target, VssSystem):
            return target
        if isinstance(target, CVssWriter):
            return system_of(target)
        raise TypeError(f"{self.name} applies to a VssSystem or a writer; got {target!r}")
