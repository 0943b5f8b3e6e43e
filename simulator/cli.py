"""The ``vss-sim`` console script (also ``python -m simulator``), a thin layer over the library.

Each command lives in its own module of ``simulator/_commands/``; this module only gathers them.
"""

from __future__ import annotations

import click

from ._commands.demo import demo
from ._commands.diskshadow import diskshadow
from ._commands.rules import rules
from ._commands.trace import trace
from ._commands.version import version_option
from ._commands.vshadow import vshadow
from ._commands.vssadmin import vssadmin
from .harness.sweep_cli import register_commands

__all__ = ["demo", "main", "rules", "trace"]


@click.group()
@version_option()
def main() -> None:
    """vss-sim: a deterministic model of the Windows Volume Shadow Copy Service."""


main.add_command(demo)
main.add_command(rules)
main.add_command(trace)
main.add_command(vshadow)
main.add_command(vssadmin)
main.add_command(diskshadow)
register_commands(main)
