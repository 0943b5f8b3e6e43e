"""The installed version of vss-simulator (package metadata) and the ``--version`` option."""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from typing import Any, TypeVar

import click

__all__ = ["DISTRIBUTION", "VERSION", "version_option"]

#: The distribution's name on the package index.
DISTRIBUTION = "vss-simulator"

try:
    VERSION = metadata.version(DISTRIBUTION)
except metadata.PackageNotFoundError:  # run from a source tree that was never installed
    VERSION = "unknown"

F = TypeVar("F", bound=Callable[..., Any])


def version_option() -> Callable[[F], F]:
    """``--version``: print "vss-sim, version X" (from package metadata) and exit."""
    return click.version_option(VERSION, prog_name="vss-sim", message="%(prog)s %(version)s")
