"""A handler's exception kept by the machine never keeps a dropped requester alive
(simulator/_vocabulary/kept_exceptions.py).

The scenario found by a soak: a handler raises while a local of its frame names the requester's
object; the machine keeps the exception (a writer's failure cause, an operation's error); the
requester drops its object without Release. Its traceback's frames must not keep the object
alive, or it is never buried: the creation lock, the writers' session slots and the
auto-release copies would stay for ever.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import traceback
import uuid
import weakref
from collections.abc import Callable
from typing import Any

import pytest

from simulator import (
    IVssBackupComponents,
    MachineLimits,
    SystemProvider,
    VssError,
    VssSystem,
    VssUnexpectedProviderError,
    WriterEvent,
)
from simulator._vocabulary.kept_exceptions import NOTE_HEADER, detach
from tests.helpers import QuietWriter, begin_backup, full_backup, make_writer

E = WriterEvent


class Raiser(QuietWriter):
    """A writer whose handler of ``event`` raises ``kind`` with the requester's object in a local."""

    def __init__(self) -> None:
        self.event: WriterEvent | None = None
        self.kind: type[BaseException] = ValueError
        self.requester: Callable[[], IVssBackupComponents | None] = lambda: None
        self.seen: list[str] = []

    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        self.seen.append(event.value)
        if event is self.event:
            bc = self.requester()  # a local of the raising frame names the object
            assert bc is not None
            raise self.kind(f"handler bug in session {bc.GetSessionId()}")
        return True


def drop_and_bury(system: VssSystem, ref: weakref.ref[IVssBackupComponents]) -> None:
    """Collect what was dropped, let the burials run, and check the object is gone."""
    gc.collect()
    with contextlib.suppress(BaseException):  # the user's KeyboardInterrupt, reported once
        system.run()
    gc.collect()  # run() reported a task's error: what it referred to is garbage now
    system.run()
    assert ref() is None, "the machine keeps the dropped requester's object alive"


def one_slot_free(system: VssSystem) -> bool:
    """With one session slot per writer, a new session sees the writer only if the slot is free."""
    with system.CreateVssBackupComponents() as probe:
        probe.InitializeForBackup()
        probe.GatherWriterMetadata().Wait()
        return probe.GetWriterMetadataCount() == 1


@pytest.mark.parametrize("kind", [ValueError, KeyboardInterrupt], ids=lambda k: k.__name__)
@pytest.mark.parametrize("event", [E.PREPARE_BACKUP, E.PREPARE_SNAPSHOT, E.FREEZE, E.POST_SNAPSHOT])
def test_a_raising_handler_with_the_requester_in_a_local_does_not_keep_it_alive(
    kind: type[BaseException], event: WriterEvent
) -> None:
    with VssSystem(seed=4, limits=MachineLimits(writer_session_slots=1)) as system:
        writer = make_writer(system, "Raiser", cls=Raiser)
        bc: IVssBackupComponents | None = begin_backup(system.CreateVssBackupComponents())
        assert bc is not None
        ref = weakref.ref(bc)
        writer.event, writer.kind, writer.requester = event, kind, ref
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        try:
            bc.PrepareForBackup().Wait()
            bc.DoSnapshotSet().Wait()
        except BaseException as failed:  # the VssError or the user's own
            assert failed.__cause__ is not None or isinstance(failed, kind)
            del failed
        bc = None  # dropped without Release
        drop_and_bury(system, ref)
        assert system.creating_session_id is None, "the creation lock is free"
        assert writer.seen.count(E.BACKUP_SHUTDOWN.value) == 1
        assert system.shadow_copies() == [], "auto-release copies are deleted"
        writer.event = None
        assert one_slot_free(system), "the dead requester's session slot is free"
        full_backup(system)


class RaisingProvider(SystemProvider):
    """The system provider, raising in PreCommitSnapshots with the requester in a local."""

    provider_id = uuid.UUID("5e1f0000-0000-4000-8000-0000000000a1")
    provider_name = "Raising provider"

    def __init__(self) -> None:
        super().__init__()
        self.requester: Callable[[], IVssBackupComponents | None] = lambda: None

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        bc = self.requester()
        if bc is not None:
            raise RuntimeError(f"provider bug for {bc.GetSessionId()}")
        super().PreCommitSnapshots(snapshot_set_id)


def test_a_raising_provider_with_the_requester_in_a_local_does_not_keep_it_alive() -> None:
    with VssSystem(seed=5) as system:
        provider = RaisingProvider()
        system.register_provider(provider)
        writer = make_writer(system, "Writer", cls=Raiser)
        bc: IVssBackupComponents | None = begin_backup(system.CreateVssBackupComponents())
        assert bc is not None
        ref = weakref.ref(bc)
        provider.requester = ref
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\", provider.provider_id)
        bc.PrepareForBackup().Wait()
        op = bc.DoSnapshotSet()
        with pytest.raises(VssUnexpectedProviderError):
            op.Wait()
        assert op.error is not None and isinstance(op.error.__cause__, RuntimeError)
        bc = None
        drop_and_bury(system, ref)
        assert "in PreCommitSnapshots" in op.error.__cause__.__notes__[0], "kept as text"
        assert system.creating_session_id is None
        assert writer.seen.count(E.BACKUP_SHUTDOWN.value) == 1
        full_backup(system)


# -- the helper ------------------------------------------------------------------------------


def _raise_with_local(value: object) -> None:
    local = value  # noqa: F841 - the frame's local is the point
    raise ValueError("with a local")


