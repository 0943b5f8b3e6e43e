"""Calling a provider: traced, and its failure turned into what VSS reports (docs/reference.md §9).

A provider signals failure by raising ``VssError``; a code outside ``PROVIDER_CODES``, or any other
exception, reaches the requester as VSS_E_UNEXPECTED_PROVIDER_ERROR with the original chained.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from .._engine.recorder import TraceRecorder
from .._engine.scheduler import DeadlineExceeded, GreenletExit, current_context
from .._engine.trace import Entry, TraceKind, ViolationRule
from .._rules.limits import PROVIDER_CALL_TICKS
from .._rules.providers import PROVIDER_CODES
from .._vocabulary.errors import VssError, VssHoldWritesTimeout, VssUnexpectedProviderError
from .._vocabulary.printing import describe
from .providers import VssProvider
from .records import Session, record_violation

__all__ = ["Failed", "ProviderCalls", "call_provider", "notify_load", "notify_unload"]

_PROVIDER = TraceKind.PROVIDER
#: Told of a provider call's failure: (session, provider, method, the error about to be raised).
Failed = Callable[[Session, VssProvider, str, VssError], None]
_getcurrent = current_context


def call_provider(
    recorder: TraceRecorder,
    session: Session,
    provider: VssProvider,
    method: str,
    *args: Any,
    deadline: int | None = None,
) -> None:
    """Call ``provider.method(*args)`` for ``session``; raise what VSS would report
    (``ProviderCalls.call``)."""
    ProviderCalls(recorder).call(session, provider, method, args, deadline)


class ProviderCalls:
    """The provider calls of one machine, traced by its recorder."""

    __slots__ = ("_clock", "_scheduler", "recorder")

    def __init__(self, recorder: TraceRecorder) -> None:
        #: the trace the calls are recorded in
        self.recorder = recorder
        self._clock = recorder.clock
        self._scheduler = recorder.scheduler

    def call(
        self,
        session: Session,
        provider: VssProvider,
        method: str,
        args: tuple[Any, ...],
        deadline: int | None = None,
        failed: Failed | None = None,
    ) -> None:
        """Call ``provider.method(*args)`` for ``session``; raise what VSS would report.

        The call must return by ``deadline`` (by default ``PROVIDER_CALL_TICKS`` from now; past
        it the model gives up: VSS_E_HOLD_WRITES_TIMEOUT for CommitSnapshots, else
        VSS_E_UNEXPECTED_PROVIDER_ERROR [INF]). A BaseException from the provider is reported as
        VSS_E_UNEXPECTED_PROVIDER_ERROR too, and kept on the session to be raised once the
        operation has aborted cleanly. ``failed`` is told of the VssError to be raised before
        it propagates (creation aborts the set there, §4.2)."""
        recorder = self.recorder
        entry = recorder.record(_PROVIDER, method, session.session_id, provider.provider_name)
        clock = self._clock
        task = self._scheduler.current  # the running task (``Scheduler.running_task``), inline
        if task is not None and task._glet is not _getcurrent():
            task = None
        try:
            try:
                call: Callable[..., Any] = getattr(provider, method)
                if task is None:
                    call(*args)
                else:
                    outer = task.deadline
                    if deadline is None:
                        deadline = clock.ticks + PROVIDER_CALL_TICKS
                    task.deadline = limit = deadline if outer is None or deadline < outer else outer
                    try:
                        call(*args)
                    finally:
                        overran = clock.ticks >= limit
                        task.deadline = outer
                    if overran:
                        raise DeadlineExceeded()
            except GreenletExit:
                raise
            except DeadlineExceeded:
                _timed_out(recorder, entry, session, provider, method)
            except VssError as exc:
                entry.end_ticks = clock.ticks
                entry.result = exc.name
                if exc.hresult in PROVIDER_CODES or method == "AbortSnapshots":
                    raise
                raise VssUnexpectedProviderError(
                    f"{provider.provider_name} returned {exc.name} from {method}, which is not "
                    "a provider code; VSS reports VSS_E_UNEXPECTED_PROVIDER_ERROR "
                    "(docs/reference.md §9)"
                ) from exc
            except BaseException as exc:
                entry.end_ticks = clock.ticks
                entry.result = f"raised {type(exc).__name__}"
                record_violation(
                    recorder,
                    ViolationRule.PROVIDER_MISBEHAVED,
                    f"{provider.provider_name}.{method} raised {describe(exc)}",
                    session=session,
                )
                if not isinstance(exc, Exception) and session.escaped is None:
                    session.escaped = exc
                raise VssUnexpectedProviderError(
                    f"{provider.provider_name}.{method} failed with {describe(exc)} "
                    "(docs/reference.md §9)"
                ) from exc
        except VssError as exc:
            if failed is not None:
                failed(session, provider, method, exc)
            raise
        entry.end_ticks = clock.ticks
        entry.result = "S_OK"


def _timed_out(
    recorder: TraceRecorder,
    entry: Entry,
    session: Session,
    provider: VssProvider,
    method: str,
) -> NoReturn:
    """The provider overran its deadline: VSS gave up on it."""
    entry.result = "timed out"
    message = (
        f"{provider.provider_name}.{method} did not return in time; VSS gave up on it "
        "(docs/reference.md §6)"
    )
    recorder.record(
        TraceKind.FAULT,
        "provider timed out",
        session.session_id,
        provider.provider_name,
        detail=message,
    )
    if method == "CommitSnapshots":
        raise VssHoldWritesTimeout(
            f"{message}: CommitSnapshots runs inside the kernel's 10 s flush-and-hold window"
        ) from None
    raise VssUnexpectedProviderError(message) from None


def notify_load(recorder: TraceRecorder, provider: VssProvider) -> None:
    """OnLoad: the provider is loaded (registered, or its machine entered again). Loading and
    unloading are not traced: they happen outside every session. An OnLoad that raises is
    recorded as a violation of the provider, which stays loaded [INF]: entering a machine or
    registering a provider never fails for it."""
    try:
        provider.OnLoad(None)
    except GreenletExit:
        raise
    except Exception as exc:
        recorder.violation(
            ViolationRule.PROVIDER_MISBEHAVED,
            f"{provider.provider_name}.OnLoad raised {describe(exc)}; it must return S_OK "
            "(docs/reference.md §9)",
        )


def notify_unload(recorder: TraceRecorder, provider: VssProvider, force: bool) -> bool:
    """OnUnload(``force``): whether the provider may be released (§9).

    Unforced (unregistering), a False return (S_FALSE) keeps the provider and a VssError is
    raised as it is: OnUnload's codes are not converted. Forced (the machine closing), the
    provider must return S_OK: anything else is recorded as a violation and it is released all
    the same."""
    try:
        answer = provider.OnUnload(force)
    except GreenletExit:
        raise
    except Exception as exc:
        if not force:
            raise
        recorder.violation(
            ViolationRule.PROVIDER_MISBEHAVED,
            f"{provider.provider_name}.OnUnload(TRUE) raised {describe(exc)}; with "
            "bForceUnload TRUE it must return S_OK (docs/reference.md §9)",
        )
        return True
    declined = answer is False
    if declined and force:
        recorder.violation(
            ViolationRule.PROVIDER_MISBEHAVED,
            f"{provider.provider_name}.OnUnload(TRUE) returned S_FALSE; with bForceUnload "
            "TRUE it must return S_OK: only an unforced unload may be declined "
            "(docs/reference.md §9)",
        )
        return True
    return not declined
