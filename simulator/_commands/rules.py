"""``vss-sim rules``: the rules tables, as ``docs/rules.md`` holds them."""

from __future__ import annotations

import click

from .._presentation.rules_doc import render_rules

__all__ = ["rules"]


@click.command()
def rules() -> None:
    """Print the rules tables (call order, writer states, writer calls) as Markdown."""
    click.echo(render_rules(), nl=False)
