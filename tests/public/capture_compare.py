"""Line-by-line comparison of the simulated tools' output with the real captures
(``tests.helpers.REAL_DATA / "captures"``), after substituting the machine's ids, dates, device
numbers and host name for the capture's."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.helpers import REAL_DATA

CAPTURES = REAL_DATA / "captures"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
DATE = re.compile(r"\d{1,4}[/-]\d{1,2}[/-]\d{1,4} \d{1,2}:\d{2}:\d{2}( [AP]M)?")
DEVICE = re.compile(r"(\\\\\?\\GLOBALROOT\\Device\\)\S+")
HOSTS = re.compile(r"\b(SIMHOST|HOSTNAME|HOST)\b")


def capture(name: str) -> list[str]:
    """The capture's lines, without a leading command prompt and without the lines the
    publisher's copy was cut at; skipped when the captures are absent."""
    path = CAPTURES / name
    if not path.is_file():
        pytest.skip(f"capture {name} is not available")
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if lines and re.match(r"^[A-Z]:\\.*>", lines[0]):
        lines.pop(0)
    cut = next((i for i, line in enumerate(lines) if line.startswith("[... truncated")), None)
    return lines if cut is None else lines[:cut]


def _plain(line: str) -> str:
    line = DATE.sub("<DATE>", line)
    line = DEVICE.sub(r"\1<DEVICE>", line)
    return HOSTS.sub("<HOST>", line)


def assert_lines_match(ours: str | Sequence[str], theirs: Sequence[str]) -> None:
    """Every capture line equals ours at the same place, GUIDs mapped one to one (the machine's
    id for the capture's, consistently), dates, shadow copy devices and host names substituted,
    trailing spaces ignored; a capture line ``...`` (the publisher's elision) stands for any
    number of our lines."""
    mine = ours.split("\n") if isinstance(ours, str) else list(ours)
    if isinstance(ours, str) and mine and mine[-1] == "":
        mine.pop()
    mapping: dict[str, str] = {}
    at = 0
    for index, expected in enumerate(theirs):
        if expected.strip() == "...":
            following = next((t for t in theirs[index + 1 :] if t.strip() != "..."), None)
            while at < len(mine) and (
                following is None or not _same(mine[at], following, dict(mapping))
            ):
                at += 1
            continue
        assert at < len(mine), f"our output ends before capture line {index + 1}: {expected!r}"
        assert _same(mine[at], expected, mapping), (
            f"line {at + 1} differs from capture line {index + 1}:\n  ours:    {mine[at]!r}\n"
            f"  capture: {expected!r}"
        )
        at += 1
    assert at == len(mine), f"our output goes on after the capture ends: {mine[at:]!r}"


def _same(ours: str, theirs: str, mapping: dict[str, str]) -> bool:
    our_ids = GUID.findall(ours)
    their_ids = GUID.findall(theirs)
    if len(our_ids) != len(their_ids):
        return False
    for mine, other in zip(our_ids, their_ids, strict=True):
        if mapping.setdefault(mine.lower(), other.lower()) != other.lower():
            return False
        ours = ours.replace(mine, other.lower())
    return _plain(ours).rstrip() == _plain(theirs).rstrip()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
