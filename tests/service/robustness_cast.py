"""The cast of the robustness fuzz (``tests/service/robustness_fuzz.py``): misbehaving writers and
providers, the presets of ``fakes`` (field-failure presets, writer and provider presets), and the
arguments, sane and garbage, every IVssBackupComponents method is called with."""

from __future__ import annotations

import inspect
import random
import uuid
from collections.abc import Callable
from typing import Any

import fakes
from fakes import faults
from simulator import (
    GUID_NULL,
    VSS_BT_FULL,
    IVssAsync,
    IVssBackupComponents,
    SystemProvider,
    VssError,
    VssProvider,
    WriterEvent,
    current_system,
    hresults,
)
from tests.helpers import QuietWriter

#: What a handler of the Misbehaving writer does.
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
    "stubborn",
    "abort",
    "release",
    "wait",
    "call",
    "failure-garbage",
    "addressed",
    "unprintable",
    "unprintable-result",
)
#: What the misbehaving provider does at one of its calls.
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
    2**64,
    1.5,
    float("nan"),
    "",
    "C:\\",
    "Z:\\",
    "zz",
    b"x",
    [1],
    {},
    object(),
)
#: Every public IVssBackupComponents method with the names of its parameters.
CALLS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, tuple(list(inspect.signature(fn).parameters)[1:]))
    for name, fn in inspect.getmembers(IVssBackupComponents, inspect.isfunction)
    if name[0].isupper()
)
#: The writer presets of fakes.faults, and its machine presets.
WRITER_FAULTS = tuple(f for f in faults.PRESETS if f.target == "writer")
MACHINE_FAULTS = tuple(f for f in (*faults.PRESETS, *faults.MACHINE_FAULTS) if f.target != "writer")
#: The writer presets of fakes.presets, applied to a ScriptedWriter.
WRITER_PRESETS: tuple[Callable[[fakes.ScriptedWriter], object], ...] = (
    fakes.veto_at_prepare_snapshot,
    fakes.slow_freeze,
    fakes.wrong_thread,
    fakes.stuck_writer,
)


def provider_presets(rng: random.Random) -> VssProvider:
    """A provider preset of fakes (slow commit, diff area full, veto, a step failing)."""
    choice = rng.randrange(4)
    if choice == 0:
        return fakes.slow_commit_provider(rng.choice((3, 11)))
    if choice == 1:
        return fakes.insufficient_storage_provider()
    if choice == 2:
        return fakes.provider_veto(at=rng.choice(fakes.CREATION_STEPS))
    return fakes.FaultyProvider(
        hresults.VSS_E_UNEXPECTED_PROVIDER_ERROR, rng.choice(fakes.CREATION_STEPS)
    )


class Unprintable(Exception):
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class UnprintableResult:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class Addressed:
    pass


class World:
    """What the handlers can reach: the shared object, its operations, ids seen so far."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.bc: IVssBackupComponents | None = None
        self.ops: list[IVssAsync] = []
        self.ids: list[uuid.UUID] = [GUID_NULL]
        self.xml: list[str] = []


class swallow_vss:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        return kind is not None and issubclass(kind, VssError)


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
            bc = world.bc  # a local naming the requester's object, kept by the traceback
            raise ValueError(f"handler bug near {type(bc).__name__}")
        if behaviour == "interrupt":
            raise KeyboardInterrupt
        if behaviour == "sleep":
            current_system().sleep(3)
        elif behaviour == "forever":
            while True:
                current_system().sleep(50)
        elif behaviour == "stubborn":
            for _ in range(3):
                try:
                    current_system().sleep(400)
                except BaseException:  # the handler swallows the give-up
                    continue
        elif behaviour in ("abort", "release") and world.bc is not None:
            with swallow_vss():
                getattr(world.bc, "AbortBackup" if behaviour == "abort" else "Release")()
        elif behaviour == "wait":
            for op in list(world.ops):
                with swallow_vss():
                    op.Wait()
        elif behaviour == "call" and world.bc is not None:
            call(world.rng, world, world.bc, [])
        elif behaviour == "failure-garbage":
            with swallow_vss():
                self.SetWriterFailure(world.rng.choice(GARBAGE))
        elif behaviour == "addressed":
            return Addressed()
        elif behaviour == "unprintable":
            raise Unprintable()
        elif behaviour == "unprintable-result":
            return UnprintableResult()
        return True


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


# -- arguments ---------------------------------------------------------------------------------

_PATHS = ("C:\\", "C:\\Data\\x.dat", "\\\\server\\share\\", "Z:\\", "c:", "C:\\Mount\\")
_NAMES = ("Files", "Component 1", "")


def argument(rng: random.Random, world: World, name: str) -> Any:
    """A value for the parameter ``name``: garbage three times in ten, else a sane one."""
    if rng.random() < 0.3:
        return rng.choice(GARBAGE)
    if name.endswith("_ids"):
        return [rng.choice(world.ids) for _ in range(rng.randrange(1, 3))]
    if name.endswith("_id"):
        return rng.choice(world.ids)
    if name == "xml":
        return rng.choice((None, *world.xml[-2:]))
    if name in ("component_type",):
        return rng.choice((1, 2))
    if name in ("component_name", "subcomponent_name", "restore_name", "filespec"):
        return rng.choice(_NAMES)
    if "path" in name or name in ("volume", "destination", "expose", "destination_volume"):
        return rng.choice((*_PATHS, None))
    if name in ("index", "flags", "attributes", "context", "status"):
        return rng.choice((0, 1, 2, 0xFFFFFFFF))
    if name.endswith("_type"):
        return rng.choice((0, 1, 2, 5, VSS_BT_FULL))
    if name in ("options", "previous_backup_stamp", "roll_forward_point"):
        return rng.choice(("", "x=1"))
    return rng.choice((True, False, 0, 1))


def call(rng: random.Random, world: World, bc: IVssBackupComponents, escaped: list[str]) -> None:
    """One random call on ``bc`` (or Wait / Cancel on one of its operations)."""
    roll = rng.random()
    try:
        if roll < 0.12 and world.ops:
            op = rng.choice(world.ops)
            if rng.random() < 0.7:
                timeout = rng.choice((None, 0, 1000, 5000, -5, float("nan"), "x"))
                op.Wait() if timeout is None else op.Wait(timeout)
            else:
                op.Cancel()
            return
        name, params = rng.choice(CALLS)
        if name == "SetBackupState" and rng.random() < 0.7:
            args: list[Any] = [False, False, VSS_BT_FULL]
        else:
            args = [argument(rng, world, p) for p in params]
            if params and rng.random() < 0.2:
                args = args[: rng.randrange(len(args))]  # defaults, or too few
        result = getattr(bc, name)(*args)
        _note(world, result)
        if isinstance(result, IVssAsync):
            world.ops.append(result)
            if rng.random() < 0.6:
                result.Wait()
    except (VssError, KeyboardInterrupt):
        pass
    except TypeError as exc:
        if "positional argument" not in str(exc):  # too few arguments: Python's own check
            escaped.append(f"{name}: TypeError: {exc}")
    except BaseException as exc:
        escaped.append(f"{name}: {type(exc).__name__}: {exc}")


def _note(world: World, result: object) -> None:
    """Remember ids and documents results carry, for later calls."""
    if isinstance(result, uuid.UUID):
        world.ids.append(result)
    elif isinstance(result, str) and result.startswith("<"):
        world.xml.append(result)
