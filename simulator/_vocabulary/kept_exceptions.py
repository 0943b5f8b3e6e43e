"""Keeping a user's exception without keeping what its frames referred to.

The machine keeps the exception a handler raised (a writer's failure cause, an operation's error)
so a later error can chain it (docs/design.md "When user code misbehaves"). Its traceback holds
the user's frames, and a frame holds every local of the handler: the requester's own
``IVssBackupComponents`` among them. Kept as it is, the machine would keep a dropped requester
alive, and a requester that is never collected is never buried: its creation lock, session slots
and auto-release copies would stay for ever.

``let_go_of_locals`` clears the locals of the user's finished frames in an exception, its causes,
contexts and group members. The traceback stays: file, line and source still print; only
``--showlocals`` has nothing to show for those frames [INF]. The model's own frames are left as
they are (their ``__tracebackhide__`` must stay readable, and they hold no requester object);
frames still running, and generators' frames (clearing one would close its generator), too.
"""

from __future__ import annotations

import contextlib
import inspect
from types import TracebackType

__all__ = ["let_go_of_locals"]

_GENERATOR_FLAGS = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
_PACKAGE = __name__.partition(".")[0]


def let_go_of_locals(error: BaseException | None) -> None:
    """Clear the locals of the user's finished frames in ``error`` and every exception it chains."""
    pending = [error]
    seen: set[int] = set()
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        _clear(exc.__traceback__)
        pending.append(exc.__cause__)
        pending.append(exc.__context__)
        members = getattr(exc, "exceptions", None)
        if isinstance(members, tuple):
            pending.extend(m for m in members if isinstance(m, BaseException))


def _clear(tb: TracebackType | None) -> None:
    while tb is not None:
        frame = tb.tb_frame
        module = frame.f_globals.get("__name__")
        ours = isinstance(module, str) and module.partition(".")[0] == _PACKAGE
        if not ours and not frame.f_code.co_flags & _GENERATOR_FLAGS:
            with contextlib.suppress(RuntimeError):  # still running: its locals are its own
                frame.clear()
        tb = tb.tb_next
