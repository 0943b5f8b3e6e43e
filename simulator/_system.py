"""The simulated Windows machine: volumes, providers, writers, shadow copies, clock, scheduler, trace.

``VssSystem(seed)`` is the one object a test builds. Every choice it makes (which task runs next,
every GUID) comes from its one seeded ``random.Random`` (or a generator passed in, e.g. one drawn by
Hypothesis), and time is virtual, so the same seed and the same code give the same trace.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from ._clock import TICKS_PER_SECOND, VirtualClock, seconds_to_ticks
from ._coordinator import Coordinator
from ._enums import (
    GUID_NULL,
    VSS_OBJECT_TYPE,
    VSS_PROVIDER_TYPE,
    VSS_SNAPSHOT_STATE,
)
from ._errors import (
    VssError,
    VssInvalidArg,
    VssMaximumNumberOfSnapshotsReached,
    VssObjectAlreadyExists,
    VssObjectNotFound,
    VssProviderAlreadyRegistered,
    VssProviderNotRegistered,
    VssVolumeNotSupported,
    VssVolumeNotSupportedByProvider,
)
from ._provider import Snapshot, SystemProvider, VssProvider
from ._requester import IVssBackupComponents
from ._scheduler import Scheduler, Task
from ._session import Invocation, Session
from ._trace import Entry, TraceKind, TraceRecord, Violation, ViolationRule

if TYPE_CHECKING:
    from ._writer import CVssWriter, WriterCore

__all__ = ["Volume", "VssSystem", "current_system"]

_CURRENT: list[VssSystem] = []
_FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc)
_DRIVE = re.compile(r"^[A-Za-z]:\\?$")
#: Names ``threading`` gives unnamed threads, numbered process-wide; renumbered per machine so the
#: trace does not depend on what ran earlier in the process.
_NUMBERED_THREAD = re.compile(r"(Thread|ThreadPoolExecutor|Dummy)-(\d+)")


def current_system() -> VssSystem:
    """The system entered last with ``with VssSystem(...)``: writers bind to it on Initialize."""
    if not _CURRENT:
        raise RuntimeError(
            "no current VssSystem: create one with `with VssSystem(seed=...) as system:` "
            "(or use the pytest fixture `vss_system`) before initializing writers"
        )
    return _CURRENT[-1]


@attrs.frozen
class Volume:
    """A volume of the simulated machine, named as Windows names it."""

    name: str
    guid_path: str
    file_system: str = "NTFS"
    device: str = ""


class VssSystem:
    """A fresh simulated Windows machine with the VSS service (API.md "The machine")."""

    def __init__(
        self,
        seed: int = 0,
        *,
        rng: random.Random | None = None,
        machine_name: str = "SIMHOST",
        start_time: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    ) -> None:
        self.seed = seed
        self.rng = rng if rng is not None else random.Random(seed)
        self.machine_name = machine_name
        self.start_time = start_time
        self.clock = VirtualClock()
        self._scheduler = Scheduler(self.rng, self.clock)
        self._entries: list[Entry] = []
        self._violations: list[Violation] = []
        self._violations_lock = threading.Lock()
        self._writers: list[WriterCore] = []
        self._volumes: dict[str, Volume] = {}
        self._providers: list[VssProvider] = [SystemProvider()]
        self._snapshots: dict[uuid.UUID, Snapshot] = {}
        self._creating: Session | None = None
        self._shadow_devices = 0
        self._tasks = 0
        self._thread_numbers: dict[tuple[str, str], int] = {}
        self._guids: set[uuid.UUID] = set()
        self._coordinator = Coordinator(self)
        self.add_volume("C:\\")

    def __repr__(self) -> str:
        return f"<VssSystem seed={self.seed} t={self.clock.now:g}s writers={len(self._writers)}>"

    # -- being current ------------------------------------------------------------------------

    def __enter__(self) -> VssSystem:
        _CURRENT.append(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self in _CURRENT:
            _CURRENT.reverse()
            _CURRENT.remove(self)
            _CURRENT.reverse()

    # -- ids, time, tasks ---------------------------------------------------------------------

    def new_guid(self) -> uuid.UUID:
        """A GUID from the system's seeded generator, never one issued before (vss-facts §8: a
        session id names one session), even from a generator that repeats itself."""
        value = self.rng.getrandbits(128)
        guid = uuid.UUID(int=value, version=4)
        while guid in self._guids:
            value += 1
            guid = uuid.UUID(int=value % (1 << 128), version=4)
        self._guids.add(guid)
        return guid

    def sleep(self, seconds: float) -> None:
        """Spend virtual seconds: a handler "working", a requester waiting before a retry."""
        self._scheduler.sleep(seconds_to_ticks(seconds))

    def spawn(self, fn: Callable[..., Any], *args: Any, name: str | None = None) -> Task:
        """Start a concurrent task (a requester, usually); it runs under ``run()``."""
        self._tasks += 1
        return self._scheduler.spawn(fn, args, name or f"task-{self._tasks}")

    def run(self) -> None:
        """Run every spawned task to completion; re-raise the first task's exception."""
        self._scheduler.run()

    def _spawn_internal(self, fn: Callable[[], None], what: str) -> Task:
        self._tasks += 1
        return self._scheduler.spawn(fn, (), f"vss-{self._tasks}:{what}")

    def _thread_label(self) -> str:
        task = self._scheduler.running_task()
        if task is not None:
            return task.name
        name = threading.current_thread().name
        numbered = _NUMBERED_THREAD.match(name)
        if numbered is None:
            return name
        numbers = self._thread_numbers
        number = numbers.setdefault((numbered[1], numbered[2]), len(numbers) + 1)
        return f"{numbered.group(1)}-{number}{name[numbered.end() :]}"

    # -- the machine --------------------------------------------------------------------------

    def add_volume(self, name: str, *, file_system: str = "NTFS") -> Volume:
        """Add a volume (``D:\\``, a mount folder ``C:\\Mount\\X\\``); C:\\ exists by default."""
        if _DRIVE.match(name) and not name.endswith("\\"):
            name += "\\"
        if not name.endswith("\\"):
            raise VssInvalidArg(f"a volume name ends with a backslash: {name!r}")
        if name.lower() in self._volumes:
            raise VssObjectAlreadyExists(f"volume {name!r} exists already")
        number = len({id(v) for v in self._volumes.values()}) + 1
        volume = Volume(
            name=name,
            guid_path=f"\\\\?\\Volume{{{self.new_guid()}}}\\",
            file_system=file_system,
            device=f"\\Device\\HarddiskVolume{number + 1}",
        )
        self._volumes[name.lower()] = volume
        self._volumes[volume.guid_path.lower()] = volume
        return volume

    @property
    def volumes(self) -> list[Volume]:
        """The machine's volumes, in the order they were added."""
        seen: dict[str, Volume] = {}
        for volume in self._volumes.values():
            seen.setdefault(volume.name, volume)
        return list(seen.values())

    @property
    def volume_names(self) -> list[str]:
        return [v.name for v in self.volumes]

    def register_provider(self, provider: VssProvider) -> None:
        """Register a shadow copy provider; GUID_NULL selection tries hardware, software, system."""
        if any(p.provider_id == provider.provider_id for p in self._providers):
            raise VssProviderAlreadyRegistered(
                f"a provider with id {provider.provider_id} is registered already"
            )
        self._providers.append(provider)

    @property
    def providers(self) -> list[VssProvider]:
        return list(self._providers)

    @property
    def writers(self) -> list[CVssWriter]:
        """The subscribed writers, in subscription order."""
        return [core.writer for core in self._writers]

    def shut_down_writer(self, writer: CVssWriter) -> None:
        """Start shutting the writer's host down: from now on its ``IsWriterShuttingDown()`` is
        true, so a long handler that polls it can give up (vss-facts §1.5)."""
        writer._core("shut_down_writer").shutting_down = True

    def shadow_copies(self) -> list[Snapshot]:
        """The shadow copies that exist now, in creation order."""
        return list(self._snapshots.values())

    def vssadmin(self, command: str) -> str:
        """What ``vssadmin <command>`` prints on this machine (vss-facts §10.1, §10.2)."""
        from ._tools import vssadmin

        return vssadmin(self, command)

    def diskshadow(self, command: str) -> str:
        """What ``diskshadow`` prints for ``list writers status`` (vss-facts §10.3)."""
        from ._tools import diskshadow

        return diskshadow(self, command)

    def _query_writers(self) -> list[WriterCore]:
        """Identify to every writer, as a management tool's GatherWriterMetadata does (§1.4);
        the writers that answered, in order. No BackupShutdown follows: nothing was backed up."""
        from ._components import BackupComponentsDocument

        session = Session(self, self.new_guid(), BackupComponentsDocument())
        task = self._spawn_internal(
            lambda: self._coordinator.gather_writer_metadata(session), "GatherWriterMetadata"
        )
        self._scheduler.join(task)
        return [ws.core for ws in session.writers.values()]

    def CreateVssBackupComponents(self) -> IVssBackupComponents:
        """A new single-use requester object (vss-facts §3.1)."""
        return IVssBackupComponents(self)

    # -- what happened ------------------------------------------------------------------------

    @property
    def trace(self) -> list[TraceRecord]:
        """Every call, event, provider call, fault and violation, in order."""
        return [entry.freeze() for entry in self._entries]

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
            for e in self._entries
            if e.kind is TraceKind.EVENT
            and (name is None or e.writer == name)
            and (session_id is None or e.session_id == session_id)
        ]

    @property
    def violations(self) -> list[Violation]:
        """The rule violations seen so far."""
        return list(self._violations)

    def iter_entries(self) -> Iterator[Entry]:
        return iter(self._entries)

    def _record(
        self,
        kind: TraceKind,
        name: str,
        session: Session | None = None,
        writer: str | None = None,
        *,
        detail: str | None = None,
        result: str | None = None,
    ) -> Entry:
        entry = Entry(
            self.clock.ticks,
            kind,
            name,
            session.session_id if session is not None else None,
            self._thread_label(),
            writer,
            result,
            detail,
        )
        self._entries.append(entry)
        return entry

    def _violation(
        self,
        rule: ViolationRule,
        message: str,
        core: WriterCore | None,
        inv: Invocation | None,
        *,
        thread: str | None = None,
        session: Session | None = None,
        handler: str | None = None,
    ) -> None:
        if inv is not None:
            session = inv.session
            handler = inv.event.value
        violation = Violation(
            rule=rule,
            message=message,
            writer=core.name if core is not None else None,
            handler=handler,
            session_id=session.session_id if session is not None else None,
            thread=thread or self._thread_label(),
            time=self.clock.ticks / TICKS_PER_SECOND,
        )
        # Writers' own threads may report here concurrently with the simulator's thread.
        with self._violations_lock:
            self._violations.append(violation)
            self._entries.append(
                Entry(
                    self.clock.ticks,
                    TraceKind.VIOLATION,
                    rule.value,
                    violation.session_id,
                    violation.thread,
                    violation.writer,
                    None,
                    message,
                )
            )

    # -- writers ------------------------------------------------------------------------------

    def _subscribe(self, core: WriterCore) -> None:
        self._writers.append(core)

    def _unsubscribe(self, core: WriterCore) -> None:
        self._writers.remove(core)

    # -- volumes and paths --------------------------------------------------------------------

    def _find_volume(self, name: str) -> Volume | None:
        key = name.lower()
        if _DRIVE.match(name) and not key.endswith("\\"):
            key += "\\"
        return self._volumes.get(key)

    def _volume_key(self, name: str) -> str:
        volume = self._find_volume(name)
        return volume.name.lower() if volume is not None else name.lower()

    def _volume_of_path(self, path: str) -> Volume | None:
        expanded = self._expand(path).lower()
        best: Volume | None = None
        longest = 0
        for volume in self.volumes:
            for prefix in (volume.name.lower(), volume.guid_path.lower()):
                if (expanded + "\\").startswith(prefix) and len(prefix) > longest:
                    best, longest = volume, len(prefix)
        return best

    _ENVIRONMENT: ClassVar[dict[str, str]] = {
        "systemroot": "C:\\Windows",
        "windir": "C:\\Windows",
        "systemdrive": "C:",
        "programfiles": "C:\\Program Files",
        "programdata": "C:\\ProgramData",
        "allusersprofile": "C:\\ProgramData",
    }

    def _expand(self, path: str) -> str:
        return re.sub(
            r"%([^%]+)%", lambda m: self._ENVIRONMENT.get(m.group(1).lower(), m.group(0)), path
        )

    # -- providers ------------------------------------------------------------------------------

    _SELECTION_ORDER = (
        VSS_PROVIDER_TYPE.VSS_PROV_HARDWARE,
        VSS_PROVIDER_TYPE.VSS_PROV_SOFTWARE,
        VSS_PROVIDER_TYPE.VSS_PROV_FILESHARE,
        VSS_PROVIDER_TYPE.VSS_PROV_SYSTEM,
    )

    def _providers_for(self, provider_id: uuid.UUID) -> list[VssProvider]:
        if provider_id == GUID_NULL:
            rank = {kind: i for i, kind in enumerate(self._SELECTION_ORDER)}
            return sorted(self._providers, key=lambda p: rank.get(p.provider_type, len(rank)))
        for provider in self._providers:
            if provider.provider_id == provider_id:
                return [provider]
        raise VssProviderNotRegistered(f"no provider with id {provider_id} is registered")

    def _supports(self, provider: VssProvider, volume: str) -> bool:
        try:
            return bool(provider.IsVolumeSupported(volume))
        except Exception:
            return False

    def _choose_provider(self, provider_id: uuid.UUID, volume: Volume) -> VssProvider:
        candidates = self._providers_for(provider_id)
        for provider in candidates:
            if self._supports(provider, volume.name):
                existing = sum(
                    1
                    for s in self._snapshots.values()
                    if s.original_volume == volume.name and s.provider_id == provider.provider_id
                )
                if existing >= provider.max_snapshots_per_volume:
                    raise VssMaximumNumberOfSnapshotsReached(
                        f"{volume.name} holds {existing} shadow copies of "
                        f"{provider.provider_name}, its limit (vss-facts §6)"
                    )
                return provider
        if provider_id == GUID_NULL:
            raise VssVolumeNotSupported(f"no provider supports {volume.name}")
        raise VssVolumeNotSupportedByProvider(
            f"{candidates[0].provider_name} does not support {volume.name}"
        )

    # -- shadow copies --------------------------------------------------------------------------

    def _next_device(self) -> str:
        self._shadow_devices += 1
        return f"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy{self._shadow_devices}"

    def _filetime(self) -> int:
        """The virtual now as a FILETIME (100 ns units since 1601), for VSS_TIMESTAMP fields."""
        start = (self.start_time - _FILETIME_EPOCH) // dt.timedelta(microseconds=1)
        return (start + self.clock.ticks) * 10

    def creation_time(self, snapshot: Snapshot) -> dt.datetime:
        """When a shadow copy was made, in the machine's calendar."""
        return self.start_time + dt.timedelta(microseconds=snapshot.created_ticks)

    def _publish(self, session: Session) -> None:
        for plan in session.planned.values():
            if plan.snapshot is not None:
                self._snapshots[plan.snapshot.snapshot_id] = plan.snapshot

    def _discard(self, session: Session) -> None:
        for plan in session.planned.values():
            if plan.snapshot is not None:
                plan.snapshot.state = VSS_SNAPSHOT_STATE.VSS_SS_ABORTED
                self._snapshots.pop(plan.snapshot.snapshot_id, None)
                plan.snapshot = None

    def _release_creation_lock(self, session: Session) -> None:
        if self._creating is session:
            self._creating = None

    def _release_snapshots(self, session: Session) -> None:
        """Release deletes the set's auto-release copies (vss-facts §3.1)."""
        for plan in session.planned.values():
            snapshot = plan.snapshot
            if (
                snapshot is not None
                and snapshot.auto_release
                and snapshot.snapshot_id in self._snapshots
            ):
                # Release has no failure code (vss-facts §3.2 row 20): a copy the provider would
                # not delete stays, and the failure is in the trace.
                with contextlib.suppress(VssError):
                    self._delete(snapshot, session)

    def _delete(self, snapshot: Snapshot, session: Session) -> None:
        provider = next((p for p in self._providers if p.provider_id == snapshot.provider_id), None)
        if provider is not None:
            # Traced, and a code outside the provider list converted (vss-facts §9).
            self._coordinator._provider(session, provider, "DeleteSnapshot", snapshot.snapshot_id)
        snapshot.state = VSS_SNAPSHOT_STATE.VSS_SS_DELETED
        del self._snapshots[snapshot.snapshot_id]

    def _delete_snapshots(
        self, source_id: uuid.UUID, object_type: VSS_OBJECT_TYPE, session: Session
    ) -> tuple[int, uuid.UUID]:
        if object_type is VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT:
            targets = [s for s in self._snapshots.values() if s.snapshot_id == source_id]
        elif object_type is VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET:
            targets = [s for s in self._snapshots.values() if s.snapshot_set_id == source_id]
        else:
            raise VssInvalidArg(
                f"DeleteSnapshots takes VSS_OBJECT_SNAPSHOT or VSS_OBJECT_SNAPSHOT_SET, not {object_type.name}"
            )
        if not targets:
            raise VssObjectNotFound(f"DeleteSnapshots: no {object_type.name} {source_id}")
        deleted = 0
        for snapshot in targets:
            try:
                self._delete(snapshot, session)
            except VssError:
                return deleted, snapshot.snapshot_id
            deleted += 1
        return deleted, GUID_NULL
