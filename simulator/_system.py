"""``VssSystem``: the composition root. It builds one simulated machine (the service with its
engine) and is the machine's public face: volumes, providers, writers, tasks, time, the trace,
and the Windows tools' text.

Every choice the machine makes (which task runs next, every GUID) comes from its one seeded
``random.Random`` (or a generator passed in, e.g. one drawn by Hypothesis), and time is virtual,
so the same seed and the same code give the same trace (docs/design.md).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, cast

from ._engine.scheduler import Task
from ._engine.trace import Entry, TraceKind, TraceRecord, Violation
from ._presentation import shadow_storage, tools
from ._rules.limits import MachineLimits
from ._rules.rights import DEFAULT_CALLER
from ._rules.versions import DEFAULT_WINDOWS, WindowsVersion
from ._service import current
from ._service.coordinator import Coordinator
from ._service.machine import Machine
from ._service.providers import Snapshot, VssProvider
from ._service.records import Volume
from ._vocabulary.clock import VirtualClock, seconds_to_ticks
from ._windows.backup_components import IVssBackupComponents
from ._windows.writer import CVssWriter

__all__ = ["Volume", "VssSystem", "current_system", "system_of"]


def current_system() -> VssSystem:
    """The system entered last with ``with VssSystem(...)``: writers bind to it on Initialize."""
    return cast(VssSystem, current.current_machine().owner)


def system_of(writer: CVssWriter) -> VssSystem:
    """The system an initialized writer is bound to."""
    return cast(VssSystem, writer._core("system_of").host.owner)


class VssSystem:
    """A fresh simulated Windows machine with the VSS service (docs/api.md "The machine")."""

    def __init__(
        self,
        seed: int = 0,
        *,
        rng: random.Random | None = None,
        machine_name: str = "SIMHOST",
        start_time: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        windows: str = DEFAULT_WINDOWS,
        limits: MachineLimits | None = None,
        caller: str = DEFAULT_CALLER,
    ) -> None:
        self.seed = seed
        self.rng = rng if rng is not None else random.Random(seed)
        self.machine_name = machine_name
        self.start_time = start_time
        self._machine = Machine(
            self.rng,
            machine_name,
            start_time,
            self,
            windows=windows,
            limits=limits,
            caller=caller,
        )
        self._coordinator = Coordinator(self._machine)
        self.clock: VirtualClock = self._machine.clock
        self.add_volume("C:\\")

    def __repr__(self) -> str:
        machine = self._machine
        return f"<VssSystem seed={self.seed} t={self.clock.now:g}s writers={len(machine.writers)}>"

    # -- being current ------------------------------------------------------------------------

    def __enter__(self) -> VssSystem:
        current.enter(self._machine)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        current.leave(self._machine)

    # -- ids, time, tasks ---------------------------------------------------------------------

    def new_guid(self) -> uuid.UUID:
        """A GUID from the system's seeded generator, never one issued before (docs/reference.md
        §8: a session id names one session), even from a generator that repeats itself."""
        return self._machine.guids.new()

    def sleep(self, seconds: float) -> None:
        """Spend virtual seconds: a handler "working", a requester waiting before a retry."""
        self._machine.scheduler.sleep(seconds_to_ticks(seconds))

    def spawn(self, fn: Callable[..., Any], *args: Any, name: str | None = None) -> Task:
        """Start a concurrent task (a requester, usually); it runs under ``run()``."""
        return self._machine.spawn(fn, args, name)

    def run(self) -> None:
        """Run every spawned task to completion; re-raise the first task's exception."""
        self._machine.scheduler.run()

    # -- the machine --------------------------------------------------------------------------

    def add_volume(
        self,
        name: str,
        *,
        file_system: str = "NTFS",
        size_bytes: int | None = None,
        local: bool = True,
        nesting: int = 0,
    ) -> Volume:
        """Add a volume (``D:\\``, a mount folder ``C:\\Mount\\X\\``); C:\\ exists by default.
        ``size_bytes`` defaults to ``limits.default_volume_bytes``; ``local=False`` is a volume
        not mounted locally, ``nesting`` how many virtual disks deep it sits."""
        return self._machine.add_volume(
            name, file_system=file_system, size_bytes=size_bytes, local=local, nesting=nesting
        )

    # -- the Windows version, limits and shadow storage (docs/reference.md §6, §12) -----------

    @property
    def windows(self) -> WindowsVersion:
        """The modelled Windows version's row of ``simulator.rules.WINDOWS_VERSIONS``."""
        return self._machine.windows

    @property
    def limits(self) -> MachineLimits:
        """The machine's configurable limits (``simulator.rules.MachineLimits``)."""
        return self._machine.limits

    def write_volume(self, volume: str, size: int) -> None:
        """Overwrite ``size`` bytes on ``volume``: copy-on-write fills its newest copy's diff
        area, and copies are deleted oldest first when it is full (docs/reference.md §6)."""
        self._machine.storage.write(self._volume(volume), int(size))

    def add_volume_data(self, volume: str, size: int) -> None:
        """``size`` new bytes of files on ``volume``: less free space for diff areas."""
        self._machine.storage.add_data(self._volume(volume), int(size))

    def resize_shadow_storage(
        self, for_volume: str, max_size: int | None, on_volume: str | None = None
    ) -> None:
        """What ``vssadmin add/resize shadowstorage`` does: the diff area of ``for_volume`` on
        ``on_volume`` (itself by default) may grow to ``max_size`` bytes (None: UNBOUNDED)."""
        storage = self._volume(on_volume) if on_volume is not None else None
        self._machine.storage.resize(self._volume(for_volume), max_size, storage)

    def shadow_storage_text(self, command: str = "list shadowstorage") -> str:
        """The text of ``vssadmin list shadowstorage`` (docs/reference.md §10.5)."""
        return shadow_storage.vssadmin_shadow_storage(self._machine, command)

    def _volume(self, name: str) -> Volume:
        found = self._machine.find_volume(name)
        if found is None:
            raise ValueError(f"no volume {name!r}; volumes are {', '.join(self.volume_names)}")
        return found

    @property
    def volumes(self) -> list[Volume]:
        """The machine's volumes, in the order they were added."""
        return self._machine.volumes

    @property
    def volume_names(self) -> list[str]:
        return [v.name for v in self._machine.volumes]

    def register_provider(self, provider: VssProvider) -> None:
        """Register a shadow copy provider; GUID_NULL selection tries hardware, software, system."""
        self._machine.register_provider(provider)

    @property
    def providers(self) -> list[VssProvider]:
        return list(self._machine.providers)

    @property
    def writers(self) -> list[CVssWriter]:
        """The subscribed writers, in subscription order."""
        return [cast(CVssWriter, core.writer) for core in self._machine.writers]

    def writer_names(self) -> list[str]:
        """The names of the subscribed writers, in subscription order."""
        return [core.name for core in self._machine.writers]

    def shut_down_writer(self, writer: CVssWriter) -> None:
        """Start shutting the writer's host down: from now on its ``IsWriterShuttingDown()`` is
        true, so a long handler that polls it can give up (docs/reference.md §1.5)."""
        writer._core("shut_down_writer").shutting_down = True

    @property
    def creating_session_id(self) -> uuid.UUID | None:
        """The session whose snapshot set is in creation now (it holds the creation lock)."""
        holder = self._machine.creation_lock.holder
        return holder.session_id if holder is not None else None

    def expand_path(self, path: str) -> str:
        """``path`` with the machine's environment variables (``%SystemRoot%``, …) expanded."""
        return self._machine.expand(path)

    def shadow_copies(self) -> list[Snapshot]:
        """The shadow copies that exist now, in creation order."""
        return list(self._machine.snapshots.values())

    def creation_time(self, snapshot: Snapshot) -> dt.datetime:
        """When a shadow copy was made, in the machine's calendar."""
        return self._machine.creation_time(snapshot)

    def vssadmin(self, command: str) -> str:
        """What ``vssadmin <command>`` prints on this machine (docs/reference.md §10.1, §10.2)."""
        return tools.vssadmin(self._coordinator, command)

    def diskshadow(self, command: str) -> str:
        """What ``diskshadow`` prints for ``list writers status`` (docs/reference.md §10.3)."""
        return tools.diskshadow(self._coordinator, command)

    def CreateVssBackupComponents(self) -> IVssBackupComponents:
        """A new single-use requester object (docs/reference.md §3.1)."""
        return IVssBackupComponents(self._coordinator)

    # -- what happened ------------------------------------------------------------------------

    @property
    def trace(self) -> list[TraceRecord]:
        """Every call, event, provider call, fault and violation, in order."""
        return [entry.freeze() for entry in self._machine.recorder.entries]

    def format_trace(self) -> str:
        """The trace as text, one record a line."""
        return "\n".join(str(record) for record in self.trace)

    def events(
        self, writer: CVssWriter | str | None = None, session_id: uuid.UUID | None = None
    ) -> list[str]:
        """The handler names delivered, in order; filtered by writer (object or name) and session."""
        name: str | None
        name = writer if writer is None or isinstance(writer, str) else writer._core("events").name
        return [
            e.name
            for e in self._machine.recorder.entries
            if e.kind is TraceKind.EVENT
            and (name is None or e.writer == name)
            and (session_id is None or e.session_id == session_id)
        ]

    @property
    def violations(self) -> list[Violation]:
        """The rule violations seen so far."""
        return list(self._machine.recorder.violations)

    def iter_entries(self) -> Iterator[Entry]:
        return iter(self._machine.recorder.entries)
