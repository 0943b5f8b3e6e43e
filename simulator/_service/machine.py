"""The simulated machine's state: volumes, providers, shadow copies, subscribed writers, the
creation lock, and the engine parts every session shares (clock, scheduler, trace, GUIDs).

The coordinator (``coordinator.py``) runs the VSS service over one ``Machine``; ``VssSystem``
builds both and is their public face.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections.abc import Callable
from typing import ClassVar

from .._documents.backup_document import BackupComponentsDocument
from .._engine.guids import GuidSource
from .._engine.recorder import TraceRecorder
from .._engine.scheduler import GreenletExit, Scheduler, Task
from .._engine.trace import Entry, TraceKind, ViolationRule
from .._rules.limits import MachineLimits
from .._rules.providers import PROVIDER_SELECTION_ORDER
from .._rules.rights import DEFAULT_CALLER, caller_may_back_up
from .._rules.versions import DEFAULT_WINDOWS, WindowsVersion, windows_version
from .._vocabulary.clock import VirtualClock
from .._vocabulary.enums import (
    GUID_NULL,
    VSS_OBJECT_TYPE,
    VSS_SNAPSHOT_STATE,
    VSS_VOLUME_SNAPSHOT_ATTRIBUTES,
)
from .._vocabulary.errors import (
    VssError,
    VssInvalidArg,
    VssObjectAlreadyExists,
    VssObjectNotFound,
    VssProviderAlreadyRegistered,
    VssProviderInUse,
    VssProviderNotRegistered,
)
from .creation_lock import CreationLock
from .diff_area import ShadowStorage
from .hardware_calls import delete_copy
from .kernel import Kernel
from .provider_calls import ProviderCalls, notify_load, notify_unload
from .providers import Snapshot, SystemProvider, VssProvider
from .records import Invocation, Session, Volume, WriterCore, record_violation
from .session_slots import SessionSlots
from .volume_checks import choose_provider, provider_accepts

__all__ = ["Machine"]

_FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc)
_MICROSECOND = dt.timedelta(microseconds=1)
_DRIVE = re.compile(r"^[A-Za-z]:\\?$")
_CLIENT_ACCESSIBLE = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE)
_DELETED = VSS_SNAPSHOT_STATE.VSS_SS_DELETED
_NO_AUTO_RELEASE = int(VSS_VOLUME_SNAPSHOT_ATTRIBUTES.VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE)
#: provider type -> its place in PROVIDER_SELECTION_ORDER (GUID_NULL tries them in this order)
_SELECTION_RANK = {kind: rank for rank, kind in enumerate(PROVIDER_SELECTION_ORDER)}


def _selection_rank(provider: VssProvider) -> int:
    return _SELECTION_RANK.get(provider.provider_type, len(_SELECTION_RANK))


class Machine:
    """One simulated Windows machine with the VSS service."""

    def __init__(
        self,
        rng: random.Random,
        machine_name: str,
        start_time: dt.datetime,
        owner: object,
        *,
        trace_limit: int | None = None,
        windows: str = DEFAULT_WINDOWS,
        limits: MachineLimits | None = None,
        caller: str = DEFAULT_CALLER,
    ) -> None:
        self.rng = rng
        self.machine_name = machine_name
        self.start_time = start_time
        #: the public object this machine belongs to (its ``VssSystem``)
        self.owner = owner
        self.clock = VirtualClock()
        self.scheduler = Scheduler(rng, self.clock)
        self.recorder = TraceRecorder(self.clock, self.scheduler, trace_limit)
        #: the provider calls, traced and their failures converted (docs/reference.md §9)
        self.provider_calls = ProviderCalls(self.recorder)
        self.guids = GuidSource(rng)
        self.creation_lock = CreationLock()
        #: the Windows version modelled: its row of ``WINDOWS_VERSIONS`` (docs/reference.md §12)
        self.windows: WindowsVersion = windows_version(windows)
        #: the configurable limits (docs/reference.md §6, §8)
        self.limits = limits if limits is not None else MachineLimits()
        caller_may_back_up(caller)  # an unknown caller is refused here
        #: the account requesters run as (docs/reference.md §3.1)
        self.caller = caller
        self.writers: list[WriterCore] = []
        #: volume name and GUID path (lower case) -> the volume
        self._volumes: dict[str, Volume] = {}
        #: volume name (lower case) -> the volume, in the order they were added
        self._named: dict[str, Volume] = {}
        self.snapshots: dict[uuid.UUID, Snapshot] = {}
        self.storage = ShadowStorage(
            self.snapshots, self.recorder, lambda: self.windows, self.find_volume
        )
        self.providers: list[VssProvider] = [SystemProvider(self.storage)]
        #: whether the providers are loaded: OnUnload when the machine closes, OnLoad again when
        #: it is entered again (docs/reference.md §9)
        self.providers_loaded = True
        #: how long the kernel's steps of creation take (docs/reference.md §4.1, §5)
        self.kernel = Kernel()
        self.slots = SessionSlots(self.limits.writer_session_slots)
        #: the sessions initialized for a restore and not released yet
        self.restores: set[uuid.UUID] = set()
        #: volume -> the id of the copy it is being reverted to (RevertToSnapshot)
        self.reverts: dict[str, uuid.UUID] = {}
        self._shadow_devices = 0
        #: the start time ``filetime`` counts from, and its microseconds since 1601
        self._filetime_start: dt.datetime | None = None
        self._filetime_offset = 0
        self._tasks = 0
        #: what to do when a user task ends: bury the requester objects it made (COM releases
        #: a dead client's objects)
        self.task_end_hooks: dict[Task, list[Callable[[], None]]] = {}
        #: the tasks burying requester objects now; a requester call waits for them first
        self.burials: set[Task] = set()
        #: weak references to the live requester objects (their callbacks bury the collected)
        self.requester_refs: set[object] = set()

    # -- tasks ----------------------------------------------------------------------------------

    def spawn(self, fn: Callable[..., object], args: tuple[object, ...], name: str | None) -> Task:
        """A user task (a requester, usually), named ``task-N`` unless named. When it raises,
        the requester objects it made and did not release are buried (``bury``); those it
        drops are buried when they are collected."""
        self._tasks += 1
        return self.scheduler.spawn(self._user_task, (fn, args), name or f"task-{self._tasks}")

    def _user_task(self, fn: Callable[..., object], args: tuple[object, ...]) -> object:
        task = self.scheduler.running_task()
        try:
            return fn(*args)
        except GreenletExit:
            raise
        except BaseException:
            hooks = self.task_end_hooks.pop(task, None) if task is not None else None
            if hooks and not self.scheduler.closing:
                for hook in hooks:
                    hook()
            raise
        finally:
            self.task_end_hooks.pop(task, None)  # type: ignore[arg-type]

    def bury(self, fn: Callable[[], None], what: str) -> Task:
        """Run ``fn`` on an operation task that requester calls wait for (``settle``)."""
        burials = self.burials

        def run() -> None:
            try:
                fn()
            finally:
                burials.discard(task)

        task = self.spawn_operation(run, what)
        burials.add(task)
        return task

    def settle(self) -> None:
        """Wait for the burials under way, so a dead requester's lock and copies are gone."""
        scheduler = self.scheduler
        running = scheduler.running_task()
        for task in list(self.burials):
            if task is not running:
                scheduler.join(task)

    def spawn_operation(self, fn: Callable[[], None], what: str) -> Task:
        """The task of one VSS operation: the thread that invokes the handlers of its events."""
        self._tasks += 1
        return self.scheduler.spawn(fn, (), f"vss-{self._tasks}:{what}")

    def new_session(self) -> Session:
        """A session with a fresh id and an empty Backup Components Document."""
        return Session(self.guids.new(), BackupComponentsDocument())

    # -- the trace ------------------------------------------------------------------------------

    def record(
        self,
        kind: TraceKind,
        name: str,
        session: Session | None = None,
        writer: str | None = None,
        *,
        detail: str | None = None,
        result: str | None = None,
    ) -> Entry:
        """Record one step of ``session`` (see ``TraceRecorder.record``)."""
        session_id = session.session_id if session is not None else None
        return self.recorder.record(kind, name, session_id, writer, detail=detail, result=result)

    def violation(
        self,
        rule: ViolationRule,
        message: str,
        core: WriterCore | None = None,
        inv: Invocation | None = None,
        *,
        thread: str | None = None,
        session: Session | None = None,
        handler: str | None = None,
    ) -> None:
        """Record a rule broken by user code: by ``core``, in handler ``inv`` if one runs."""
        record_violation(
            self.recorder, rule, message, core, inv, thread=thread, session=session, handler=handler
        )

    # -- writers ----------------------------------------------------------------------------------

    def subscribe(self, core: WriterCore) -> None:
        self.writers.append(core)

    def unsubscribe(self, core: WriterCore) -> None:
        self.writers.remove(core)

    # -- volumes and paths ------------------------------------------------------------------------

    def add_volume(
        self,
        name: str,
        *,
        file_system: str = "NTFS",
        size_bytes: int | None = None,
        local: bool = True,
        nesting: int = 0,
    ) -> Volume:
        """Add a volume (``D:\\``, a mount folder ``C:\\Mount\\X\\``)."""
        if _DRIVE.match(name) and not name.endswith("\\"):
            name += "\\"
        if not name.endswith("\\"):
            raise VssInvalidArg(f"a volume name ends with a backslash: {name!r}")
        if name.lower() in self._volumes:
            raise VssObjectAlreadyExists(f"volume {name!r} exists already")
        number = len(self.volumes) + 1
        volume = Volume(
            name=name,
            guid_path=f"\\\\?\\Volume{{{self.guids.new()}}}\\",
            file_system=file_system,
            device=f"\\Device\\HarddiskVolume{number + 1}",
            size_bytes=size_bytes if size_bytes is not None else self.limits.default_volume_bytes,
            local=local,
            nesting=nesting,
        )
        self._volumes[name.lower()] = volume
        self._volumes[volume.guid_path.lower()] = volume
        self._named[name.lower()] = volume
        return volume

    def forget_volume(self, volume: Volume) -> None:
        """The volume is no longer known by its name or its GUID path."""
        self._volumes.pop(volume.name.lower(), None)
        self._volumes.pop(volume.guid_path.lower(), None)
        self._named.pop(volume.name.lower(), None)

    @property
    def volumes(self) -> list[Volume]:
        """The machine's volumes, in the order they were added."""
        return list(self._named.values())

    def find_volume(self, name: str) -> Volume | None:
        """The volume named ``name`` (any case), by its name, its GUID path, or a drive letter
        without the backslash."""
        key = name.lower()
        volume = self._volumes.get(key)
        if volume is not None or key.endswith("\\") or not _DRIVE.match(name):
            return volume
        return self._volumes.get(key + "\\")

    def volume_key(self, name: str) -> str:
        volume = self.find_volume(name)
        return volume.name.lower() if volume is not None else name.lower()

    def volume_of_path(self, path: str) -> Volume | None:
        expanded = self.expand(path).lower()
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

    def expand(self, path: str) -> str:
        return re.sub(
            r"%([^%]+)%", lambda m: self._ENVIRONMENT.get(m.group(1).lower(), m.group(0)), path
        )

    # -- providers --------------------------------------------------------------------------------

    def register_provider(self, provider: VssProvider) -> None:
        """Register ``provider``; VSS loads it (OnLoad, docs/reference.md §9)."""
        if any(p.provider_id == provider.provider_id for p in self.providers):
            raise VssProviderAlreadyRegistered(
                f"a provider with id {provider.provider_id} is registered already"
            )
        notify_load(self.recorder, provider)
        self.providers.append(provider)

    def unregister_provider(self, provider_id: uuid.UUID) -> VssProvider:
        """Unregister a provider: VSS asks it to unload (OnUnload(FALSE)) and forgets it; its
        copies stay, no longer managed by a provider (docs/reference.md §9, [INF])."""
        provider = next((p for p in self.providers if p.provider_id == provider_id), None)
        if provider is None:
            raise VssProviderNotRegistered(f"no provider with id {provider_id} is registered")
        if isinstance(provider, SystemProvider):
            raise VssProviderInUse(
                f"{provider.provider_name} is part of Windows and cannot be unregistered"
            )
        holder = self.creation_lock.holder
        if holder is not None and any(p.provider is provider for p in holder.planned.values()):
            raise VssProviderInUse(
                f"{provider.provider_name} is in use: a shadow copy set being created has a "
                "volume of it; unregister it once DoSnapshotSet has returned or the set was "
                "aborted"
            )
        if not notify_unload(self.recorder, provider, force=False):
            raise VssProviderInUse(
                f"{provider.provider_name} answered OnUnload(FALSE) with S_FALSE: it should not "
                "be unloaded now"
            )
        self.providers.remove(provider)
        return provider

    def unload_providers(self) -> None:
        """The machine closes: OnUnload(TRUE) to every provider, which must let go."""
        if not self.providers_loaded:
            return
        self.providers_loaded = False
        for provider in self.providers:
            notify_unload(self.recorder, provider, force=True)

    def load_providers(self) -> None:
        """The machine is entered again after it closed: OnLoad to every provider."""
        if self.providers_loaded:
            return
        self.providers_loaded = True
        for provider in self.providers:
            notify_load(self.recorder, provider)

    def providers_for(self, provider_id: uuid.UUID) -> list[VssProvider]:
        """The providers to try for ``provider_id``: by PROVIDER_SELECTION_ORDER for GUID_NULL."""
        if provider_id is GUID_NULL or provider_id == GUID_NULL:
            providers = self.providers
            return sorted(providers, key=_selection_rank) if len(providers) > 1 else providers[:]
        for provider in self.providers:
            if provider.provider_id == provider_id:
                return [provider]
        raise VssProviderNotRegistered(f"no provider with id {provider_id} is registered")

    def supports(self, provider: VssProvider, volume: Volume, context: int = 0) -> bool:
        """Whether ``provider`` may shadow ``volume`` in ``context``: the volume rules, then the
        provider itself (SetContext, IsVolumeSupported)."""
        return provider_accepts(self, provider, volume, context)

    def choose_provider(
        self, provider_id: uuid.UUID, volume: Volume, context: int = 0
    ) -> VssProvider:
        """The provider AddToSnapshotSet uses for ``volume`` (docs/reference.md §3.2 row 10, §9)."""
        return choose_provider(self, provider_id, volume, context)

    def provider_of(self, snapshot: Snapshot) -> VssProvider | None:
        """The registered provider that made ``snapshot``."""
        provider_id = snapshot.provider_id
        for provider in self.providers:
            if provider.provider_id is provider_id or provider.provider_id == provider_id:
                return provider
        return None

    # -- shadow copies ----------------------------------------------------------------------------

    def next_device(self) -> str:
        self._shadow_devices += 1
        return f"\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy{self._shadow_devices}"

    def filetime(self) -> int:
        """The virtual now as a FILETIME (100 ns units since 1601), for VSS_TIMESTAMP fields."""
        start_time = self.start_time
        if start_time is not self._filetime_start:
            self._filetime_start = start_time
            self._filetime_offset = (start_time - _FILETIME_EPOCH) // _MICROSECOND
        return (self._filetime_offset + self.clock.ticks) * 10

    def publish(self, session: Session) -> None:
        """The set's copies exist; beyond ``max_client_accessible_copies`` client-accessible
        copies of a volume the oldest are deleted (docs/reference.md §6, [INF])."""
        snapshots = self.snapshots
        planned = session.planned.values()
        for plan in planned:
            if plan.snapshot is not None:
                snapshots[plan.snapshot.snapshot_id] = plan.snapshot
        cap = self.limits.max_client_accessible_copies
        for plan in planned:
            name = plan.volume.name
            accessible = [
                s
                for s in snapshots.values()
                if s.attributes & _CLIENT_ACCESSIBLE and s.original_volume == name
            ]
            if len(accessible) <= cap:
                continue
            for oldest in accessible[: len(accessible) - cap]:
                oldest.state = _DELETED
                del self.snapshots[oldest.snapshot_id]
                self.storage.forget(oldest.snapshot_id)
                self.record(
                    TraceKind.FAULT,
                    "shadow copy deleted",
                    session,
                    detail=f"oldest client-accessible copy {oldest.snapshot_id} of "
                    f"{plan.volume.name}: at most {cap} are kept",
                )

    def may_back_up(self) -> bool:
        """Whether the machine's caller holds the backup privilege (docs/reference.md §3.1)."""
        return caller_may_back_up(self.caller)

    def restore_cap(self) -> int:
        """How many restore sessions may be in progress at once (docs/reference.md §6, §12)."""
        configured = self.limits.concurrent_restores
        return configured if configured is not None else self.windows.concurrent_restores

    def discard(self, session: Session) -> None:
        for plan in session.planned.values():
            if plan.snapshot is not None:
                plan.snapshot.state = VSS_SNAPSHOT_STATE.VSS_SS_ABORTED
                self.snapshots.pop(plan.snapshot.snapshot_id, None)
                plan.snapshot = None

    def release_snapshots(self, session: Session) -> None:
        """Release deletes the set's auto-release copies (§3.1)."""
        snapshots = self.snapshots
        for plan in session.planned.values():
            snapshot = plan.snapshot
            if (
                snapshot is not None
                and not snapshot.attributes & _NO_AUTO_RELEASE
                and snapshot.snapshot_id in snapshots
            ):
                try:
                    self.delete(snapshot, session)
                except VssError:
                    # Release has no failure code (§3.2 row 20): a copy the provider would not
                    # delete stays, and the failure is in the trace.
                    continue

    def delete(self, snapshot: Snapshot, session: Session) -> None:
        provider = self.provider_of(snapshot)
        if provider is not None:
            # Traced, and a code outside the provider list converted (§9); a hardware
            # provider's copy is FillInLunInfo and OnLunEmpty per shadow LUN.
            delete_copy(self.provider_calls, session, provider, snapshot)
        snapshot.state = _DELETED
        del self.snapshots[snapshot.snapshot_id]
        self.storage.forget(snapshot.snapshot_id)

    def delete_snapshots(
        self, source_id: uuid.UUID, object_type: VSS_OBJECT_TYPE, session: Session
    ) -> tuple[int, uuid.UUID]:
        if object_type is VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT:
            targets = [s for s in self.snapshots.values() if s.snapshot_id == source_id]
        elif object_type is VSS_OBJECT_TYPE.VSS_OBJECT_SNAPSHOT_SET:
            targets = [s for s in self.snapshots.values() if s.snapshot_set_id == source_id]
        else:
            raise VssInvalidArg(
                "DeleteSnapshots takes VSS_OBJECT_SNAPSHOT or VSS_OBJECT_SNAPSHOT_SET, not "
                f"{object_type.name}"
            )
        if not targets:
            raise VssObjectNotFound(f"DeleteSnapshots: no {object_type.name} {source_id}")
        deleted = 0
        for snapshot in targets:
            try:
                self.delete(snapshot, session)
            except VssError:
                return deleted, snapshot.snapshot_id
            deleted += 1
        return deleted, GUID_NULL

    @property
    def shadow_devices_issued(self) -> int:
        """How many shadow copy devices this machine has numbered so far."""
        return self._shadow_devices

    def import_snapshot(self, snapshot: Snapshot) -> None:
        """Add a shadow copy made earlier (one read back from a saved machine): its ids are never
        issued again, and device numbers go on after its own."""
        if snapshot.snapshot_id in self.snapshots:
            raise VssObjectAlreadyExists(f"shadow copy {snapshot.snapshot_id} exists already")
        self.guids.reserve(snapshot.snapshot_id)
        self.guids.reserve(snapshot.snapshot_set_id)
        number = re.search(r"(\d+)$", snapshot.device)
        self.continue_device_numbers(int(number.group(1)) if number is not None else 0)
        self.snapshots[snapshot.snapshot_id] = snapshot

    def continue_device_numbers(self, issued: int) -> None:
        """Number the next shadow copy device after ``issued`` (a saved machine's count)."""
        self._shadow_devices = max(self._shadow_devices, issued)

    def creation_time(self, snapshot: Snapshot) -> dt.datetime:
        """When a shadow copy was made, in the machine's calendar."""
        return self.start_time + dt.timedelta(microseconds=snapshot.created_ticks)
