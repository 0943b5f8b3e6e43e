"""The robustness fuzz: random requester calls with random and garbage arguments, two or three
tasks per object, writers and providers drawn from every misbehaviour the robustness issue lists
and from every preset of ``fakes``. Used by ``tests/service/test_robustness_fuzz.py`` (1,000
examples, Hypothesis) and ``benchmarks/robustness_soak.py`` (100,000).

One example, on one machine:

* two Misbehaving writers (a behaviour per event, ``robustness_cast.BEHAVIOURS``) and a
  ``fakes.ScriptedWriter`` with a fault script (drawn by Hypothesis from
  ``fakes.strategies.fault_scripts``, or from a writer preset of ``fakes.presets`` /
  ``fakes.faults``);
* maybe a provider: misbehaving (raises, exits, never returns, vetoes at one call) or a provider
  preset of ``fakes``; maybe a machine preset of ``fakes.faults`` (volume removed, service
  restarted, not an administrator, …);
* one requester object driven by two or three tasks with random calls over every public
  IVssBackupComponents method, a third of the arguments garbage;
* a requester that dies: its task raises with its own object mid-way, or drops it, maybe with an
  operation running; sometimes the shared object is dropped at the end instead of released.

It checks that only a ``VssError`` (or the user's own ``KeyboardInterrupt``) escapes, that the run
ends within a bound of virtual time, that the documented event guarantees hold, that
BackupShutdown comes at most once per writer and session, that the creation lock and every
writer's session slots are free once each object is released or buried, and that afterwards the
same machine, its writers and providers tamed and its presets cured, takes a clean backup.
"""

from __future__ import annotations

import contextlib
import gc
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import fakes
from fakes.faults import Armed
from simulator import (
    VSS_BT_FULL,
    TraceKind,
    VssError,
    VssSystem,
    WriterEvent,
    current_system,
)
from simulator.testing import check_event_order
from tests.helpers import full_backup
from tests.service.robustness_cast import (
    BEHAVIOURS,
    MACHINE_FAULTS,
    PROVIDER_BEHAVIOURS,
    PROVIDER_CALLS,
    WRITER_FAULTS,
    WRITER_PRESETS,
    Misbehaving,
    MisbehavingProvider,
    World,
    call,
    provider_presets,
)

E = WriterEvent
#: Virtual time one example may take: every window is at most 600 s and an example makes a
#: bounded number of calls.
TIME_BOUND = 200_000.0

Script = Mapping[WriterEvent, fakes.Action]


_FREEZE = [False]


@contextlib.contextmanager
def cheap_collections() -> Iterator[None]:
    """Each example runs the garbage collector; inside this, each example first freezes what
    exists (pytest's, Hypothesis's), so a collection looks at the example's own objects only (a
    full one costs tens of ms in a big process). Everything is unfrozen at the end."""
    gc.collect()
    _FREEZE[0] = True
    try:
        yield
    finally:
        _FREEZE[0] = False
        gc.unfreeze()


class Escaped(AssertionError):
    """Something other than a VssError or the user's KeyboardInterrupt left the simulator."""


class RequesterCrashed(Exception):
    """The requester's own bug: its task ends with it (and is buried)."""


#: What may leave the simulator: its refusals and the user's own exceptions.
ALLOWED = (VssError, KeyboardInterrupt, RequesterCrashed)


def _attempt(escaped: list[str], where: str, step: Callable[[], object]) -> bool:
    """Run ``step``; whether it raised (what may not escape is noted in ``escaped``)."""
    try:
        step()
        return False
    except ALLOWED:
        pass
    except BaseExceptionGroup as group:  # noqa: F821
        _, rest = group.split(ALLOWED)
        if rest is not None:
            escaped.append(f"{where}: {rest!r}")
    except BaseException as exc:
        escaped.append(f"{where}: {type(exc).__name__}: {exc}")
    return True