def _caught(fn: Callable[..., None], *args: object) -> BaseException:
    try:
        fn(*args)
    except BaseException as exc:
        return exc
    raise AssertionError("did not raise")


class Held:
    """Something a frame's local can name, collectable."""


def test_the_traceback_becomes_a_note_and_the_frames_go() -> None:
    held = Held()
    ref = weakref.ref(held)
    error = _caught(_raise_with_local, held)
    del held
    assert ref() is not None, "the traceback's frame keeps the local"
    detach(error)
    gc.collect()
    assert ref() is None
    assert error.__traceback__ is None
    (note,) = error.__notes__
    assert note.startswith(NOTE_HEADER)
    assert "in _raise_with_local" in note and 'raise ValueError("with a local")' in note
    assert "simulator" not in note.replace("simulator import", "")
    printed = "".join(traceback.format_exception(error))
    assert "in _raise_with_local" in printed, "pytest and traceback print the note"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception groups are Python 3.11 on")
def test_causes_contexts_groups_and_cycles_are_walked() -> None:
    held = [Held() for _ in range(3)]
    refs = [weakref.ref(h) for h in held]
    top = _caught(_raise_with_local, held[0])
    cause = _caught(_raise_with_local, held[1])
    member = _caught(_raise_with_local, held[2])
    del held
    group = ExceptionGroup("many", [member])  # noqa: F821
    top.__cause__ = cause
    cause.__context__ = group
    group.__context__ = top  # a cycle
    del cause, member, group
    assert all(r() is not None for r in refs)
    detach(top)
    gc.collect()
    assert [r() for r in refs] == [None, None, None]


def test_detaching_twice_adds_one_note() -> None:
    error = _caught(_raise_with_local, 1)
    detach(error)
    detach(error)
    detach(None)
    assert len(error.__notes__) == 1


class Interrupting(QuietWriter):
    def on_event(self, event: WriterEvent, arg: Any) -> bool:
        if event is E.IDENTIFY and not getattr(self, "done", False):
            self.done = True
            raise KeyboardInterrupt
        return True


def test_an_interrupted_operation_keeps_neither_its_object_nor_its_slots() -> None:
    """The operation's error reaches the requester through its frames; neither the object (its
    finished operation) nor the pooled greenlet that ran the operation keeps it afterwards."""
    with VssSystem(seed=6, limits=MachineLimits(writer_session_slots=1)) as system:
        make_writer(system, "Interrupting", cls=Interrupting)

        def start() -> weakref.ref[IVssBackupComponents]:
            bc = system.CreateVssBackupComponents()
            bc.InitializeForBackup()
            with contextlib.suppress(KeyboardInterrupt):
                bc.GatherWriterMetadata().Wait()
            return weakref.ref(bc)

        ref = start()
        drop_and_bury(system, ref)
        assert one_slot_free(system)


class Vetoing(QuietWriter):
    """Vetoes PrepareForSnapshot: DoSnapshotSet fails with a VssError."""

    def OnPrepareSnapshot(self) -> bool:
        return False


class InterruptingAtPrepareSnapshot(QuietWriter):
    """Raises the user's own KeyboardInterrupt in PrepareForSnapshot."""

    def OnPrepareSnapshot(self) -> bool:
        raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("writer_class", "raised_kind"),
    [(Vetoing, VssError), (InterruptingAtPrepareSnapshot, KeyboardInterrupt)],
    ids=["a VssError", "the user's KeyboardInterrupt"],
)
def test_an_error_wait_raised_keeps_none_of_the_callers_frames(
    writer_class: type[QuietWriter], raised_kind: type[BaseException]
) -> None:
    # The operation keeps its error; what Wait raises is a copy, so the caller's frames (whose
    # locals name the requester's object) never hang on the kept error.
    with VssSystem(seed=6, limits=MachineLimits(writer_session_slots=1)) as system:
        make_writer(system, "Failing", cls=writer_class)
        refs: list[weakref.ref[IVssBackupComponents]] = []
        ops: list[Any] = []

        def requester() -> None:
            bc = begin_backup(system.CreateVssBackupComponents())
            refs.append(weakref.ref(bc))
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            bc.PrepareForBackup().Wait()
            op = bc.DoSnapshotSet()
            ops.append(op)  # the user keeps the operation, not the object
            with pytest.raises(raised_kind) as raised:
                op.Wait()
            assert raised.value is not op.error and isinstance(op.error, raised_kind)
            assert str(raised.value) == str(op.error)
            assert raised.value.__cause__ is op.error.__cause__

        system.spawn(requester)
        with contextlib.suppress(KeyboardInterrupt):  # the operation's task reports it too
            system.run()
        drop_and_bury(system, refs[0])
        assert one_slot_free(system), "the dead requester's session slot is free"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="add_note is Python 3.11 on")
def test_a_note_added_to_what_wait_raised_stays_off_the_kept_error() -> None:
    with VssSystem(seed=8) as system:
        make_writer(system, "Vetoing", cls=Vetoing)
        bc = begin_backup(system.CreateVssBackupComponents())
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        op = bc.DoSnapshotSet()
        with pytest.raises(VssError):
            op.Wait()
        assert op.error is not None
        op.error.add_note("a note of the kept error")
        for _ in range(3):
            with pytest.raises(VssError) as raised:
                op.Wait()
            assert raised.value.__notes__ == ["a note of the kept error"]
            raised.value.add_note("added by the caller")
        assert op.error.__notes__ == ["a note of the kept error"]
        bc.Release()
