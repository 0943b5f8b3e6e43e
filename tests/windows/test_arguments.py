"""Garbage arguments are E_INVALIDARG at the call, with a message naming the method and the
argument, checked up front, never a Python error from deep in a body turned into E_INVALIDARG by
the gate's catch-all (simulator/_windows/arguments.py; docs/design.md "When user code
misbehaves")."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from simulator import (
    GUID_NULL,
    IVssBackupComponents,
    Phase,
    VssInvalidArg,
    VssSystem,
)
from simulator._windows.arguments import bool_argument, guid_argument, guid_list_argument
from tests.helpers import QuietWriter, drive_to, make_writer

#: What the gate says when a body fails with a Python error: the message this file rules out.
CATCH_ALL = "an argument is not of the kind it takes"
GARBAGE = [None, 1.5, math.nan, "zz", b"C:\\", [1], object(), -(2**70)]
G = GUID_NULL

Call = Callable[[IVssBackupComponents, Any], object]

#: (method, phase it is allowed in, the call with the garbage in one place, the argument named)
CASES: list[tuple[str, Phase, Call, str]] = [
    ("Query", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.Query(v), "queried_object_id"),
    ("ExposeSnapshot", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.ExposeSnapshot(v, None, 1, "X:"), "snapshot_id"),
    ("ExposeSnapshot", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.ExposeSnapshot(G, None, v, "X:"), "attributes"),
    ("ExposeSnapshot", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.ExposeSnapshot(G, v, 1, "X:"), "path_from_root"),
    ("ExposeSnapshot", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.ExposeSnapshot(G, None, 1, v), "expose"),
    ("UnexposeSnapshot", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.UnexposeSnapshot(v), "snapshot_id"),
    ("BreakSnapshotSet", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.BreakSnapshotSet(v), "snapshot_set_id"),
    ("BreakSnapshotSetEx", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.BreakSnapshotSetEx(v), "snapshot_set_id"),
    ("BreakSnapshotSetEx", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.BreakSnapshotSetEx(G, v), "flags"),
    ("RevertToSnapshot", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.RevertToSnapshot(v, False), "snapshot_id"),
    ("RevertToSnapshot", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.RevertToSnapshot(G, v), "force_dismount"),
    ("QueryRevertStatus", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.QueryRevertStatus(v), "volume"),
    ("GetRootAndLogicalPrefixPaths", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.GetRootAndLogicalPrefixPaths(v), "file_path"),
    ("GetRootAndLogicalPrefixPaths", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.GetRootAndLogicalPrefixPaths("C:\\x", v), "normalize_fqdn_for_root_path"),
    ("PreFastRecovery", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.PreFastRecovery(v), "snapshot_set_id"),
    ("FastRecovery", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.FastRecovery(G, v), "flags"),
    ("AddSnapshotToRecoverySet", Phase.RESTORE_INITIALIZED, lambda bc, v: bc.AddSnapshotToRecoverySet(v), "snapshot_id"),
    ("AddSnapshotToRecoverySet", Phase.RESTORE_INITIALIZED, lambda bc, v: bc.AddSnapshotToRecoverySet(G, v), "flags"),
    ("AddSnapshotToRecoverySet", Phase.RESTORE_INITIALIZED, lambda bc, v: bc.AddSnapshotToRecoverySet(G, 0, v), "destination_volume"),
    ("EnableWriterClasses", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.EnableWriterClasses(v), "writer_class_ids"),
    ("DisableWriterClasses", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.DisableWriterClasses([G, v]), "writer_class_ids"),
    ("DisableWriterInstances", Phase.BACKUP_INITIALIZED, lambda bc, v: bc.DisableWriterInstances(v), "writer_instance_ids"),
]  # fmt: skip

#: Values an argument of that kind takes, so they are not garbage for it.
FITS: dict[str, tuple[type, ...]] = {
    "attributes": (int,),
    "flags": (int,),
    "force_dismount": (int,),
    "normalize_fqdn_for_root_path": (int,),
    "path_from_root": (str, type(None)),
    "expose": (str, type(None)),
    "destination_volume": (str, type(None)),
    "volume": (str,),
    "file_path": (str,),
}


@pytest.fixture(scope="module")
def restore_xml() -> str:
    from tests.helpers import backup_xml

    with VssSystem(seed=2) as system:
        make_writer(system, "Writer")
        return backup_xml(system)


def _shown(value: object) -> str:
    return "object()" if type(value) is object else repr(value)


def _fits(named: str, value: object) -> bool:
    return isinstance(value, FITS.get(named, ())) and not isinstance(value, float)


GARBAGE_CASES = [
    pytest.param(method, phase, call, named, value, id=f"{method}-{named}-{_shown(value)}")
    for method, phase, call, named in CASES
    for value in GARBAGE
    if not _fits(named, value)
]


@pytest.mark.parametrize(("method", "phase", "call", "named", "value"), GARBAGE_CASES)
def test_garbage_is_refused_up_front_naming_the_argument(
    method: str, phase: Phase, call: Call, named: str, value: Any, restore_xml: str
) -> None:
    with VssSystem(seed=1) as system:
        make_writer(system, "Writer")
        bc = system.CreateVssBackupComponents()
        if phase is Phase.RESTORE_INITIALIZED:
            bc.InitializeForRestore(restore_xml)
        else:
            drive_to(bc, phase)
        with pytest.raises(VssInvalidArg) as refused:
            result = call(bc, value)
            if hasattr(result, "Wait"):
                result.Wait()
        message = refused.value.message
        assert CATCH_ALL not in message
        assert message.startswith(f"{method}: ") and named in message, message
        assert " at 0x" not in message
        bc.Release()


@pytest.mark.parametrize(
    "call",
    [
        lambda w: w.Initialize(uuid.uuid4(), "W", 1, 1, alternate_writer_state=9),
        lambda w: w.Initialize(uuid.uuid4(), "W", 1, 1, io_throttling_only=None),
        lambda w: w.Initialize(uuid.uuid4(), "W", "x", 1),
        lambda w: w.InitializeEx(uuid.uuid4(), "W", 1, 0, 1, 1, level=None),
    ],
    ids=["alternate_writer_state", "io_throttling_only", "usage_type", "level"],
)
def test_writer_initialize_checks_every_argument(system: VssSystem, call: Any) -> None:
    with pytest.raises(VssInvalidArg, match=r"\): Initialize(Ex)?: \w+ must be"):
        call(QuietWriter())


def test_subscribe_ex_checks_its_timeout(system: VssSystem) -> None:
    writer = QuietWriter()
    writer.Initialize(uuid.uuid4(), "W", 1, 1)
    with pytest.raises(VssInvalidArg, match="SubscribeEx: unsubscribe_timeout"):
        writer.SubscribeEx("soon")  # type: ignore[arg-type]
    writer.SubscribeEx(0)
    assert writer in system.writers


def test_the_validators() -> None:
    assert bool_argument(True, "M", "b") is True
    assert bool_argument(0, "M", "b") is False
    assert bool_argument(2, "M", "b") is True
    for bad in (None, 1.0, "yes"):
        with pytest.raises(VssInvalidArg, match="M: b must be True or False"):
            bool_argument(bad, "M", "b")
    assert guid_argument(G, "M", "g") is G
    with pytest.raises(VssInvalidArg, match="M: g must be a GUID"):
        guid_argument(str(G), "M", "g")
    assert guid_list_argument((G,), "M", "ids") == [G]
    for bad_list in (G, str(G), 5, [], [G, "x"]):
        with pytest.raises(VssInvalidArg, match=r"M: .*ids"):
            guid_list_argument(bad_list, "M", "ids")


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda s: s.register_provider(object()), "register_provider"),
        (lambda s: s.shut_down_writer("Writer"), "shut_down_writer"),
        (lambda s: s.events(5), "events"),
        (lambda s: s.spawn(5), "spawn"),
        (lambda s: s.add_volume(5), "add_volume"),
        (lambda s: s.unregister_provider("not a GUID"), "unregister_provider"),
        (lambda s: s.sleep(10**400), "sleep"),
        (lambda s: s.set_flush_time("C:\\", 10**400), "set_flush_time"),
    ],
    ids=[
        "register_provider",
        "shut_down_writer",
        "events",
        "spawn",
        "add_volume",
        "unregister_provider",
        "sleep too long for a float",
        "set_flush_time too long for a float",
    ],
)
def test_the_machine_s_own_calls_refuse_garbage(system: VssSystem, call: Any, named: str) -> None:
    with pytest.raises(VssInvalidArg, match=named):
        call(system)
