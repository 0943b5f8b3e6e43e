"""``vssadmin list | add | resize | delete shadowstorage``: their syntax, and their text made from
the machine's diff areas (docs/reference.md §10.5), for the command-line tools to use.

The layout is vssadmin's: one "Shadow Copy Storage association" block per diff area, volumes as
``(C:)\\\\?\\Volume{...}\\``, sizes with a binary unit and the share of the storage volume in
parentheses ([OBS] layout; the rounding is [INF]), a blank line between two blocks and none
after the last, as vssadmin's other listings end.

The syntax is Microsoft's (docs/reference.md §10.5): ``list shadowstorage [/for=V | /on=V]``,
``add shadowstorage /for=V /on=V [/maxsize=S]``, ``resize shadowstorage /for=V /on=V
[/maxsize=S]`` and ``delete shadowstorage /for=V [/on=V] [/quiet]``, options case-insensitive. A MaxSizeSpec is a number of bytes, a number with a
unit (B, KB, MB, GB, TB, PB, EB, or K, M, G, T, P, E), a whole percentage of the storage volume
(``20%``), or ``UNBOUNDED``; no /maxsize is UNBOUNDED. Policies where the documentation is silent
([INF], docs/design.md): units are binary (1 MB = 1048576 bytes), a number may have a decimal
part (bytes are rounded down), a percentage is a whole number from 1 to 100 of the storage
volume's size. ``delete shadowstorage`` prints the banner only: no capture or Microsoft page
shows the line vssadmin prints once an association is deleted, so none is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from .vssadmin_text import vssadmin_banner

if TYPE_CHECKING:
    from .._service.diff_area import DiffArea
    from .._service.machine import Machine
    from .._service.records import Volume

__all__ = [
    "ADDED",
    "COMMANDS",
    "DELETED",
    "MIN_MAX_SIZE",
    "NO_ITEMS",
    "RESIZED",
    "ShadowStorageCommand",
    "format_size",
    "max_size_bytes",
    "parse_shadow_storage",
    "vssadmin_shadow_storage",
]

_UNITS = ("B", "KB", "MB", "GB", "TB")
RESIZED = "Successfully resized the shadow copy storage association\n"
ADDED = "Successfully added the shadow copy storage association\n"
NO_ITEMS = "No items found that satisfy the query.\n"
#: What ``delete shadowstorage`` prints after the banner: nothing, as no capture or page shows it.
DELETED = ""
#: "The MaxSizeSpec value must be 1 MB or greater" (vssadmin resize shadowstorage, §10.5).
MIN_MAX_SIZE = 1024 * 1024
#: The commands this module parses.
COMMANDS = (
    "list shadowstorage",
    "add shadowstorage",
    "resize shadowstorage",
    "delete shadowstorage",
)
_MULTIPLIERS: dict[str, int] = {
    unit: 1024**power
    for power, units in enumerate(
        (("", "B"), ("K", "KB"), ("M", "MB"), ("G", "GB"), ("T", "TB"), ("P", "PB"), ("E", "EB"))
    )
    for unit in units
}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Za-z]*)")
_PERCENT = re.compile(r"(\d+)%")


@attrs.frozen
class ShadowStorageCommand:
    """One shadowstorage command line: ``name`` (one of ``COMMANDS``) and its options."""

    name: str
    for_volume: str | None = None
    on_volume: str | None = None
    #: The MaxSizeSpec as typed; None: no /maxsize (UNBOUNDED).
    max_size: str | None = None
    #: ``/quiet`` (delete shadowstorage only).
    quiet: bool = False


def _valid_size(spec: str) -> bool:
    if spec.upper() == "UNBOUNDED":
        return True
    percent = _PERCENT.fullmatch(spec)
    if percent is not None:
        return 1 <= int(percent.group(1)) <= 100
    size = _SIZE.fullmatch(spec)
    return size is not None and size.group(2).upper() in _MULTIPLIERS


def max_size_bytes(spec: str | None, storage_bytes: int) -> int | None:
    """The maximum a valid MaxSizeSpec names, in bytes (None: UNBOUNDED); a percentage is of
    ``storage_bytes``, the storage volume's size."""
    if spec is None or spec.upper() == "UNBOUNDED":
        return None
    percent = _PERCENT.fullmatch(spec)
    if percent is not None:
        return storage_bytes * int(percent.group(1)) // 100
    size = _SIZE.fullmatch(spec)
    if size is None or size.group(2).upper() not in _MULTIPLIERS:
        raise ValueError(f"{spec!r} is not a MaxSizeSpec")
    number, unit = size.groups()
    whole, _, fraction = number.partition(".")
    fraction = fraction or "0"
    multiplier = _MULTIPLIERS[unit.upper()]
    return int(whole) * multiplier + int(fraction) * multiplier // int(10 ** len(fraction))


