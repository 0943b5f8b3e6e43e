"""Lesson 2, the writer's events and states: which handler VSS calls when, and the state the
requester reads after each step.

What it teaches: a writer is a class whose ``On...`` methods VSS calls (docs/reference.md §1.3);
each event moves the writer's state in its session along ``WRITER_TRANSITIONS`` (docs/reference.md
§2.2, ``simulator.rules``), and the requester reads that state with GatherWriterStatus and
GetWriterStatus. A handler that returns false fails its event: the writer lands in a
``VSS_WS_FAILED_AT_...`` state, VSS stops the set's creation and sends OnAbort (§4.2).

Two backups of one writer on a fresh machine. In the first every handler returns true; after each
requester step the lesson prints the events the step caused and the writer's state, and checks
the state against the table. In the second, OnFreeze returns false.

Read next: "VSS_WRITER_STATE enumeration",
https://learn.microsoft.com/en-us/windows/win32/api/vss/ne-vss-vss_writer_state

Run it: ``python examples/02_events_and_states.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable

from simulator import (
    VSS_BT_FULL,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    VSS_WRITER_STATE,
    CVssWriterEx2,
    IVssAsync,
    IVssBackupComponents,
    IVssCreateWriterMetadata,
    IVssWriterComponents,
    VssError,
    VssSystem,
    WriterEvent,
)
from simulator.rules import WRITER_TRANSITIONS


class StateWriter(CVssWriterEx2):
    """A writer that succeeds in every handler, except OnFreeze when ``fail_freeze`` is set."""

    def __init__(self, fail_freeze: bool = False) -> None:
        self.fail_freeze = fail_freeze

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        return True

    def OnPrepareBackup(self, components: IVssWriterComponents | None) -> bool:
        return True

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        return not self.fail_freeze

    def OnThaw(self) -> bool:
        return True

    def OnPostSnapshot(self, components: IVssWriterComponents | None) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True

    def OnBackupComplete(self, components: IVssWriterComponents | None) -> bool:
        return True

    def OnBackupShutdown(self, snapshot_set_id: uuid.UUID) -> bool:
        return True


def expected_state(
    state: VSS_WRITER_STATE, events: list[str], failing: set[str]
) -> VSS_WRITER_STATE:
    """The state ``WRITER_TRANSITIONS`` gives after ``events`` from ``state``, the handlers in
    ``failing`` failing and the others succeeding; a None in the table keeps the state."""
    for name in events:
        outcome = WRITER_TRANSITIONS[(state, WriterEvent(name))]
        after = outcome.failed if name in failing else outcome.ok
        state = state if after is None else after
    return state


class Walk:
    """Runs requester steps; prints each one's events and the writer's state after it."""

    def __init__(self, system: VssSystem, writer: StateWriter, bc: IVssBackupComponents) -> None:
        self.system, self.writer, self.bc = system, writer, bc
        self.seen = 0
        self.state = VSS_WRITER_STATE.VSS_WS_STABLE
        self.matches = 0
        self.steps = 0

    def step(self, name: str, call: Callable[[], IVssAsync | None]) -> None:
        try:
            operation = call()
            if operation is not None:
                operation.Wait()
            outcome = "ok"
        except VssError as error:
            outcome = f"failed with {error.name}"
        events = self.system.events(self.writer)[self.seen :]
        self.seen += len(events)
        self.bc.GatherWriterStatus().Wait()
        status = self.bc.GetWriterStatus(0)
        failing = {"OnFreeze"} if self.writer.fail_freeze else set()
        self.matches += expected_state(self.state, events, failing) == status.state
        self.steps += 1
        self.state = status.state
        print(
            f"  {name:<20} {outcome:<42} state after: {status.state.name} "
            f"({int(status.state)}); events: {', '.join(events) or '-'}"
        )


def backup(system: VssSystem, writer: StateWriter) -> Walk:
    """A non-component full backup of C:\\, one step at a time (docs/reference.md §3.2)."""
    with system.CreateVssBackupComponents() as bc:
        walk = Walk(system, writer, bc)
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, VSS_BT_FULL)
        walk.step("GatherWriterMetadata", bc.GatherWriterMetadata)
        walk.step("StartSnapshotSet", lambda: (bc.StartSnapshotSet(), None)[1])
        walk.step("AddToSnapshotSet", lambda: (bc.AddToSnapshotSet("C:\\"), None)[1])
        walk.step("PrepareForBackup", bc.PrepareForBackup)
        walk.step("DoSnapshotSet", bc.DoSnapshotSet)
        if writer.fail_freeze:
            walk.step("AbortBackup", bc.AbortBackup)
        else:
            walk.step("BackupComplete", bc.BackupComplete)
    print(f"  {'Release':<20} {'ok':<42} events: {', '.join(system.events(writer)[walk.seen :])}")
    return walk


def main(seed: int = 0) -> int:
    """Two backups of one writer; 0 when every state read matched the table."""
    ok = True
    for title, fail in (("every handler returns true", False), ("OnFreeze returns false", True)):
        print(f"== Backup: {title} ==")
        with VssSystem(seed=seed) as system:
            writer = StateWriter(fail_freeze=fail)
            writer.Initialize(system.new_guid(), "State Writer", VSS_UT_USERDATA, VSS_ST_OTHER)
            writer.Subscribe()
            walk = backup(system, writer)
            print(f"  events received: {', '.join(system.events(writer))}")
            print(f"  states read that match WRITER_TRANSITIONS: {walk.matches} of {walk.steps}")
            ok = ok and walk.matches == walk.steps
        print()
    freeze = WRITER_TRANSITIONS[(VSS_WRITER_STATE.VSS_WS_WAITING_FOR_FREEZE, WriterEvent.FREEZE)]
    abort = WRITER_TRANSITIONS[(VSS_WRITER_STATE.VSS_WS_FAILED_AT_FREEZE, WriterEvent.ABORT)]
    print("The rows of WRITER_TRANSITIONS behind the failed backup:")
    print(
        f"  VSS_WS_WAITING_FOR_FREEZE x OnFreeze: success {freeze.ok.name if freeze.ok else '-'}, "
        f"failure {freeze.failed.name if freeze.failed else '-'}"
    )
    kept = "the state stays" if abort.failed is None and abort.ok is None else str(abort)
    print(f"  VSS_WS_FAILED_AT_FREEZE x OnAbort: {kept} (a failed state sticks for the session)")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A writer's events and states, step by step.")
    parser.add_argument("--seed", type=int, default=0, help="the VssSystem seed (default 0)")
    raise SystemExit(main(parser.parse_args().seed))
