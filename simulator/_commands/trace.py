"""``vss-sim trace``: the last run's trace as JSON lines, a Chrome trace-event timeline (Perfetto),
a Mermaid sequence diagram or a self-contained HTML page (``simulator.trace_export``).

``vss-sim demo`` and each run of ``vss-sim vshadow``, ``vssadmin`` and ``diskshadow`` save their
trace (the last run's replaces the one before) beside the command line's machine state file
(``machine_state.default_state_path``: ``$XDG_STATE_HOME/vss-sim/machine.json``, or under
``~/.local/state`` when XDG_STATE_HOME is unset or not absolute), as ``last-trace.jsonl`` in the
same folder; ``--state PATH`` names another state file, and the trace is then kept beside that
one. A missing or unreadable trace is a one-line error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from .._engine.trace import TraceRecord
from .._presentation.trace_export import read_jsonl, to_jsonl
from .._presentation.trace_export_chrome import to_chrome_trace
from .._presentation.trace_export_html import to_html
from .._presentation.trace_export_sequence import to_mermaid
from .files import write_atomically
from .last_trace import LAST_TRACE, save_trace_beside, trace_path_beside
from .machine_state import default_state_path

__all__ = ["LAST_TRACE", "last_trace_path", "save_last_trace", "trace"]

_FORMATS: dict[str, tuple[str, Callable[[Sequence[TraceRecord]], str]]] = {
    "jsonl": ("JSON lines", to_jsonl),
    "chrome": ("Chrome trace-event JSON (open it in ui.perfetto.dev)", to_chrome_trace),
    "mermaid": ("a Mermaid sequence diagram", to_mermaid),
    "html": ("an HTML page (open it in a browser)", to_html),
}

STATE_HELP = (
    "The machine's state file; the trace is kept beside it, as last-trace.jsonl "
    "(default: $XDG_STATE_HOME/vss-sim/machine.json)."
)


def last_trace_path(state: str | os.PathLike[str] | None = None) -> Path:
    """Where the last run's trace is kept: beside the state file (see the module docstring)."""
    return trace_path_beside(Path(state) if state is not None else default_state_path())


def save_last_trace(records: Sequence[TraceRecord], state: str | None = None) -> Path:
    """Write ``records`` as the last run's trace (atomically); the folder is made if missing."""
    return save_trace_beside(records, Path(state) if state is not None else default_state_path())


def _load(path: Path) -> list[TraceRecord]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise click.ClickException(
            f"no trace at {path}: run `vss-sim demo` first (it saves its trace there)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise click.ClickException(f"cannot read {path}: {reason}") from None
    try:
        return read_jsonl(text)
    except ValueError as exc:
        raise click.ClickException(f"{path}: {exc}") from None


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(_FORMATS)),
    default="jsonl",
    show_default=True,
    help="jsonl: the records; chrome: a timeline for Perfetto, one track per session and "
    "per writer; mermaid: a sequence diagram; html: that diagram as a page, with filters.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@click.option("--state", type=click.Path(dir_okay=False), default=None, help=STATE_HELP)
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False),
    default=None,
    help="Read this JSON-lines trace instead of the last run's (e.g. a demo's --trace-out).",
)
def trace(fmt: str, out: str | None, state: str | None, source: str | None) -> None:
    """The last run's trace (of `vss-sim demo`, vshadow, vssadmin or diskshadow) as JSON lines,
    a timeline or a diagram."""
    path = Path(source) if source is not None else last_trace_path(state)
    records = _load(path)
    what, render = _FORMATS[fmt]
    text = (
        to_html(records, title=f"vss-sim trace: {path.name}") if fmt == "html" else render(records)
    )
    if out is None:
        click.echo(text, nl=False)
        return
    written = write_atomically(out, text)
    click.echo(f"trace: {len(records)} records from {path} written to {written} as {what}")
