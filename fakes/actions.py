"""What a scripted writer's handler does: small frozen action records (``Succeed``, ``Fail``,
``Veto``, ``ReportFailure``, ``Raise``, ``Sleep``, ``WrongThread``).

An action with ``times=n`` fires on the first ``n`` deliveries of its event only; later ones
succeed.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import attrs

from simulator import (
    VSS_APPLICATION_LEVEL,
    VSS_COMPONENT_TYPE,
    VSS_RESTOREMETHOD_ENUM,
    VSS_SOURCE_TYPE,
    VSS_USAGE_TYPE,
    VSS_WRITERRESTORE_ENUM,
    VssError,
    WriterEvent,
    hresults,
    system_of,
)
from simulator.rules import WRITER_FAILURE_CODES

if TYPE_CHECKING:
    from .writers import ScriptedWriter

E = WriterEvent
UT = VSS_USAGE_TYPE
ST = VSS_SOURCE_TYPE
APP = VSS_APPLICATION_LEVEL
RME = VSS_RESTOREMETHOD_ENUM
WRE = VSS_WRITERRESTORE_ENUM
FILEGROUP = VSS_COMPONENT_TYPE.VSS_CT_FILEGROUP
DATABASE = VSS_COMPONENT_TYPE.VSS_CT_DATABASE


# ---------------------------------------------------------------------------------------------
# Actions: what a handler does, as data
# ---------------------------------------------------------------------------------------------


def _check_times(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValueError(f"times={value!r} must be None or a positive integer")


def _check_failure_code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in WRITER_FAILURE_CODES:
        allowed = ", ".join(hresults.name_of(code) for code in sorted(WRITER_FAILURE_CODES))
        raise ValueError(
            f"{attribute.name}={value!r} must be one of {allowed} (docs/reference.md §1.5)"
        )


def _times_repr(times: int | None) -> str:
    return "" if times is None else f"times={times}"


def _call_repr(name: str, *parts: str) -> str:
    return f"{name}({', '.join(p for p in parts if p)})"


@attrs.frozen(repr=False)
class Action:
    """What a handler does. ``times``: fire on the first ``times`` deliveries only (None: always)."""

    times: int | None = attrs.field(default=None, kw_only=True, validator=_check_times)

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        """Do it inside the handler; the handler returns the result."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return _call_repr(type(self).__name__, _times_repr(self.times))


@attrs.frozen(repr=False)
class Succeed(Action):
    """Return true."""

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        return True


@attrs.frozen(repr=False)
class Fail(Action):
    """Return false without a failure code (the writer's failure code stays S_OK)."""

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        return False


@attrs.frozen(repr=False)
class Veto(Action):
    """SetWriterFailure(hr), then return false: a writer veto (docs/field-failures.md #4).

    ``hr=None`` reports VSS_E_WRITERERROR_NONRETRYABLE. In OnIdentify SetWriterFailure is refused
    (docs/reference.md §1.5): the refusal is recorded as a violation, kept in ``writer.errors``, and the
    handler still returns false.
    """

    hr: int | None = attrs.field(default=None)

    @hr.validator
    def _check_hr(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None:
            _check_failure_code(self, attribute, value)

    @property
    def code(self) -> int:
        """The code reported."""
        return hresults.VSS_E_WRITERERROR_NONRETRYABLE if self.hr is None else self.hr

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        writer._set_failure(self.code)
        return False

    def __repr__(self) -> str:
        hr = "" if self.hr is None else f"hr={hresults.name_of(self.hr)}"
        return _call_repr("Veto", hr, _times_repr(self.times))


@attrs.frozen(repr=False)
class ReportFailure(Action):
    """SetWriterFailure(hr), then return true: the event still counts as failed (docs/reference.md §2.2)."""

    hr: int = attrs.field(validator=_check_failure_code)

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        writer._set_failure(self.hr)
        return True

    def __repr__(self) -> str:
        return _call_repr("ReportFailure", hresults.name_of(self.hr), _times_repr(self.times))


def _check_exception(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, Exception):
        return
    if isinstance(value, type) and issubclass(value, Exception):
        return
    raise TypeError(f"{attribute.name}={value!r} must be an Exception instance or class")


@attrs.frozen(repr=False)
class Raise(Action):
    """Raise ``exc`` (an instance, or a class instantiated each time) out of the handler.

    Handlers must never throw (docs/reference.md §1.1): the model records a ``handler-raised`` violation and
    fails the event with VSS_E_WRITERERROR_NONRETRYABLE.
    """

    exc: Exception | type[Exception] = attrs.field(default=RuntimeError, validator=_check_exception)

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        exc = self.exc
        raise exc() if isinstance(exc, type) else exc

    def __repr__(self) -> str:
        exc = self.exc
        text = exc.__name__ if isinstance(exc, type) else repr(exc)
        return _call_repr("Raise", text, _times_repr(self.times))


@attrs.frozen(repr=False)
class Sleep(Action):
    """Spend ``seconds`` of virtual time in the handler, then do ``then`` (default: succeed)."""

    seconds: float = attrs.field()
    then: Action = attrs.field(factory=Succeed)

    @seconds.validator
    def _check_seconds(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
            raise ValueError(f"seconds={value!r} must be a number >= 0")

    @then.validator
    def _check_then(self, attribute: attrs.Attribute[Action], value: Action) -> None:
        if not isinstance(value, Action):
            raise TypeError(f"then={value!r} must be an action")

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        system_of(writer).sleep(self.seconds)
        return self.then.perform(writer, event)

    def __repr__(self) -> str:
        then = (
            ""
            if isinstance(self.then, Succeed) and self.then.times is None
            else f"then={self.then!r}"
        )
        return _call_repr("Sleep", repr(self.seconds), then, _times_repr(self.times))


_THREAD_BOUND = ("GetSessionId", "SetWriterFailure", "SetWriterFailureEx")


@attrs.frozen(repr=False)
class WrongThread(Action):
    """Call ``method`` (GetSessionId by default) from a worker thread, then return true.

    The thread rule (docs/reference.md §1.5, docs/field-failures.md #18) refuses the call with ``WrongThreadError``
    (VSS_E_BAD_STATE) and records a ``wrong-thread`` violation; the error is kept in
    ``writer.errors``. The worker thread is named ``"<writer name> worker"``.
    """

    method: str = attrs.field(default="GetSessionId")

    @method.validator
    def _check_method(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in _THREAD_BOUND:
            raise ValueError(f"method={value!r} must be one of {', '.join(_THREAD_BOUND)}")

    def perform(self, writer: ScriptedWriter, event: WriterEvent) -> bool:
        def work() -> None:
            try:
                if self.method == "GetSessionId":
                    writer.GetSessionId()
                elif self.method == "SetWriterFailure":
                    writer.SetWriterFailure(hresults.VSS_E_WRITERERROR_RETRYABLE)
                else:
                    writer.SetWriterFailureEx(hresults.VSS_E_WRITERERROR_RETRYABLE)
            except VssError as exc:
                writer.errors.append(exc)

        worker = threading.Thread(target=work, name=f"{writer.name} worker")
        worker.start()
        worker.join()
        return True

    def __repr__(self) -> str:
        method = "" if self.method == "GetSessionId" else repr(self.method)
        return _call_repr("WrongThread", method, _times_repr(self.times))
