"""The current machine: the one entered last with ``with VssSystem(...)``; writers bind to it on
Initialize."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .machine import Machine

__all__ = ["current_machine", "enter", "is_current", "leave"]

_CURRENT: list[Machine] = []


def enter(machine: Machine) -> None:
    """Make ``machine`` current."""
    _CURRENT.append(machine)


def leave(machine: Machine) -> None:
    """``machine`` is no longer current (the latest entry of it is removed)."""
    for i in range(len(_CURRENT) - 1, -1, -1):
        if _CURRENT[i] is machine:
            del _CURRENT[i]
            return


def current_machine() -> Machine:
    """The current machine, or a RuntimeError that says how to make one."""
    if not _CURRENT:
        raise RuntimeError(
            "no current VssSystem: create one with `with VssSystem(seed=...) as system:` "
            "(or use the pytest fixture `vss_system`) before initializing writers"
        )
    return _CURRENT[-1]


def is_current(machine: Machine) -> bool:
    """Whether ``machine`` is entered (at any depth)."""
    return any(entered is machine for entered in _CURRENT)
