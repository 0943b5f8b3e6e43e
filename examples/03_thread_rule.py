"""Lesson 3, the thread rule: a writer may hand work to other threads, but not its calls to VSS.

What it teaches: which writer calls are bound to the handler's thread, what breaking the rule
costs (a refused call, a failure the requester never hears of), how to find the break in
``system.violations``, and the corrected pattern: do the work on a worker, make the VSS calls on
the handler's thread.

``GetSessionId``, ``SetWriterFailure`` and ``SetWriterFailureEx`` must be called on the thread that
invoked the handler; work may go to worker threads, but error reporting must be marshalled back to
the handler's thread (docs/reference.md §1.5, "Threading rule"). The simulator raises ``WrongThreadError``
(a ``VssError`` with VSS_E_BAD_STATE, docs/api.md) for a call from any other thread and records it in
``system.violations``.

Four writers, each backed up once on a fresh machine:

1. OnFreeze calls ``GetSessionId`` from a ``concurrent.futures.ThreadPoolExecutor`` worker.
2. OnFreeze starts a ``threading.Thread`` that calls ``SetWriterFailure``: the failure is refused,
   so the requester never learns of it.
3. The corrected writer: the worker only does the work and returns its result; the handler calls
   ``GetSessionId`` (and ``SetWriterFailure``, if the work failed) on its own thread.
4. The corrected writer when the work fails: the failure reaches the requester.

Read next: "CVssWriterEx2::SetWriterFailureEx" (its remarks state the rule),
https://learn.microsoft.com/en-us/windows/win32/api/vswriter/nf-vswriter-cvsswriterex2-setwriterfailureex

Run it: ``python examples/03_thread_rule.py [--seed N]``.
"""

from __future__ import annotations

import argparse
import threading
from concurrent.futures import ThreadPoolExecutor

from simulator import (
    VSS_BT_FULL,
    VSS_CT_FILEGROUP,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    CVssWriterEx2,
    IVssCreateWriterMetadata,
    VssError,
    VssSystem,
    WrongThreadError,
    hresults,
)


class FileWriter(CVssWriterEx2):
    """A writer with one file group, ``Data`` (``C:\\Data\\*``); its OnFreeze is the subject."""

    def __init__(self) -> None:
        #: what the worker thread got back from its VSS call (an error, or None)
        self.worker_got: WrongThreadError | None = None
        #: what the handler logged on its own thread
        self.log: list[str] = []

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        metadata.AddComponent(VSS_CT_FILEGROUP, None, "Data", "Data", None, 0, False, False, True)
        metadata.AddFilesToFileGroup(None, "Data", "C:\\Data", "*", False, None)
        return True

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True


class PoolSessionIdWriter(FileWriter):
    """Wrong: a ThreadPoolExecutor worker calls GetSessionId."""

    def OnFreeze(self) -> bool:
        def work() -> None:
            try:
                self.log.append(f"flushed for session {self.GetSessionId()}")
            except WrongThreadError as error:
                self.worker_got = error

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="freeze-worker") as pool:
            pool.submit(work).result()
        return True


class ThreadFailureWriter(FileWriter):
    """Wrong: a threading.Thread reports the writer's failure with SetWriterFailure."""

    def OnFreeze(self) -> bool:
        def work() -> None:
            # The flush "failed"; the worker tries to tell VSS itself.
            try:
                self.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
            except WrongThreadError as error:
                self.worker_got = error

        worker = threading.Thread(target=work, name="failure-reporter")
        worker.start()
        worker.join()
        return True


class CorrectedWriter(FileWriter):
    """Right: the worker returns its result; the handler thread makes the VSS calls."""

    def __init__(self, work_fails: bool = False) -> None:
        super().__init__()
        self.work_fails = work_fails

    def OnFreeze(self) -> bool:
        def work() -> bool:
            return not self.work_fails  # the flush: no VSS call on this thread

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="freeze-worker") as pool:
            flushed = pool.submit(work).result()  # the result comes back to the handler thread
        session_id = self.GetSessionId()
        if not flushed:
            self.log.append(f"flush failed in session {session_id}")
            self.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
            return False
        self.log.append(f"flushed for session {session_id}")
        return True


