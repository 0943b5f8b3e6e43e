"""What the tool commands share: raw argument passing, one-line refusals, and a requester's
waits that stop on a failing code."""

from __future__ import annotations

from typing import Any

import click

from .. import hresults
from .._vocabulary.error_base import VssError
from .._windows.async_operation import IVssAsync

__all__ = ["TOOL_CONTEXT", "Stop", "not_simulated", "wait_and_check"]

#: Arguments are passed to the tool as typed (``-p``, ``/all``), after vss-sim's own options.
TOOL_CONTEXT: dict[str, Any] = {
    "ignore_unknown_options": True,
    "allow_interspersed_args": False,
    "help_option_names": ["--help"],
}


class Stop(Exception):
    """The tool stops: ``code`` is the HRESULT that stopped it."""

    def __init__(self, code: int) -> None:
        super().__init__(hresults.name_of(code))
        self.code = code

    @property
    def name(self) -> str:
        return hresults.name_of(self.code)


def wait_and_check(op: IVssAsync) -> None:
    """Wait for an asynchronous operation; stop on a failing code."""
    try:
        op.Wait()
    except VssError as exc:
        raise Stop(exc.hresult) from None
    status = op.QueryStatus()
    if hresults.failed(status):
        raise Stop(status)


def not_simulated(what: str, exit_code: int = 2) -> None:
    """Refuse a syntax the real tool takes but the simulator does not model (one line, stderr)."""
    click.echo(f"vss-sim: {what} is not simulated", err=True)
    raise click.exceptions.Exit(exit_code)