def run_example(seed: int, script: Script | None = None) -> dict[str, int]:
    """One fuzz example; raises ``AssertionError`` when a property fails. Returns counters.

    ``script``: the fault script of the ScriptedWriter (Hypothesis draws it); without one, the
    example's ``random.Random(seed)`` picks a writer preset instead.
    """
    if _FREEZE[0]:
        gc.freeze()
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    escaped: list[str] = []
    with VssSystem(seed=seed) as system:
        world = World(rng)
        writers: list[Misbehaving] = []
        for number in range(2):
            plan = {event: rng.choice(BEHAVIOURS) for event in WriterEvent if rng.random() < 0.4}
            writer = Misbehaving(plan, world)
            writer.Initialize(uuid.UUID(int=number + 1), f"Writer {number}", 1, 1)
            writer.Subscribe()
            writers.append(writer)
            world.ids.append(uuid.UUID(int=number + 1))
        armed: list[Armed] = []
        scripted = fakes.ScriptedWriter(
            name="Scripted",
            writer_id=uuid.UUID(int=9),
            components=[fakes.file_group("Files", [("C:\\Data", "*", True)])],
            script=script,
        )
        fakes.install(system, [scripted])
        if script is None:
            if rng.random() < 0.5:
                rng.choice(WRITER_PRESETS)(scripted)
            else:
                _attempt(
                    escaped,
                    "preset",
                    lambda: armed.append(rng.choice(WRITER_FAULTS).apply(scripted, optional=True)),
                )
        provider: Any = None
        roll = rng.random()
        if roll < 0.35:
            provider = MisbehavingProvider(
                rng.choice(PROVIDER_CALLS), rng.choice(PROVIDER_BEHAVIOURS)
            )
        elif roll < 0.55:
            provider = provider_presets(rng)
        if provider is not None:
            system.register_provider(provider)
            world.ids.append(provider.provider_id)
        if rng.random() < 0.15:
            _attempt(
                escaped,
                "machine preset",
                lambda: armed.append(rng.choice(MACHINE_FAULTS).apply(system, optional=True)),
            )
        bc = system.CreateVssBackupComponents()
        world.bc = bc
        _prefix(rng, bc, provider, escaped)

        def task(calls: int) -> None:
            for _ in range(calls):
                shared = world.bc
                if shared is not None:
                    call(rng, world, shared, escaped)
                    del shared

        for name in ("requester-a", "requester-b", "requester-c")[: rng.randrange(2, 4)]:
            system.spawn(task, rng.randrange(1, 6), name=name)
        if rng.random() < 0.3:
            system.spawn(_dying, rng, world, escaped, name="dying requester")
        _attempt(escaped, "run", system.run)
        world.bc = None
        # Dropped without Release, or released; a Release that raised (a handler's
        # KeyboardInterrupt) leaves the object to be buried when it is collected.
        if rng.random() >= 0.2:
            _attempt(escaped, "Release", bc.Release)
        del bc
        world.ops.clear()
        for each in armed:  # a preset may keep its own requester (a leaked set) until cured
            _attempt(escaped, "cure", each.cure)
        _drain(system, escaped)
        if escaped:
            raise Escaped("; ".join(escaped))
        _check_guarantees(system)
        counts["violations"] += len(system.violations)
        counts["faults"] += sum(1 for e in system.iter_entries() if e.kind is TraceKind.FAULT)
        for writer in writers:
            writer.tame = True
        scripted.script.clear()
        _tame(provider)
        world.bc = None
        _attempt(escaped, "clean backup", lambda: full_backup(system, retry_every=1.0))
        if escaped:
            raise Escaped("; ".join(escaped))
    return dict(counts)


def _tame(provider: Any) -> None:
    """The provider behaves from now on."""
    if isinstance(provider, MisbehavingProvider):
        provider.tame = True
    elif isinstance(provider, fakes.FaultyProvider):
        provider.at = ""
    elif isinstance(provider, fakes.SlowCommitProvider):
        provider.seconds = 0


def _prefix(rng: random.Random, bc: Any, provider: Any, escaped: list[str]) -> None:
    """A fair chance to reach creation: a prefix of the backup steps."""
    provider_id = provider.provider_id if provider is not None else uuid.UUID(int=0)
    steps: list[Callable[[], Any]] = [
        bc.InitializeForBackup,
        lambda: bc.SetBackupState(False, False, VSS_BT_FULL),
        lambda: bc.GatherWriterMetadata().Wait(),
        bc.StartSnapshotSet,
        lambda: bc.AddToSnapshotSet("C:\\", provider_id),
        lambda: bc.PrepareForBackup().Wait(),
    ]
    for step in steps[: rng.randrange(len(steps) + 1)]:
        _attempt(escaped, "prefix", step)


def _dying(rng: random.Random, world: World, escaped: list[str]) -> None:
    """A requester with its own object that dies: its task raises, or it drops the object
    (maybe with an operation running)."""
    system = current_system()
    own = system.CreateVssBackupComponents()
    steps = rng.randrange(7)
    for index, step in enumerate(
        (
            own.InitializeForBackup,
            lambda: own.SetBackupState(False, False, VSS_BT_FULL),
            lambda: own.GatherWriterMetadata().Wait(),
            own.StartSnapshotSet,
            lambda: own.AddToSnapshotSet("C:\\"),
            lambda: own.PrepareForBackup().Wait(),
            own.DoSnapshotSet,  # not waited for
        )
    ):
        if index >= steps:
            break
        _attempt(escaped, "dying requester", step)
    if rng.random() < 0.5:
        raise RequesterCrashed("the requester crashed")


def _drain(system: VssSystem, escaped: list[str]) -> None:
    """Run what is left (burials, operations no one waited for), collecting what escapes. The
    garbage collector runs first and after every failed run: an object dropped in a cycle (an
    exception's traceback holding its requester's frames) is buried once it is collected."""
    for _ in range(5):
        gc.collect()
        try:
            system.run()
        except ALLOWED:
            continue
        except BaseExceptionGroup as group:  # noqa: F821
            _, rest = group.split(ALLOWED)
            if rest is not None:
                escaped.append(f"drain: {rest!r}")
            continue
        except BaseException as exc:
            escaped.append(f"drain: {type(exc).__name__}: {exc}")
            return
        if not gc.collect():  # nothing more to bury
            system.run()
            return


def _check_guarantees(system: VssSystem) -> None:
    assert system.clock.now < TIME_BOUND, f"the example ran {system.clock.now} virtual s"
    problems = check_event_order(system)
    assert not problems, problems
    shutdowns = Counter(
        (e.session_id, e.writer)
        for e in system.iter_entries()
        if e.kind is TraceKind.EVENT and e.name == E.BACKUP_SHUTDOWN.value
    )
    assert all(n == 1 for n in shutdowns.values()), shutdowns
    assert system.creating_session_id is None, "a released or dead object holds the creation lock"
    slots = system._machine.slots
    held = {core.name: slots.held(core) for core in system._machine.writers if slots.held(core)}
    assert not held, f"session slots still held after every object ended: {held}"
