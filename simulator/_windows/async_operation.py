"""IVssAsync: the handle of an asynchronous operation (docs/reference.md §3.4)."""

from __future__ import annotations

import copy
import threading

from .. import hresults as hr
from .._engine.scheduler import Task
from .._service.machine import Machine
from .._service.records import Session
from .._vocabulary.clock import TICKS_PER_MILLISECOND
from .._vocabulary.enums import INFINITE
from .._vocabulary.errors import VssBadState, VssError, VssInvalidArg
from .._vocabulary.kept_exceptions import detach
from .._vocabulary.printing import describe

__all__ = ["IVssAsync"]

_get_ident = threading.get_ident


class IVssAsync:
    """An asynchronous operation's handle: Wait, QueryStatus, Cancel."""

    def __init__(
        self, machine: Machine, name: str, session: Session | None = None, owner: object = None
    ) -> None:
        self._machine = machine
        self.name = name
        self._task: Task | None = None
        self._error: BaseException | None = None
        self.cancelled = False
        self._cancel_asked = False
        self._session = session
        #: the requester object, held while the operation runs
        self._owner = owner

    @property
    def error(self) -> BaseException | None:
        """What the operation failed with, if it failed."""
        return self._error

    @error.setter
    def error(self, error: BaseException | None) -> None:
        # Kept with its traceback as text: a frame naming the requester's object
        # must not keep a dropped requester alive (``kept_exceptions``).
        detach(error)
        self._error = error

    @property
    def done(self) -> bool:
        """Whether the operation has ended (finished, failed or cancelled)."""
        return self._task is not None and self._task.done

    def Wait(self, timeout_ms: int = INFINITE) -> None:
        """Block until the operation ends; raise its VssError if it failed.

        With a finite ``timeout_ms`` Wait returns after that much virtual time even if the operation
        still runs; QueryStatus then says VSS_S_ASYNC_PENDING ([INF], restic's deadline pattern).
        """
        __tracebackhide__ = True
        task = self._task
        assert task is not None
        if type(timeout_ms) is int and timeout_ms == INFINITE:
            deadline = None
        else:
            deadline = self._deadline(timeout_ms)
        scheduler = self._machine.scheduler
        current = scheduler.current
        if current is None and not task.done and _get_ident() == scheduler.owner:
            # The requester's own thread, outside every task: it drives the loop until the
            # operation ends (``Scheduler.join``, inline).
            scheduler.run_until(task, deadline)
        else:
            if current is task and scheduler.running_task() is task:
                raise VssBadState(
                    f"Wait was called from inside a handler of the {self.name} operation it "
                    "waits for: the operation would wait on itself. A handler must not wait "
                    "for the operation that invoked it"
                )
            scheduler.join(task, deadline)
        error = self._error
        if error is not None and task.done:
            if isinstance(error, VssError):
                # The model's own frames on the operation's task explain nothing to the user;
                # the message and the chained cause (the handler's exception) do. A copy is
                # raised: the error the operation keeps must not gather the caller's frames
                # (their locals would keep a dropped requester alive).
                raise _fresh(error).with_traceback(None)
            raise _fresh(error)

    def _deadline(self, timeout_ms: object) -> int | None:
        """The virtual time a Wait of ``timeout_ms`` ends at, None for INFINITE; an invalid
        timeout is refused (E_INVALIDARG)."""
        machine = self._machine
        if not isinstance(timeout_ms, int) or isinstance(timeout_ms, bool):
            raise VssInvalidArg(
                f"Wait: timeout_ms must be an integer number of ms or INFINITE, got "
                f"{describe(timeout_ms)}"
            )
        if timeout_ms == INFINITE:
            return None
        if machine.windows.wait_infinite_only:
            raise VssInvalidArg(
                f"Wait: Windows Server {machine.windows.name} takes only INFINITE, got "
                f"{timeout_ms} (docs/reference.md §3.4, §12)"
            )
        if timeout_ms < 0:
            raise VssInvalidArg(f"Wait: timeout_ms must be >= 0 or INFINITE, got {timeout_ms}")
        return machine.clock.ticks + timeout_ms * TICKS_PER_MILLISECOND

    def QueryStatus(self) -> int:
        """VSS_S_ASYNC_PENDING, VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_CANCELLED or the error HRESULT."""
        if not self.done:
            return hr.VSS_S_ASYNC_PENDING
        return self._final_status()

    def _final_status(self) -> int:
        if self.cancelled:
            return hr.VSS_S_ASYNC_CANCELLED
        error = self._error
        if isinstance(error, VssError):
            return error.hresult
        if error is not None:
            return self._machine.windows.unexpected_code
        return hr.VSS_S_ASYNC_FINISHED

    def Cancel(self) -> int:
        """Ask the operation to stop at its next step; returns what QueryStatus would say after."""
        if self.done:
            return self.QueryStatus()
        if self._cancel_asked:
            return hr.VSS_S_ASYNC_CANCELLED
        self._cancel_asked = True
        if self._session is not None:
            self._session.abort_requested = True
            self._session.cancel_requested = True
        return hr.S_OK

    def __repr__(self) -> str:
        return f"<IVssAsync {self.name} {hr.name_of(self.QueryStatus())}>"


def _fresh(error: BaseException) -> BaseException:
    """A copy of ``error`` to raise (its cause, context and notes kept), so that the error the
    operation keeps gathers none of the caller's frames; ``error`` itself when it cannot be
    copied (a user's exception class may not allow it)."""
    try:
        raised = copy.copy(error)
    except Exception:
        return error
    if type(raised) is not type(error):
        return error
    raised.__cause__ = error.__cause__
    raised.__context__ = error.__context__
    raised.__suppress_context__ = error.__suppress_context__
    raised.__traceback__ = error.__traceback__
    notes = getattr(error, "__notes__", None)
    if notes is not None:  # its own list: a note added to what is raised stays off the kept error
        raised.__notes__ = list(notes)  # type: ignore[attr-defined]
    return raised
