"""Thread identity for the thread rule (docs/reference.md §1.5 "Threading rule").

A handler runs on a simulator task: a greenlet hosted by one OS thread. Its identity is the pair
(OS thread ident, greenlet), so a call from a worker the writer started with ``threading`` or
``concurrent.futures`` (another OS thread) and a call from another session's handler (another
greenlet on the same OS thread) both differ from the handler's own.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from .scheduler import current_context as getcurrent

__all__ = ["ThreadKey", "current_thread_key"]

ThreadKey = tuple[int, Hashable]

_get_ident = threading.get_ident


def current_thread_key() -> ThreadKey:
    """The identity of the code running now: (OS thread ident, greenlet)."""
    return (_get_ident(), getcurrent())