def parse_shadow_storage(words: Sequence[str]) -> ShadowStorageCommand | None:
    """The shadowstorage command ``words`` spell, or None when vssadmin rejects them (an
    unknown or repeated option, a missing /for, a missing /on for add and resize, /for with
    /on in a listing, a MaxSizeSpec that is not one, a value given to /quiet). ``words[:2]``
    must name one of ``COMMANDS``."""
    name = " ".join(words[:2]).lower()
    if name not in COMMANDS:
        raise ValueError(f"{name!r} is not a shadowstorage command")
    allowed = (
        ("for", "on", "maxsize")
        if name in ("add shadowstorage", "resize shadowstorage")
        else ("for", "on")
    )
    flags = ("quiet",) if name == "delete shadowstorage" else ()
    options: dict[str, str | None] = {}
    for word in words[2:]:
        key, equals, value = word[1:].partition("=")
        key = key.lower()
        if not word.startswith("/") or key in options:
            return None
        if key in flags and not equals:
            options[key] = None
        elif key in allowed and equals and value:
            options[key] = value
        else:
            return None
    if name == "list shadowstorage":
        if len(options) > 1:
            return None
    elif "for" not in options or ("on" not in options and name != "delete shadowstorage"):
        return None
    spec = options.get("maxsize")
    if spec is not None and not _valid_size(spec):
        return None
    return ShadowStorageCommand(
        name, options.get("for"), options.get("on"), spec, quiet="quiet" in options
    )


def format_size(size: int) -> str:
    """``size`` bytes as vssadmin writes them: ``320 MB``, ``1.5 GB``."""
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} {_UNITS[unit]}"


def _volume(volume: Volume) -> str:
    drive = volume.name.rstrip("\\") if len(volume.name) <= 3 else volume.name
    return f"({drive}){volume.guid_path}"


def _share(size: int, whole: int) -> str:
    return f"{format_size(size)} ({size * 100 // max(whole, 1)}%)"


def _block(machine: Machine, area: DiffArea) -> str:
    storage = area.storage
    used = area.used_bytes
    allocated = max(used, machine.storage.minimum(area.volume)) if used else 0
    maximum = (
        f"UNBOUNDED ({100}%)"
        if area.max_bytes is None
        else _share(area.max_bytes, storage.size_bytes)
    )
    return (
        "Shadow Copy Storage association\n"
        f"   For volume: {_volume(area.volume)}\n"
        f"   Shadow Copy Storage volume: {_volume(storage)}\n"
        f"   Used Shadow Copy Storage space: {_share(used, storage.size_bytes)}\n"
        f"   Allocated Shadow Copy Storage space: {_share(allocated, storage.size_bytes)}\n"
        f"   Maximum Shadow Copy Storage space: {maximum}\n"
    )


def _find(machine: Machine, name: str) -> Volume:
    found = machine.find_volume(name)
    if found is None:
        raise ValueError(f"no volume {name!r} on this machine")
    return found


def vssadmin_shadow_storage(machine: Machine, command: str) -> str:
    """``list shadowstorage [/for= | /on=]`` (the diff areas in use, those for or on one volume)
    or what ``add`` / ``resize`` / ``delete shadowstorage`` prints once the change is made
    (``VssSystem.resize_shadow_storage`` and ``delete_shadow_storage`` make it; their options
    are not read here)."""
    words = command.split()
    name = " ".join(words[:2]).lower()
    banner = vssadmin_banner(machine)
    if name == "delete shadowstorage":
        # The banner only: no capture or page shows vssadmin's line after the deletion.
        return banner + "\n" + DELETED
    if name == "resize shadowstorage":
        return banner + "\n" + RESIZED
    if name == "add shadowstorage":
        return banner + "\n" + ADDED
    parsed = parse_shadow_storage(words) if name == "list shadowstorage" else None
    if parsed is None:
        raise ValueError(
            f"vssadmin {command!r}: try 'list shadowstorage [/for=C: | /on=C:]' or "
            "'resize shadowstorage'"
        )
    areas = machine.storage.areas()
    if parsed.for_volume is not None:
        wanted = _find(machine, parsed.for_volume)
        areas = [a for a in areas if a.volume is wanted]
    if parsed.on_volume is not None:
        wanted = _find(machine, parsed.on_volume)
        areas = [a for a in areas if a.storage is wanted]
    if not areas:
        return banner + "\n" + NO_ITEMS
    return banner + "\n" + "\n".join(_block(machine, a) for a in areas)