def backup(system: VssSystem, writer: FileWriter) -> list[str]:
    """One component-mode full backup of C:\\ (docs/reference.md §3.2), with AbortBackup if DoSnapshotSet
    fails (§4.2). Returns what the requester saw, as lines to print."""
    writer.Initialize(system.new_guid(), type(writer).__name__, VSS_UT_USERDATA, VSS_ST_OTHER)
    writer.Subscribe()
    seen: list[str] = []
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(True, False, VSS_BT_FULL)
        bc.GatherWriterMetadata().Wait()
        instance_id, examine = bc.GetWriterMetadata(0)
        writer_id = examine.GetIdentity()[1]
        bc.AddComponent(instance_id, writer_id, VSS_CT_FILEGROUP, None, "Data")
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        bc.PrepareForBackup().Wait()
        try:
            bc.DoSnapshotSet().Wait()
        except VssError as error:
            seen.append(f"DoSnapshotSet failed with {error.name}; the requester called AbortBackup")
            bc.AbortBackup()
        else:
            bc.SetBackupSucceeded(instance_id, writer_id, VSS_CT_FILEGROUP, None, "Data", True)
            bc.BackupComplete().Wait()
            seen.append("DoSnapshotSet and BackupComplete succeeded")
        bc.GatherWriterStatus().Wait()
        status = bc.GetWriterStatus(0)
    seen.append(
        f"writer status at the end: {status.state.name}, {hresults.name_of(status.hr_failure)}"
    )
    events = system.events(writer)
    seen.append(f"events the writer received: {', '.join(events)}")
    if events.count("OnAbort") > 1:
        seen.append(
            "  (OnAbort twice: VSS sent one when OnFreeze failed, AbortBackup another; "
            "writers must tolerate the duplicate, docs/reference.md §4.2)"
        )
    return seen


def report(system: VssSystem, writer: FileWriter) -> None:
    """What the worker got, what the handler logged, and ``system.violations``."""
    error = writer.worker_got
    if error is not None:
        print(f"the worker got {type(error).__name__} ({error.name}, 0x{error.hresult:08X}):")
        print(f"  {error}")
        print(f"  .handler_thread = {error.handler_thread!r}")
        print(f"  .calling_thread = {error.calling_thread!r}")
    for line in writer.log:
        print(f"the handler logged: {line}")
    violations = system.violations
    print(f"system.violations: {len(violations)} violation{'' if len(violations) == 1 else 's'}")
    for v in violations:
        same = error is not None and v.message in str(error)
        print(
            f"  {v.rule.value}: writer {v.writer}, handler {v.handler}, thread {v.thread!r}, "
            f"session {v.session_id}{', message as above' if same else ': ' + v.message}"
        )


CASES: tuple[tuple[str, type[FileWriter], dict[str, bool]], ...] = (
    ("1. OnFreeze calls GetSessionId from a ThreadPoolExecutor worker", PoolSessionIdWriter, {}),
    (
        "2. OnFreeze calls SetWriterFailure from a threading.Thread (meaning to fail the backup)",
        ThreadFailureWriter,
        {},
    ),
    ("3. Corrected: the worker's result is marshalled back", CorrectedWriter, {}),
    ("4. Corrected, and the work fails", CorrectedWriter, {"work_fails": True}),
)


def main(seed: int = 0) -> int:
    """Run the four cases; 0 when the wrong writers were caught and the corrected ones were not."""
    caught: list[int] = []
    for title, cls, options in CASES:
        print(f"== {title} ==")
        with VssSystem(seed=seed) as system:
            writer = cls(**options)
            seen = backup(system, writer)
            report(system, writer)
            print("\n".join(seen))
            caught.append(len(system.violations))
        print()
    wrong, corrected = caught[:2], caught[2:]
    ok = all(n == 1 for n in wrong) and all(n == 0 for n in corrected)
    print(
        "Summary: the wrong writers made "
        f"{' and '.join(str(n) for n in wrong)} violation(s); the corrected writer made "
        f"{' and '.join(str(n) for n in corrected)}."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The writer thread rule, broken and kept.")
    parser.add_argument("--seed", type=int, default=0, help="the VssSystem seed (default 0)")
    raise SystemExit(main(parser.parse_args().seed))
