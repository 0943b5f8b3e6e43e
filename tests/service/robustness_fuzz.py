"""The robustness fuzz: random requester calls with random and garbage arguments, two tasks per
object, writers and providers drawn from every misbehaviour the robustness issue lists. Used by
``tests/service/test_robustness_fuzz.py`` (1,000 examples) and ``benchmarks/robustness_soak.py``
(100,000).

One example: a machine with two misbehaving writers (a behaviour per event), maybe a provider
that fails, sleeps or raises, and one requester object driven by two tasks with random calls. It
checks that only a ``VssError`` (or the user's own ``KeyboardInterrupt``) escapes, that the run
ends within a bound of virtual time, that the documented event guarantees hold, that
BackupShutdown comes at most once per writer and session, and that afterwards the same machine,
its writers and providers tamed, takes a clean backup.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from simulator import (
    VSS_BT_FULL,
    IVssAsync,
    IVssBackupComponents,
    SystemProvider,
    TraceKind,
    VssError,
    VssSystem,
    WriterEvent,
    current_system,
)
from simulator.testing import check_event_order
from tests.helpers import QuietWriter, full_backup

E = WriterEvent
#: What a handler does.
BEHAVIOURS = (
    "ok",
    "ok",
    "ok",
    "veto",
    "none",
    "raise",
    "interrupt",
    "sleep",
    "forever",
    "abort",
    "release",
    "wait",
    "failure-garbage",
    "addressed",
    "unprintable",
)
#: What a provider does at one of its calls.
PROVIDER_BEHAVIOURS = ("ok", "ok", "raise", "exit", "forever", "vss-error")
PROVIDER_CALLS = (
    "BeginPrepareSnapshot",
    "EndPrepareSnapshots",
    "PreCommitSnapshots",
    "CommitSnapshots",
    "PostCommitSnapshots",
    "AbortSnapshots",
)
GARBAGE: tuple[Any, ...] = (
    None,
    -1,
    0,
    7,
    1.5,
    float("nan"),
    "",
    "C:\\",
    "Z:\\",
    b"x",
    [1],
    object(),
)
#: Requester calls with their number of arguments.
CALLS: tuple[tuple[str, int], ...] = (
    ("InitializeForBackup", 0),
    ("SetContext", 1),
    ("SetBackupState", 3),
    ("GatherWriterMetadata", 0),
    ("GetWriterMetadataCount", 0),
    ("GetWriterMetadata", 1),
    ("AddComponent", 5),
    ("SetBackupOptions", 5),
    ("StartSnapshotSet", 0),
    ("AddToSnapshotSet", 1),
    ("IsVolumeSupported", 2),
    ("PrepareForBackup", 0),
    ("DoSnapshotSet", 0),
    ("GatherWriterStatus", 0),
    ("GetWriterStatus", 1),
    ("BackupComplete", 0),
    ("AbortBackup", 0),
    ("SaveAsXML", 0),
    ("Query", 0),
    ("DeleteSnapshots", 3),
    ("Release", 0),
    ("Wait", 1),
    ("Cancel", 0),
)
#: Virtual time one example may take: every window is at most 600 s and an example makes a
#: bounded number of calls.
TIME_BOUND = 100_000.0


class Unprintable(Exception):
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class Addressed:
    pass


class Misbehaving(QuietWriter):
    """A writer whose handler of each event does what ``plan`` says."""

    def __init__(self, plan: dict[WriterEvent, str], world: World) -> None:
        self.plan = plan
        self.world = world
        self.tame = False

    def on_event(self, event: WriterEvent, arg: Any) -> Any:
        behaviour = "ok" if self.tame else self.plan.get(event, "ok")
        world = self.world
        if behaviour == "veto":
            return False
        if behaviour == "none":
            return None
        if behaviour == "raise":
            raise ValueError("handler bug")
        if behaviour == "interrupt":
            raise KeyboardInterrupt
        if behaviour == "sleep":
            current_system().sleep(3)
        elif behaviour == "forever":
            while True:
                current_system().sleep(50)
        elif behaviour in ("abort", "release"):
            with _swallow_vss():
                getattr(world.bc, "AbortBackup" if behaviour == "abort" else "Release")()
        elif behaviour == "wait":
            for op in list(world.ops):
                with _swallow_vss():
                    op.Wait()
        elif behaviour == "failure-garbage":
            with _swallow_vss():
                self.SetWriterFailure(world.rng.choice(GARBAGE))
        elif behaviour == "addressed":
            return Addressed()
        elif behaviour == "unprintable":
            raise Unprintable()
        return True


class _swallow_vss:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        return kind is not None and issubclass(kind, VssError)


class MisbehavingProvider(SystemProvider):
    """The system provider, with one misbehaviour at one call."""

    provider_id = uuid.UUID("f0220000-0000-4000-8000-000000000001")
    provider_name = "Misbehaving provider"

    def __init__(self, call: str, behaviour: str) -> None:
        super().__init__()
        self.call = call
        self.behaviour = behaviour
        self.tame = False

    def _act(self, call: str) -> None:
        if self.tame or call != self.call:
            return
        if self.behaviour == "raise":
            raise RuntimeError("provider bug")
        if self.behaviour == "exit":
            raise KeyboardInterrupt
        if self.behaviour == "forever":
            while True:
                current_system().sleep(5)
        if self.behaviour == "vss-error":
            raise VssError("provider veto", 0x8004230F)

    def BeginPrepareSnapshot(self, *args: Any) -> None:
        self._act("BeginPrepareSnapshot")
        super().BeginPrepareSnapshot(*args)

    def EndPrepareSnapshots(self, *args: Any) -> None:
        self._act("EndPrepareSnapshots")
        super().EndPrepareSnapshots(*args)

    def PreCommitSnapshots(self, *args: Any) -> None:
        self._act("PreCommitSnapshots")
        super().PreCommitSnapshots(*args)

    def CommitSnapshots(self, *args: Any) -> None:
        self._act("CommitSnapshots")
        super().CommitSnapshots(*args)

    def PostCommitSnapshots(self, *args: Any) -> None:
        self._act("PostCommitSnapshots")
        super().PostCommitSnapshots(*args)

    def AbortSnapshots(self, *args: Any) -> None:
        self._act("AbortSnapshots")
        super().AbortSnapshots(*args)


class World:
    """What the handlers can reach: the shared object and its operations."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bc: IVssBackupComponents | None = None
        self.ops: list[IVssAsync] = []


