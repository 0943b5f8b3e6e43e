"""The last run's trace, kept as ``last-trace.jsonl`` in the folder of the machine state file
(``vss-sim trace`` reads it; ``trace.py`` says where that file is by default)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from .._engine.trace import TraceRecord
from .._presentation.trace_export import to_jsonl
from .files import write_atomically

__all__ = ["LAST_TRACE", "save_trace_beside", "trace_path_beside"]

#: The file name of the saved trace inside the state folder.
LAST_TRACE = "last-trace.jsonl"


def trace_path_beside(state_file: Path) -> Path:
    """Where the trace of a run on the machine in ``state_file`` is kept."""
    return state_file.parent / LAST_TRACE


def save_trace_beside(records: Sequence[TraceRecord], state_file: Path) -> Path:
    """Write ``records`` beside ``state_file`` (atomically); the folder is made if missing."""
    path = trace_path_beside(state_file)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"cannot make folder {path.parent}: {exc.strerror}") from None
    return write_atomically(path, to_jsonl(records))
