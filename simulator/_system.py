"""``VssSystem``: the composition root. It builds one simulated machine (the service with its
engine) and is the machine's public face: volumes, providers, writers, tasks, time, the trace,
and the Windows tools' text.

Every choice the machine makes (which task runs next, every GUID) comes from its one seeded
``random.Random`` (or a generator passed in, e.g. one drawn by Hypothesis), and time is virtual,
so the same seed and the same code give the same trace (docs/design.md).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, cast

from ._engine.scheduler import Task
from ._engine.trace import Entry, TraceKind, TraceRecord, Violation
from ._presentation import shadow_storage, tools
from ._rules.calls import Call, Move, Phase
from ._rules.limits import MachineLimits
from ._rules.rights import DEFAULT_CALLER
from ._rules.versions import DEFAULT_WINDOWS, WindowsVersion
from ._service import current
from ._service.coordinator import Coordinator
from ._service.machine import Machine
from ._service.machine_faults import MachineFaults
from ._service.providers import Snapshot, VssProvider
from ._service.records import Volume
from ._vocabulary.clock import VirtualClock, seconds_to_ticks
from ._vocabulary.enums import VSS_WRITER_STATE
from ._vocabulary.errors import VssBadState, VssInvalidArg, VssObjectAlreadyExists
from ._vocabulary.printing import describe
from ._windows.arguments import guid_argument
from ._windows.backup_components import IVssBackupComponents
from ._windows.writer import CVssWriter

__all__ = ["Volume", "VssSystem", "current_system", "system_of"]


def _finite(seconds: float) -> bool:
    """Whether ``seconds`` is a finite number of seconds (an int too big for a float is not)."""
    try:
        return math.isfinite(seconds)
    except OverflowError:
        return False


def _seconds(method: str, seconds: float) -> int:
    """``seconds`` as ticks; anything but a finite number >= 0 is E_INVALIDARG."""
    if (
        not isinstance(seconds, (int, float))
        or isinstance(seconds, bool)
        or not _finite(seconds)
        or seconds < 0
    ):
        raise VssInvalidArg(f"{method} takes finite seconds >= 0, got {describe(seconds)}")
    return seconds_to_ticks(seconds)


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
        trace_limit: int | None = None,
        windows: str = DEFAULT_WINDOWS,
        limits: MachineLimits | None = None,
        caller: str = DEFAULT_CALLER,
    ) -> None:
        if trace_limit is not None and (
            not isinstance(trace_limit, int) or isinstance(trace_limit, bool) or trace_limit < 0
        ):
            raise VssInvalidArg(
                f"trace_limit must be None or a number of records >= 0, got {trace_limit!r}"
            )
        self.seed = seed
        self.rng = rng if rng is not None else random.Random(seed)
        self.machine_name = machine_name
        self.start_time = start_time
        self.trace_limit = trace_limit
        self._machine = Machine(
            self.rng,
            machine_name,
            start_time,
            self,
            trace_limit=trace_limit,
            windows=windows,
            limits=limits,
            caller=caller,
        )
        self._coordinator = Coordinator(self._machine)
        self.clock: VirtualClock = self._machine.clock
        self._faults = MachineFaults(self._machine, self._coordinator)
        #: the requester objects made on this machine, in creation order (restart_vss_service)
        self._objects: list[weakref.ref[IVssBackupComponents]] = []
        #: the length at which CreateVssBackupComponents drops the collected objects' refs
        self._objects_pruned_at = 8
        self.add_volume("C:\\")

    def __repr__(self) -> str:
        machine = self._machine
        return f"<VssSystem seed={self.seed} t={self.clock.now:g}s writers={len(machine.writers)}>"

    # -- being current ------------------------------------------------------------------------

    def __enter__(self) -> VssSystem:
        current.enter(self._machine)
        self._machine.load_providers()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        machine = self._machine
        current.leave(machine)
        if not current.is_current(machine):
            # Tasks still parked would keep the machine alive for ever (docs/design.md).
            machine.scheduler.close()
            machine.unload_providers()

    # -- ids, time, tasks ---------------------------------------------------------------------

    def new_guid(self) -> uuid.UUID:
        """A GUID from the system's seeded generator, never one issued before (docs/reference.md
        §8: a session id names one session), even from a generator that repeats itself."""
        return self._machine.guids.new()

    def sleep(self, seconds: float) -> None:
        """Spend virtual seconds: a handler "working", a requester waiting before a retry."""
        __tracebackhide__ = True
        self._machine.scheduler.sleep(_seconds("sleep", seconds))

    def spawn(self, fn: Callable[..., Any], *args: Any, name: str | None = None) -> Task:
        """Start a concurrent task (a requester, usually); it runs under ``run()``."""
        if not callable(fn) or not (name is None or isinstance(name, str)):
            raise VssInvalidArg(
                f"spawn takes a callable and an optional name, got {describe(fn)}, {describe(name)}"
            )
        return self._machine.spawn(fn, args, name)

    def run(self) -> None:
        """Run every spawned task to completion. A task's exception is raised; when several
        tasks failed, a ``BaseExceptionGroup`` of all their exceptions (each noted with its task)."""
        __tracebackhide__ = True
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
        if not isinstance(name, str) or not isinstance(file_system, str):
            raise VssInvalidArg(
                f"add_volume takes a volume name and a file system name as strings, got "
                f"{describe(name)}, {describe(file_system)}"
            )
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

    def delete_shadow_storage(
        self, for_volume: str, on_volume: str | None = None
    ) -> list[uuid.UUID]:
        """What ``vssadmin delete shadowstorage /for= [/on=]`` does: the diff area association
        of ``for_volume`` (on ``on_volume``, when given) is removed, and the system provider's
        copies of ``for_volume``, whose data it held, are deleted with it; their ids are
        returned, oldest first. No such association: VSS_E_OBJECT_NOT_FOUND
        (docs/reference.md §10.5)."""
        storage = self._volume(on_volume) if on_volume is not None else None
        deleted = self._machine.storage.delete(self._volume(for_volume), storage)
        return [copy.snapshot_id for copy in deleted]

    def shadow_storage_associations(self) -> list[tuple[Volume, Volume, int | None]]:
        """The diff areas in use, in the order they were made: (the volume, the volume storing
        its diff area, the maximum size in bytes or None for UNBOUNDED) (docs/reference.md §6)."""
        return [(a.volume, a.storage, a.max_bytes) for a in self._machine.storage.areas()]

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
        if not isinstance(provider, VssProvider):
            raise VssInvalidArg(f"register_provider takes a VssProvider, got {describe(provider)}")
        self._machine.register_provider(provider)

    def unregister_provider(self, provider_id: uuid.UUID) -> VssProvider:
        """Unregister a provider (what ``IVssAdmin::UnregisterProvider`` does): VSS calls its
        ``OnUnload(False)`` and forgets it. VSS_E_PROVIDER_NOT_REGISTERED for an unknown id,
        VSS_E_PROVIDER_IN_USE for the system provider, a provider of the set in creation, or one
        that answers S_FALSE (docs/reference.md §9)."""
        provider_id = guid_argument(provider_id, "unregister_provider", "provider_id")
        return self._machine.unregister_provider(provider_id)

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
        if not isinstance(writer, CVssWriter):
            raise VssInvalidArg(f"shut_down_writer takes a CVssWriter, got {describe(writer)}")
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

    @property
    def shadow_devices_issued(self) -> int:
        """How many shadow copy devices the machine has numbered (``HarddiskVolumeShadowCopyN``)."""
        return self._machine.shadow_devices_issued

    def writer_last_states(self) -> dict[uuid.UUID, tuple[VSS_WRITER_STATE, int]]:
        """Each subscribed writer's state and failure code after its latest session, by
        instance id: what ``vssadmin list writers`` shows."""
        return {
            core.instance_id: (core.last_state, core.last_failure) for core in self._machine.writers
        }

    def restore_state(
        self,
        *,
        clock_ticks: int = 0,
        snapshots: Iterable[Snapshot] = (),
        shadow_devices_issued: int = 0,
        writer_states: Mapping[uuid.UUID, tuple[VSS_WRITER_STATE, int]] | None = None,
        rng_state: object = None,
    ) -> None:
        """Bring a freshly built machine back to a saved state: the virtual clock, shadow copies
        that exist already, device numbering, writers' last states (by instance id) and the
        generator's state (``random.Random.getstate()``), so that ids drawn next are new ones."""
        machine = self._machine
        machine.clock.advance_to(max(clock_ticks, machine.clock.ticks))
        for snapshot in snapshots:
            machine.import_snapshot(snapshot)
        machine.continue_device_numbers(shadow_devices_issued)
        states = writer_states or {}
        for core in machine.writers:
            if core.instance_id in states:
                core.last_state, core.last_failure = states[core.instance_id]
        if rng_state is not None:
            self.rng.setstate(rng_state)  # type: ignore[arg-type]

    def vssadmin(self, command: str) -> str:
        """What ``vssadmin <command>`` prints on this machine (docs/reference.md §10.1, §10.2)."""
        if not isinstance(command, str):
            raise VssInvalidArg(f"vssadmin takes a command string, got {describe(command)}")
        return tools.vssadmin(self._coordinator, command)

    def diskshadow(self, command: str) -> str:
        """What ``diskshadow`` prints for ``list writers status`` (docs/reference.md §10.3)."""
        if not isinstance(command, str):
            raise VssInvalidArg(f"diskshadow takes a command string, got {describe(command)}")
        return tools.diskshadow(self._coordinator, command)

    def CreateVssBackupComponents(self) -> IVssBackupComponents:
        """A new single-use requester object (docs/reference.md §3.1)."""
        bc = IVssBackupComponents(self._coordinator)
        objects = self._objects
        if len(objects) >= self._objects_pruned_at:
            # The objects collected are dropped once the list has doubled since the last time:
            # the list stays within twice the live objects, at a constant cost per object.
            objects = self._objects = [ref for ref in objects if ref() is not None]
            self._objects_pruned_at = 2 * len(objects) + 8
        objects.append(weakref.ref(bc))
        return bc

    # -- machine faults (simulator/_service/machine_faults.py, docs/field-failures.md) ----------

    def restart_vss_service(self) -> None:
        """The VSS service restarts: every session under way is aborted (OnAbort, AbortSnapshots,
        the creation lock freed); every object made before refuses further calls as a released
        one does and its auto-release copies are deleted; every writer's last state and failure
        are forgotten."""
        ended = (Phase.CREATED, Phase.RELEASED, Phase.BACKUP_ABORTED, Phase.BACKUP_COMPLETED)
        live = [bc for bc in (ref() for ref in self._objects) if bc is not None]
        under_way = [bc for bc in live if bc.phase not in ended]
        dropped = [bc for bc in live if bc.phase is not Phase.RELEASED]
        self._faults.restart_vss_service(
            [bc._session for bc in under_way], [bc._session for bc in dropped]
        )
        for bc in dropped:
            bc._state.finished(Call.RELEASE, Move(Phase.RELEASED))

    def restart_writer_host(self, writer: CVssWriter) -> None:
        """The writer's host process restarts: its last state, failure and metadata start afresh
        (the cure of docs/field-failures.md #9)."""
        self._faults.restart_writer_host(writer._core("restart_writer_host"))

    def host_restarts(self, writer: CVssWriter) -> int:
        """How many times ``restart_writer_host`` restarted this writer's host."""
        core = writer._core("host_restarts")
        return self._faults.host_restarts.get(core.instance_id, 0)

    @property
    def service_restarts(self) -> int:
        """How many times ``restart_vss_service`` restarted the VSS service."""
        return self._faults.service_restarts

    def writer_not_responding(self, writer: CVssWriter, detail: str = "") -> None:
        """From inside one of the writer's handlers: VSS stops waiting for it, and the event
        fails with VSS_E_WRITER_NOT_RESPONDING (docs/field-failures.md #9)."""
        self._faults.not_responding(writer._core("writer_not_responding"), detail)

    def remove_volume(self, name: str) -> None:
        """The volume disappears; its shadow copies go with it."""
        self._faults.remove_volume(name)

    def set_flush_time(self, volume: str, seconds: float) -> None:
        """How long the kernel takes to flush ``volume``'s writes when a set is committed (0 by
        default): past 10 s DoSnapshotSet fails with VSS_E_FLUSH_WRITES_TIMEOUT
        (``simulator.rules.KERNEL_STEPS``, docs/reference.md §5, §6)."""
        self._faults.set_flush_time(self._volume(volume), _seconds("set_flush_time", seconds))

    def set_transaction_manager_times(self, freeze: float = 0.0, thaw: float = 0.0) -> None:
        """How long the transaction managers (KTM, DTC) take to freeze and to thaw when a set is
        committed (0 by default): past 10 s DoSnapshotSet fails with
        VSS_E_TRANSACTION_FREEZE_TIMEOUT or _THAW_TIMEOUT (docs/reference.md §5)."""
        method = "set_transaction_manager_times"
        self._faults.set_transaction_manager_times(_seconds(method, freeze), _seconds(method, thaw))

    def reset_kernel_times(self) -> None:
        """Every kernel step of creation instant again (the cure of the timing faults)."""
        self._machine.kernel.reset()

    def assign_instance_id(self, writer: CVssWriter, instance_id: uuid.UUID) -> None:
        """Give an initialized, not yet subscribed writer the instance id it had on another
        machine (a captured one: ``fakes.machine_from_capture``)."""
        core = writer._core("assign_instance_id")
        if core.subscribed:
            raise VssBadState("assign_instance_id: the writer is subscribed already")
        if any(other.instance_id == instance_id for other in self._machine.writers):
            raise VssObjectAlreadyExists(
                f"assign_instance_id: a subscribed writer has instance id {instance_id}"
            )
        core.instance_id = instance_id
        core._identity = None

    # -- what happened ------------------------------------------------------------------------

    @property
    def trace(self) -> list[TraceRecord]:
        """Every call, event, provider call, fault and violation, in order (with
        ``trace_limit=N``, the last N; ``violations`` keeps the first N, at least 100)."""
        return [entry.freeze() for entry in self._machine.recorder.entries]

    def format_trace(self) -> str:
        """The trace as text, one record a line."""
        return "\n".join(str(record) for record in self.trace)

    def events(
        self, writer: CVssWriter | str | None = None, session_id: uuid.UUID | None = None
    ) -> list[str]:
        """The handler names delivered, in order; filtered by writer (object or name) and session."""
        if not (writer is None or isinstance(writer, (str, CVssWriter))):
            raise VssInvalidArg(f"events takes a writer or its name, got {describe(writer)}")
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
        """The rule violations seen so far (with ``trace_limit=N``, the first N of them, at
        least 100: a run that breaks a rule always shows it; ``violations_dropped`` counts the
        rest)."""
        return list(self._machine.recorder.violations)

    @property
    def violations_dropped(self) -> int:
        """How many violations ``trace_limit`` left out of ``violations`` (each is still in the
        trace when it is recent enough); 0 without a limit."""
        return self._machine.recorder.dropped_violations

    def iter_entries(self) -> Iterator[Entry]:
        return iter(self._machine.recorder.entries)
