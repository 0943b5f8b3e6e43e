"""The least work a model must do for the hot-path workload: a lower bound for ``hot_path.py``.

``LeastSystem`` answers the same requester code (``hot_path.backup``) and delivers the same 80
events to the same writers as ``VssSystem``, but it does only what the documented rules of that
one success path need, each step the cheapest way CPython offers: plain tuples and lists for
records, precomputed tables, bound methods looked up once, no messages, no objects it can avoid.
It is not a model: it prices the workload's success path only (no Abort after a veto, no
messages, no faults, no public record types) and explains nothing. It is the price list of the
rules: the distance from the floor to it is what any model in CPython pays, and the distance from
it to ``VssSystem`` is what the real model adds.

What it does, by the rule that needs it (docs/reference.md):

* every requester call: its call order (§3.2, a table of stages), its arguments' types (§3.6,
  E_INVALIDARG), a trace record of the call and its thread;
* every event, for each writer (§1.4, §2.2): the row of the state table for the writer's state,
  a trace record with the start and end times, the running-handler registration the thread rule
  reads (§1.5: GetSessionId on the handler's thread), the handler's window in virtual time (§6),
  its result checked (a bool), the next state; component views where the event hands one (§7.3);
* OnIdentify's three builder calls validated and recorded, and compared with the writer's
  previous Identify so that an unchanged document is reused (§7.1);
* each asynchronous operation run on its own task (one greenlet switch each way, §3.4);
* one snapshot set in creation at a time (§8), GUIDs from the machine's seeded generator, the
  Freeze→Thaw window (§6), one shadow copy record;
* BackupComplete's check of components not marked with SetBackupSucceeded (§3.2), a violation
  record for each; BackupShutdown once per writer when the requester is released (§4.3).

    python benchmarks/least_model.py [--rounds 7] [--sessions 100]
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import uuid
from collections.abc import Callable
from typing import Any

import _checkout  # noqa: F401  (this checkout's simulator)
import attrs
from greenlet import getcurrent, greenlet
from hot_path import WORKLOADS, backup, cpu_seconds, floor_seconds, one_at_a_time
from sessions import BenchWriter

from simulator import (
    VSS_CT_FILEGROUP,
    VSS_RME_RESTORE_IF_CAN_REPLACE,
    VSS_WRE_ALWAYS,
    VssBadState,
    VssInvalidArg,
    VssSnapshotSetInProgress,
    WriterEvent,
)

_get_ident = threading.get_ident
_COMPONENT_TYPE = type(VSS_CT_FILEGROUP)
_RESTORE_METHOD = type(VSS_RME_RESTORE_IF_CAN_REPLACE)
_WRITER_RESTORE = type(VSS_WRE_ALWAYS)
_OPTIONAL_TEXT = (str, type(None))
_WINDOW = 600_000_000  # a handler's window, in ticks (µs of virtual time)
_FREEZE_WINDOW = 60_000_000

# The writer states and events the workload reaches, and the state table's rows for them:
# ROWS[event][state] is the state after success (None: the event is not delivered then).
STABLE, PREPARED_BACKUP, PREPARED_SNAPSHOT, FROZEN, THAWED, POST_SNAPSHOT, COMPLETED = range(7)
IDENTIFY, PREPARE_BACKUP, PREPARE_SNAPSHOT, FREEZE, THAW, POST, COMPLETE, SHUTDOWN = range(8)
_E = WriterEvent
#: The handler of each event, by the events' numbers above.
_HANDLERS = tuple(
    event.value
    for event in (
        _E.IDENTIFY,
        _E.PREPARE_BACKUP,
        _E.PREPARE_SNAPSHOT,
        _E.FREEZE,
        _E.THAW,
        _E.POST_SNAPSHOT,
        _E.BACKUP_COMPLETE,
        _E.BACKUP_SHUTDOWN,
    )
)
_NO_ARGUMENT = frozenset({PREPARE_SNAPSHOT, FREEZE, THAW})
ROWS: list[list[int | None]] = [[None] * 7 for _ in _HANDLERS]
for _event, _before, _after in (
    (IDENTIFY, STABLE, STABLE),
    (PREPARE_BACKUP, STABLE, PREPARED_BACKUP),
    (PREPARE_SNAPSHOT, PREPARED_BACKUP, PREPARED_SNAPSHOT),
    (FREEZE, PREPARED_SNAPSHOT, FROZEN),
    (THAW, FROZEN, THAWED),
    (POST, THAWED, POST_SNAPSHOT),
    (COMPLETE, POST_SNAPSHOT, COMPLETED),
    (SHUTDOWN, COMPLETED, STABLE),
    (SHUTDOWN, STABLE, STABLE),
):
    ROWS[_event][_before] = _after

# The requester's call order: the stage a call needs and the stage it leaves.
NEW, INITIALIZED, STATE_SET, GATHERED, SET_STARTED, PREPARED, SNAPPED, DONE = range(8)
ORDER = {
    "InitializeForBackup": (NEW, INITIALIZED),
    "SetBackupState": (INITIALIZED, STATE_SET),
    "GatherWriterMetadata": (STATE_SET, GATHERED),
    "GetWriterMetadataCount": (GATHERED, None),
    "GetWriterMetadata": (GATHERED, None),
    "AddComponent": (GATHERED, None),
    "StartSnapshotSet": (GATHERED, SET_STARTED),
    "AddToSnapshotSet": (SET_STARTED, None),
    "PrepareForBackup": (SET_STARTED, PREPARED),
    "DoSnapshotSet": (PREPARED, SNAPPED),
    "BackupComplete": (SNAPPED, DONE),
}


class Writer:
    """A subscribed writer: its handlers bound once, its state, its last Identify."""

    __slots__ = ("calls", "document", "handlers", "instance_id", "key", "state", "writer_id")

    def __init__(self, writer: BenchWriter, rng: random.Random) -> None:
        self.handlers = [getattr(writer, name) for name in _HANDLERS]
        self.instance_id = uuid.UUID(int=rng.getrandbits(128))
        self.writer_id = uuid.UUID(int=rng.getrandbits(128))
        self.key = self.instance_id.int
        self.state = STABLE
        self.calls: list[tuple[Any, ...]] | None = None
        self.document: Examine | None = None


class Metadata:
    """What OnIdentify is handed: each builder call validated and recorded."""

    __slots__ = ("calls", "names")

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.names: set[str] = set()

    def SetRestoreMethod(
        self, method: Any, service: Any, procedure: Any, restore: Any, reboot: Any
    ) -> None:
        if (
            type(method) is not _RESTORE_METHOD
            or not isinstance(service, _OPTIONAL_TEXT)
            or not isinstance(procedure, _OPTIONAL_TEXT)
            or type(restore) is not _WRITER_RESTORE
            or type(reboot) is not bool
        ):
            raise VssInvalidArg("SetRestoreMethod")
        self.calls.append((1, method, service, procedure, restore, reboot))

    def AddComponent(
        self,
        kind: Any,
        path: Any,
        name: Any,
        caption: Any,
        icon: Any,
        icon_size: Any,
        restore_metadata: Any,
        notify: Any,
        selectable: Any,
    ) -> None:
        if (
            type(kind) is not _COMPONENT_TYPE
            or not isinstance(path, _OPTIONAL_TEXT)
            or type(name) is not str
            or not name
            or not isinstance(caption, _OPTIONAL_TEXT)
            or type(icon_size) is not int
            or type(restore_metadata) is not bool
            or type(notify) is not bool
            or type(selectable) is not bool
        ):
            raise VssInvalidArg("AddComponent")
        if name in self.names:
            raise VssInvalidArg("AddComponent: a component of that name exists")
        self.names.add(name)
        self.calls.append((2, kind, path, name, caption, icon, icon_size, selectable))

    def AddFilesToFileGroup(
        self, path: Any, group: Any, directory: Any, spec: Any, recursive: Any, alternate: Any
    ) -> None:
        if (
            not isinstance(path, _OPTIONAL_TEXT)
            or type(directory) is not str
            or type(spec) is not str
            or type(recursive) is not bool
            or not isinstance(alternate, _OPTIONAL_TEXT)
        ):
            raise VssInvalidArg("AddFilesToFileGroup")
        if group not in self.names:
            raise VssInvalidArg("AddFilesToFileGroup: no such file group")
        self.calls.append((3, path, group, directory, spec, recursive, alternate))


class Info:
    """A component's description, as GetComponentInfo returns it."""

    __slots__ = ("component_name", "logical_path", "type")

    def __init__(self, kind: Any, path: Any, name: str) -> None:
        self.type = kind
        self.logical_path = path
        self.component_name = name


