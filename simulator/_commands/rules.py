"""``vss-sim rules``: the rules tables, as ``docs/rules.md`` holds them (``--format markdown``) or
laid out for a terminal: paragraphs wrapped, and each table row a list entry, its first cell
as the entry and the other cells as "column: value" lines under it.

The terminal width is the terminal's, kept within 80 to 120 columns (``--width`` sets it).
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterator

import click

from .._presentation.rules_doc import render_rules

__all__ = ["as_terminal_text", "rules"]

_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
MIN_WIDTH, MAX_WIDTH = 80, 120


def _plain(text: str) -> str:
    """Inline Markdown as text: no backticks; a link to a sibling document names it in docs/."""
    text = _LINK.sub(
        lambda m: f"{m[1]} (docs/{m[2]})" if "/" not in m[2] else f"{m[1]} ({m[2]})", text
    )
    return text.replace("`", "")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(lines: list[str], width: int) -> Iterator[str]:
    header = [_plain(cell) for cell in _cells(lines[0])]
    for line in lines[2:]:
        cells = [_plain(cell) for cell in _cells(line)]
        yield from textwrap.wrap(cells[0], width, initial_indent="* ", subsequent_indent="  ")
        for name, value in zip(header[1:], cells[1:], strict=False):
            yield from textwrap.wrap(
                f"{name}: {value}", width, initial_indent="    ", subsequent_indent="      "
            )


def as_terminal_text(markdown: str, width: int) -> str:
    """``markdown`` (headings, paragraphs, tables) as text no line of which is over ``width``."""
    out: list[str] = []
    blocks = re.split(r"\n\s*\n", markdown.strip("\n"))
    for block in blocks:
        lines = block.splitlines()
        first = lines[0]
        if first.startswith("#"):
            level = len(first) - len(first.lstrip("#"))
            title = _plain(first.lstrip("#").strip())
            wrapped = textwrap.wrap(title, width) or [""]
            out.extend(wrapped)
            if level <= 2:
                out.append(("=" if level == 1 else "-") * min(width, max(map(len, wrapped))))
        elif first.startswith("|") and len(lines) > 1 and set(lines[1]) <= set("|-: "):
            out.extend(_table(lines, width))
        else:
            out.extend(textwrap.wrap(_plain(" ".join(lines)), width))
        out.append("")
    return "\n".join(out)


def _terminal_width() -> int:
    return min(max(shutil.get_terminal_size((MIN_WIDTH, 24)).columns, MIN_WIDTH), MAX_WIDTH)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text: laid out for a terminal; markdown: docs/rules.md exactly.",
)
@click.option(
    "--width",
    type=click.IntRange(40, 400),
    default=None,
    help=f"Columns for --format text (default: the terminal's, within {MIN_WIDTH}-{MAX_WIDTH}).",
)
def rules(fmt: str, width: int | None) -> None:
    """Print the rules tables (call order, writer states, writer calls, component calls)."""
    markdown = render_rules()
    if fmt == "markdown":
        click.echo(markdown, nl=False)
        return
    click.echo(as_terminal_text(markdown, width or _terminal_width()), nl=False)