class Escaped(AssertionError):
    """Something other than a VssError or the user's KeyboardInterrupt left the simulator."""


def _argument(rng: random.Random, world: World, bc: IVssBackupComponents, index: int) -> Any:
    """A sane argument most of the time, garbage otherwise."""
    if rng.random() < 0.3:
        return rng.choice(GARBAGE)
    return rng.choice(("C:\\", VSS_BT_FULL, False, 0, uuid.UUID(int=0), 1))


def _call(rng: random.Random, world: World, bc: IVssBackupComponents, escaped: list[str]) -> None:
    name, arity = rng.choice(CALLS)
    try:
        if name in ("Wait", "Cancel"):
            if not world.ops:
                return
            op = rng.choice(world.ops)
            if name == "Wait":
                timeout = rng.choice((None, 0, 1000, 5000, -5, float("nan"), "x"))
                op.Wait() if timeout is None else op.Wait(timeout)
            else:
                op.Cancel()
            return
        if name == "SetBackupState" and rng.random() < 0.7:
            args: list[Any] = [False, False, VSS_BT_FULL]
        else:
            args = [_argument(rng, world, bc, i) for i in range(arity)]
        result = getattr(bc, name)(*args)
        if isinstance(result, IVssAsync):
            world.ops.append(result)
            if rng.random() < 0.6:
                result.Wait()
    except (VssError, KeyboardInterrupt):
        pass
    except BaseException as exc:
        escaped.append(f"{name}: {type(exc).__name__}: {exc}")


