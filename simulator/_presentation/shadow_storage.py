"""``vssadmin list shadowstorage`` and ``vssadmin resize shadowstorage`` as text made from the
machine's diff areas (docs/reference.md §10.5), for the command-line tools to use.

The layout is vssadmin's: one "Shadow Copy Storage association" block per diff area, volumes as
``(C:)\\\\?\\Volume{...}\\``, sizes with a binary unit and the share of the storage volume in
parentheses ([OBS] layout; the rounding is [INF]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .tools import vssadmin_banner

if TYPE_CHECKING:
    from .._service.diff_area import DiffArea
    from .._service.machine import Machine
    from .._service.records import Volume

__all__ = ["format_size", "vssadmin_shadow_storage"]

_UNITS = ("B", "KB", "MB", "GB", "TB")
RESIZED = "Successfully resized the shadow copy storage association\n"
ADDED = "Successfully added the shadow copy storage association\n"
NO_ITEMS = "No items found that satisfy the query.\n"


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


def vssadmin_shadow_storage(machine: Machine, command: str) -> str:
    """``list shadowstorage`` (every diff area in use) or the line ``resize shadowstorage``
    prints once the resize is made (``VssSystem.resize_shadow_storage`` makes it)."""
    words = command.lower().split()
    banner = vssadmin_banner(machine)
    if words[:2] == ["list", "shadowstorage"]:
        areas = machine.storage.areas()
        if not areas:
            return banner + "\n" + NO_ITEMS
        return banner + "\n" + "\n".join(_block(machine, a) for a in areas) + "\n"
    if words[:2] == ["resize", "shadowstorage"]:
        return banner + "\n" + RESIZED
    if words[:2] == ["add", "shadowstorage"]:
        return banner + "\n" + ADDED
    raise ValueError(f"vssadmin {command!r}: try 'list shadowstorage' or 'resize shadowstorage'")
