"""The Windows tools, simulated: what ``vssadmin`` and ``diskshadow`` print (docs/reference.md §10),
and the vssadmin command syntax the simulator accepts.

The text itself is in ``vssadmin_text``, ``diskshadow_text`` and ``vshadow_text``; the shared
words in ``tool_words``. ``vssadmin`` and ``diskshadow`` here answer the listing commands, which
change nothing but the writers' Identify (docs/reference.md §1.4); commands that change the
machine are run by ``vss-sim vssadmin`` / ``vss-sim diskshadow``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from . import diskshadow_text, shadow_storage, vssadmin_text
from .tool_words import last_error, state_label
from .vssadmin_text import vssadmin_banner

if TYPE_CHECKING:
    from .._service.coordinator import Coordinator

__all__ = [
    "UNSIMULATED",
    "VssadminCommand",
    "diskshadow",
    "last_error",
    "parse_vssadmin",
    "state_label",
    "vssadmin",
    "vssadmin_banner",
]

#: Options each simulated vssadmin command takes (True: ``/name=value``, False: a flag).
_OPTIONS: dict[str, dict[str, bool]] = {
    "list writers": {},
    "list providers": {},
    "list shadows": {"for": True, "shadow": True, "set": True},
    "delete shadows": {"for": True, "oldest": False, "all": False, "shadow": True, "quiet": False},
    "create shadow": {"for": True, "autoretry": True},
}
#: Commands of the captured command list ``vssadmin()`` does not answer: ``list shadowstorage``
#: is answered by ``shadow_storage``; the others change the machine (the ``vss-sim vssadmin``
#: command runs those it models) or are not simulated.
UNSIMULATED = (
    "add shadowstorage",
    "delete shadowstorage",
    "list shadowstorage",
    "list volumes",
    "resize shadowstorage",
    "revert shadow",
    "query reverts",
)


@attrs.frozen
class VssadminCommand:
    """One vssadmin command line: the command (``"list shadows"``) and its ``/options``."""

    name: str
    options: dict[str, str | None]

    def guid(self, option: str) -> uuid.UUID | None:
        """The option's value as a GUID (braces optional); None when absent or not a GUID."""
        value = self.options.get(option)
        if value is None:
            return None
        try:
            return uuid.UUID(value.strip("{}"))
        except ValueError:
            return None


def parse_vssadmin(words: Sequence[str]) -> VssadminCommand | None:
    """The command ``words`` spell, or None when vssadmin rejects them (its usage screen).

    Commands and options are case-insensitive. A command in ``UNSIMULATED`` parses with no
    options checked; delete shadows needs exactly one of /for, /all and /shadow, and /oldest
    only with /for; create shadow needs /for.
    """
    if len(words) < 2:
        return None
    name = f"{words[0]} {words[1]}".lower()
    if name in UNSIMULATED:
        return VssadminCommand(name, {})
    allowed = _OPTIONS.get(name)
    if allowed is None:
        return None
    options: dict[str, str | None] = {}
    for word in words[2:]:
        if not word.startswith("/"):
            return None
        key, equals, value = word[1:].partition("=")
        key = key.lower()
        takes_value = allowed.get(key)
        if takes_value is None or takes_value != bool(equals) or (equals and not value):
            return None
        if key in options:
            return None
        options[key] = value if equals else None
    if name == "delete shadows":
        targets = [key for key in ("for", "all", "shadow") if key in options]
        if len(targets) != 1 or ("oldest" in options and targets != ["for"]):
            return None
    if name == "create shadow" and "for" not in options:
        return None
    return VssadminCommand(name, options)


def vssadmin(coordinator: Coordinator, command: str | Sequence[str]) -> str:
    """``vssadmin list writers | list shadows [/for= /shadow= /set=] | list providers``
    (docs/reference.md §10.1, §10.2); the usage screen for a command vssadmin rejects."""
    words = command.split() if isinstance(command, str) else list(command)
    parsed = parse_vssadmin(words)
    if parsed is None:
        return "".join(f"{line}\n" for line in vssadmin_text.USAGE)
    machine = coordinator.machine
    if parsed.name == "list writers":
        return vssadmin_text.list_writers(machine, coordinator.identify_writers())
    if parsed.name == "list providers":
        return vssadmin_text.list_providers(machine)
    if parsed.name == "list shadows":
        copies = vssadmin_text.system_copies(
            machine, volume=parsed.options.get("for"), shadow=parsed.guid("shadow")
        )
        wanted_set = parsed.guid("set")
        if wanted_set is not None:
            copies = [c for c in copies if c.snapshot_set_id == wanted_set]
        return vssadmin_text.list_shadows(machine, copies)
    if parsed.name == "list shadowstorage":
        return shadow_storage.vssadmin_shadow_storage(machine, " ".join(words))
    raise ValueError(
        f"vssadmin {parsed.name!r} changes the machine or is not simulated; "
        "run it with the vss-sim vssadmin command"
    )


def diskshadow(coordinator: Coordinator, command: str) -> str:
    """diskshadow's ``list writers [metadata|detailed|status]``, ``list providers`` and
    ``list shadows all`` (docs/reference.md §10.3)."""
    words = command.lower().split()
    if words[:2] == ["list", "writers"] and len(words) <= 3:
        detail = words[2] if len(words) == 3 else "metadata"
        if detail == "status":
            return diskshadow_text.writer_status(coordinator.identify_writers())
        if detail in ("metadata", "detailed"):
            return diskshadow_text.writer_metadata(coordinator.identify_writers())
    if words == ["list", "providers"]:
        return diskshadow_text.providers(coordinator.machine)
    if words == ["list", "shadows", "all"]:
        machine = coordinator.machine
        return diskshadow_text.shadows(machine, list(machine.snapshots.values()))
    raise ValueError(
        f"diskshadow {command!r} is not simulated; try 'list writers [status|metadata|detailed]', "
        "'list providers' or 'list shadows all'"
    )
