"""Keeping a user's exception without keeping what its frames referred to.

The machine keeps the exception a handler or a provider raised (a writer's failure cause, an
operation's error) so that a later error can chain it (docs/design.md "When user code
misbehaves"). Its traceback holds frames, each frame every local it had and the frame that called
it: the handler's locals (the requester's own ``IVssBackupComponents`` among them), the model's
frames up to the operation's task, and, once the exception is raised on to the requester, the
requester's frames too. Kept as it is, the machine would keep a dropped requester alive, and a
requester that is never collected is never buried: its creation lock, session slots and
auto-release copies would stay for ever.

``detach`` keeps the exception (its type, message, cause, context, group members and notes) and
turns its traceback into text: the user's frames (file, line, function, source line) become a
PEP 678 note, and ``__traceback__`` is dropped [INF]. The model's own frames are left out of
the note, as ``__tracebackhide__`` leaves them out of pytest's tracebacks.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from types import TracebackType

__all__ = ["NOTE_HEADER", "detach"]

#: The first line of the note that keeps a detached traceback.
NOTE_HEADER = "Raised at (most recent call last):"
_PACKAGE = __name__.partition(".")[0]
#: At most this many of the user's frames are kept in the note (the innermost).
_FRAMES = 12


def detach(error: BaseException | None) -> None:
    """Turn the traceback of ``error`` and of every exception it chains into a note."""
    pending = [error]
    seen: set[int] = set()
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        tb = exc.__traceback__
        if tb is not None:
            text = _user_frames(tb)
            exc.__traceback__ = None
            if text:
                _note(exc, f"{NOTE_HEADER}\n{text}")
        pending.append(exc.__cause__)
        pending.append(exc.__context__)
        members = getattr(exc, "exceptions", None)
        if isinstance(members, tuple):
            pending.extend(m for m in members if isinstance(m, BaseException))


def _note(exc: BaseException, note: str) -> None:
    """PEP 678's ``add_note``; on Python 3.10, which lacks it, the ``__notes__`` list it makes
    (pytest and the ``exceptiongroup`` backport print it there too)."""
    if sys.version_info >= (3, 11):
        exc.add_note(note)
        return
    with contextlib.suppress(AttributeError):  # an exception class with __slots__ keeps none
        exc.__notes__ = [*getattr(exc, "__notes__", ()), note]  # type: ignore[attr-defined]


def _user_frames(tb: TracebackType) -> str:
    frames = []
    for frame, line in traceback.walk_tb(tb):
        module = frame.f_globals.get("__name__")
        if not (isinstance(module, str) and module.partition(".")[0] == _PACKAGE):
            frames.append((frame, line))
    summary = traceback.StackSummary.extract(frames[-_FRAMES:], lookup_lines=True)
    return "".join(summary.format()).rstrip()