class Component:
    __slots__ = ("info",)

    def __init__(self, info: Info) -> None:
        self.info = info

    def GetComponentInfo(self) -> Info:
        return self.info


class Examine:
    """A writer's frozen document, built once for each new set of builder calls."""

    __slots__ = ("components", "counts", "identity", "keys")

    def __init__(self, writer: Writer, calls: list[tuple[Any, ...]]) -> None:
        self.components = [Component(Info(c[1], c[2], c[3])) for c in calls if c[0] == 2]
        self.keys = {(c[2], c[3]) for c in calls if c[0] == 2}
        self.identity = (writer.instance_id, writer.writer_id, "", 0, 0)
        self.counts = (0, 0, len(self.components))

    def GetIdentity(self) -> tuple[Any, ...]:
        return self.identity

    def GetFileCounts(self) -> tuple[int, int, int]:
        return self.counts

    def GetComponent(self, index: int) -> Component:
        if type(index) is not int or not 0 <= index < len(self.components):
            raise VssInvalidArg("GetComponent")
        return self.components[index]


class View:
    """The component view a handler is handed; it takes no writes once its handler returned."""

    __slots__ = ("entries", "open")

    def __init__(self, entries: list[Any]) -> None:
        self.entries = entries
        self.open = True


class LeastSystem:
    """The machine: writers, the clock, the trace, the creation lock, the seeded generator."""

    def __init__(self, kind: type[BenchWriter], writers: int, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.writers = [Writer(kind(), self.rng) for _ in range(writers)]
        self.ticks = 0
        self.trace: list[Any] = []
        self.running: dict[tuple[int, Any], Any] = {}
        self.creating: Any = None
        self.sessions = 0
        self.worker = greenlet(self._work)
        self.worker.switch()

    def _work(self) -> None:
        """The operations' task: runs each operation handed to it, then hands control back."""
        main = self.worker.parent
        assert main is not None
        job = main.switch()
        while True:
            job = main.switch(job())

    def CreateVssBackupComponents(self) -> Requester:
        self.sessions += 1
        return Requester(self, self.sessions)

    def sleep(self, seconds: float) -> None:
        self.ticks += int(seconds * 1_000_000)

    def deliver(self, session: Requester, event: int, arg: Any, views: bool) -> bool:
        """One event to each of the session's writers: ``arg``, or (``views``) a component view
        each, or (Identify) a fresh builder each, whose calls become the writer's document."""
        row = ROWS[event]
        append = self.trace.append
        running = self.running
        key = (_get_ident(), getcurrent())
        takes_arg = event not in _NO_ARGUMENT
        ok = True
        for writer in session.writers:
            after = row[writer.state]
            if after is None:
                ok = False
                continue
            if views:
                arg = View(session.entries.get(writer.key, []))
            elif event == IDENTIFY:
                arg = Metadata()
            start = self.ticks
            record = [start, event, session.number, writer.key, key[1], None, None]
            append(record)
            running[key] = (session, writer)
            try:
                result = writer.handlers[event](arg) if takes_arg else writer.handlers[event]()
            except BaseException:
                result = None
            finally:
                del running[key]
            record[5] = end = self.ticks
            if views:
                arg.open = False
            if result is True and end < start + _WINDOW:
                record[6] = True
                writer.state = after
                if event == IDENTIFY:
                    session.identified(writer, arg.calls)
            else:
                record[6] = result
                ok = False
        return ok


class Async:
    """IVssAsync: Wait runs the operation on the machine's task."""

    __slots__ = ("job", "system")

    def __init__(self, system: LeastSystem, job: Any) -> None:
        self.system = system
        self.job = job

    def Wait(self) -> None:
        self.system.worker.switch(self.job)


class Requester:
    """IVssBackupComponents for the workload's calls."""

    def __init__(self, system: LeastSystem, number: int) -> None:
        self.system = system
        self.number = number
        self.stage = NEW
        self.writers: list[Writer] = []
        self.entries: dict[int, list[Any]] = {}
        self.documents: dict[int, Examine] = {}
        self.listed: list[Writer] = []
        self.set_id: uuid.UUID | None = None
        self.volumes: list[str] = []
        self.violations = 0

    def __enter__(self) -> Requester:
        return self

    def __exit__(self, *exc: object) -> None:
        system = self.system
        system.deliver(self, SHUTDOWN, self.set_id, False)
        if system.creating is self:
            system.creating = None
        system.trace.append((system.ticks, "release", self.number, getcurrent()))

    def _call(self, name: str) -> None:
        """The call order and the trace record of one call."""
        need, after = ORDER[name]
        if self.stage < need:
            raise VssBadState(name)
        if after is not None:
            self.stage = after
        system = self.system
        system.trace.append((system.ticks, name, self.number, getcurrent()))

    def InitializeForBackup(self, xml: Any = None) -> None:
        if not isinstance(xml, _OPTIONAL_TEXT):
            raise VssInvalidArg("InitializeForBackup")
        self._call("InitializeForBackup")

    def SetBackupState(
        self, components: Any, bootable: Any, kind: Any, partial: Any = False
    ) -> None:
        if type(components) is not bool or type(bootable) is not bool:
            raise VssInvalidArg("SetBackupState")
        self._call("SetBackupState")

    def GatherWriterMetadata(self) -> Async:
        self._call("GatherWriterMetadata")
        return Async(self.system, self._identify)

    def _identify(self) -> None:
        self.writers = self.system.writers
        self.system.deliver(self, IDENTIFY, None, False)

    def identified(self, writer: Writer, calls: list[tuple[Any, ...]]) -> None:
        """A writer's Identify succeeded: its document, reused when its calls are unchanged."""
        if calls != writer.calls or writer.document is None:
            writer.calls = calls
            writer.document = Examine(writer, calls)
        self.documents[writer.key] = writer.document
        self.listed.append(writer)

    def GetWriterMetadataCount(self) -> int:
        self._call("GetWriterMetadataCount")
        return len(self.listed)

    def GetWriterMetadata(self, index: Any) -> tuple[uuid.UUID, Examine]:
        if type(index) is not int or not 0 <= index < len(self.listed):
            raise VssInvalidArg("GetWriterMetadata")
        self._call("GetWriterMetadata")
        writer = self.listed[index]
        return writer.instance_id, self.documents[writer.key]

    def AddComponent(
        self, instance_id: Any, writer_id: Any, kind: Any, path: Any, name: Any
    ) -> None:
        if (
            type(instance_id) is not uuid.UUID
            or type(writer_id) is not uuid.UUID
            or type(kind) is not _COMPONENT_TYPE
            or not isinstance(path, _OPTIONAL_TEXT)
            or type(name) is not str
        ):
            raise VssInvalidArg("AddComponent")
        self._call("AddComponent")
        key = instance_id.int
        document = self.documents.get(key)
        if document is None or document.identity[1].int != writer_id.int:
            raise VssInvalidArg("AddComponent: no such writer")
        if (path, name) not in document.keys:
            raise VssInvalidArg("AddComponent: no such component")
        entries = self.entries.setdefault(key, [])
        for entry in entries:
            if entry[0] == path and entry[1] == name:
                raise VssInvalidArg("AddComponent: added twice")
        entries.append([path, name, kind, False])

    def StartSnapshotSet(self) -> uuid.UUID:
        system = self.system
        if system.creating is not None:
            raise VssSnapshotSetInProgress("StartSnapshotSet")
        self._call("StartSnapshotSet")
        system.creating = self
        self.set_id = uuid.UUID(int=system.rng.getrandbits(128))
        return self.set_id

    def AddToSnapshotSet(self, volume: Any, provider: Any = None) -> uuid.UUID:
        if type(volume) is not str:
            raise VssInvalidArg("AddToSnapshotSet")
        self._call("AddToSnapshotSet")
        name = volume.upper()
        if name != "C:\\" or name in self.volumes:
            raise VssInvalidArg("AddToSnapshotSet: not a volume of this machine")
        self.volumes.append(name)
        return uuid.UUID(int=self.system.rng.getrandbits(128))

    def PrepareForBackup(self) -> Async:
        self._call("PrepareForBackup")
        return Async(self.system, lambda: self.system.deliver(self, PREPARE_BACKUP, None, True))

    def DoSnapshotSet(self) -> Async:
        self._call("DoSnapshotSet")
        return Async(self.system, self._snapshot)

    def _snapshot(self) -> None:
        system = self.system
        system.deliver(self, PREPARE_SNAPSHOT, None, False)
        frozen_at = system.ticks
        system.deliver(self, FREEZE, None, False)
        system.ticks += 1_000  # the kernel's flush and hold
        for volume in self.volumes:
            copy_id = uuid.UUID(int=system.rng.getrandbits(128))
            system.trace.append((system.ticks, "copy", self.number, copy_id, volume))
        if system.ticks - frozen_at > _FREEZE_WINDOW:
            raise VssBadState("the Freeze→Thaw window ran out")
        system.deliver(self, THAW, None, False)
        system.creating = None
        system.deliver(self, POST, None, True)

    def BackupComplete(self) -> Async:
        self._call("BackupComplete")
        system = self.system
        for key, entries in self.entries.items():
            for entry in entries:
                if not entry[3]:
                    system.trace.append((system.ticks, "violation", self.number, key, entry[1]))
                    self.violations += 1
        return Async(system, lambda: system.deliver(self, COMPLETE, None, True))


def least_seconds(kind: type[BenchWriter], writers: int, sessions: int) -> float:
    """CPU seconds per session of ``LeastSystem``."""
    system = LeastSystem(kind, writers)

    def run() -> None:
        for _ in range(sessions):
            backup(system)  # type: ignore[arg-type]

    return cpu_seconds(run) / sessions


@attrs.frozen
class Least:
    """Medians over interleaved rounds of the floor, the least model and ``VssSystem``, one
    session at a time: µs per session and the ratios."""

    floor_us: float
    least_us: float
    least_ratio: float
    model_ratio: float
    model_over_least: float


def measure(
    kind: type[BenchWriter], sessions: int, count: int, say: Callable[[str], None] = print
) -> Least:
    """``count`` interleaved rounds of the floor, the least model and the model; their medians."""
    rows: list[tuple[float, float, float]] = []
    for index in range(count):
        base = floor_seconds(kind, 10, sessions)
        least = least_seconds(kind, 10, sessions)
        model = one_at_a_time(kind, 10, sessions)
        rows.append((base, least, model))
        say(
            f"round {index + 1}: floor {base * 1e6:6.1f} µs  least {least / base:5.1f}×"
            f"  model {model / base:6.1f}×  model over least {model / least:5.1f}×"
        )
    return Least(
        floor_us=statistics.median(r[0] for r in rows) * 1e6,
        least_us=statistics.median(r[1] for r in rows) * 1e6,
        least_ratio=statistics.median(r[1] / r[0] for r in rows),
        model_ratio=statistics.median(r[2] / r[0] for r in rows),
        model_over_least=statistics.median(r[2] / r[1] for r in rows),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="describing")
    args = parser.parse_args()
    r = measure(WORKLOADS[args.workload], args.sessions, args.rounds)
    print(
        f"{args.workload}, 10 writers, one session at a time, medians of {args.rounds} rounds: "
        f"floor {r.floor_us:.1f} µs; the least model {r.least_us:.0f} µs, {r.least_ratio:.1f}× "
        f"the floor; VssSystem {r.model_ratio:.1f}× the floor ({r.model_over_least:.1f}× the "
        "least model)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