def run_example(seed: int) -> dict[str, int]:
    """One fuzz example; raises ``AssertionError`` when a property fails. Returns counters."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    escaped: list[str] = []
    with VssSystem(seed=seed) as system:
        world = World(rng)
        writers = []
        for number in range(2):
            plan = {event: rng.choice(BEHAVIOURS) for event in WriterEvent if rng.random() < 0.4}
            writer = Misbehaving(plan, world)
            writer.Initialize(uuid.UUID(int=number + 1), f"Writer {number}", 1, 1)
            writer.Subscribe()
            writers.append(writer)
        provider = None
        if rng.random() < 0.5:
            provider = MisbehavingProvider(
                rng.choice(PROVIDER_CALLS), rng.choice(PROVIDER_BEHAVIOURS)
            )
            system.register_provider(provider)
        bc = system.CreateVssBackupComponents()
        world.bc = bc
        # A fair chance to reach creation: a prefix of the backup steps, then random calls.
        prefix: list[Callable[[], Any]] = [
            bc.InitializeForBackup,
            lambda: bc.SetBackupState(False, False, VSS_BT_FULL),
            lambda: bc.GatherWriterMetadata().Wait(),
            bc.StartSnapshotSet,
            lambda: bc.AddToSnapshotSet(
                "C:\\", provider.provider_id if provider else uuid.UUID(int=0)
            ),
            lambda: bc.PrepareForBackup().Wait(),
        ]
        for step in prefix[: rng.randrange(len(prefix) + 1)]:
            try:
                step()
            except (VssError, KeyboardInterrupt):
                pass
            except BaseException as exc:
                escaped.append(f"prefix: {type(exc).__name__}: {exc}")

        def task(calls: int) -> None:
            for _ in range(calls):
                _call(rng, world, bc, escaped)

        system.spawn(task, rng.randrange(1, 6), name="requester-a")
        system.spawn(task, rng.randrange(1, 6), name="requester-b")
        try:
            system.run()
        except (VssError, KeyboardInterrupt):
            pass
        except BaseExceptionGroup as group:  # noqa: F821
            _, rest = group.split((VssError, KeyboardInterrupt))
            if rest is not None:
                escaped.append(f"run: {rest!r}")
        except BaseException as exc:
            escaped.append(f"run: {type(exc).__name__}: {exc}")
        try:
            bc.Release()
        except (VssError, KeyboardInterrupt):
            pass
        except BaseException as exc:
            escaped.append(f"Release: {type(exc).__name__}: {exc}")
        _drain(system, escaped)
        if escaped:
            raise Escaped("; ".join(escaped))
        assert system.clock.now < TIME_BOUND, f"the example ran {system.clock.now} virtual s"
        problems = check_event_order(system)
        assert not problems, problems
        shutdowns = Counter(
            (e.session_id, e.writer)
            for e in system.iter_entries()
            if e.kind is TraceKind.EVENT and e.name == E.BACKUP_SHUTDOWN.value
        )
        assert all(n == 1 for n in shutdowns.values()), shutdowns
        assert system.creating_session_id is None, "a released object holds the creation lock"
        counts["violations"] += len(system.violations)
        counts["faults"] += sum(1 for e in system.iter_entries() if e.kind is TraceKind.FAULT)
        for writer in writers:
            writer.tame = True
        if provider is not None:
            provider.tame = True
        world.bc = None
        full_backup(system)
    return dict(counts)


def _drain(system: VssSystem, escaped: list[str]) -> None:
    """Run what is left (burials, operations no one waited for), collecting what escapes."""
    for _ in range(5):
        try:
            system.run()
            return
        except (VssError, KeyboardInterrupt):
            continue
        except BaseExceptionGroup as group:  # noqa: F821
            _, rest = group.split((VssError, KeyboardInterrupt))
            if rest is not None:
                escaped.append(f"drain: {rest!r}")
        except BaseException as exc:
            escaped.append(f"drain: {type(exc).__name__}: {exc}")
            return
