"""Lesson 8, testing your own writer: the ``vss_system`` fixture for the backups you think of, and
the state machine for the ones you don't.

What it teaches: installing the package registers a pytest plugin whose ``vss_system`` fixture
gives each test a fresh, seeded machine (``pytest --vss-seed N`` replays another seed); a test
drives a backup and asserts ``vss_system.violations == []``. ``simulator.testing.VssStateMachine``
is a Hypothesis state machine: override ``make_writers`` and it drives your writers through
backups, aborts, releases, out-of-order calls, provider faults and concurrent sessions, failing on
any rule violation with the steps that led to it.

``CleanupWriter`` removes its scratch files in OnAbort on a worker thread, and the worker names
the folder with ``GetSessionId``: a thread-rule break (docs/reference.md §1.5) on a path a happy
backup never takes. The fixture test of a complete backup passes; the state machine aborts a
backup and finds it. The corrected writer reads the id on the handler's thread.

This file is a test module as well as a lesson: ``pytest examples/08_testing_your_writer.py``
runs its tests; ``main`` runs pytest on it in a child process and reports what each test found.

Read next: "VSS Test Writer Tool" (Microsoft's own configurable writer, to test requesters on
Windows), https://learn.microsoft.com/en-us/windows/win32/vss/vss-test-writer-tool

Run it: ``python examples/08_testing_your_writer.py``.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

from simulator import (
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    CVssWriter,
    CVssWriterEx2,
    IVssCreateWriterMetadata,
    VssSystem,
    WrongThreadError,
)
from simulator.testing import VssStateMachine, run_backup

FULL_BACKUP = [
    "OnIdentify",
    "OnPrepareBackup",
    "OnPrepareSnapshot",
    "OnFreeze",
    "OnThaw",
    "OnPostSnapshot",
    "OnBackupComplete",
    "OnBackupShutdown",
]


class CleanupWriter(CVssWriterEx2):
    """Cleans up scratch files in OnAbort on a worker thread; ``fixed`` reads the session id on
    the handler's thread first (the corrected writer)."""

    def __init__(self, fixed: bool = False) -> None:
        self.fixed = fixed
        self.cleaned: list[str] = []

    def OnIdentify(self, metadata: IVssCreateWriterMetadata) -> bool:
        return True

    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        return True

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        session = self.GetSessionId() if self.fixed else None

        def clean() -> None:
            folder_id = session if session is not None else self.GetSessionId()
            self.cleaned.append(f"C:\\Scratch\\{folder_id}")

        # A real writer would log the refusal; the simulator records the violation either way.
        with (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="cleanup") as pool,
            contextlib.suppress(WrongThreadError),
        ):
            pool.submit(clean).result()
        return True


def install(system: VssSystem, writer: CleanupWriter) -> CleanupWriter:
    writer.Initialize(
        uuid.uuid5(uuid.NAMESPACE_URL, "cleanup"), "Cleanup Writer", VSS_UT_USERDATA, VSS_ST_OTHER
    )
    writer.Subscribe()
    return writer


# -- tests with the vss_system fixture -----------------------------------------------------------


def test_buggy_writer_in_a_complete_backup(vss_system: VssSystem) -> None:
    writer = install(vss_system, CleanupWriter())
    run_backup(vss_system)
    assert vss_system.events(writer) == FULL_BACKUP
    assert vss_system.violations == []


def test_fixed_writer_in_a_complete_backup(vss_system: VssSystem) -> None:
    writer = install(vss_system, CleanupWriter(fixed=True))
    run_backup(vss_system)
    assert vss_system.events(writer) == FULL_BACKUP
    assert vss_system.violations == []


# -- the state machine ---------------------------------------------------------------------------

#: Few, fixed examples so the lesson runs in seconds; drop these settings in your own tests
#: (Hypothesis then also shrinks a failing run to its shortest form).
LESSON_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=8,
    derandomize=True,  # the same examples on every run
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


class BuggyWriterMachine(VssStateMachine):
    def make_writers(self, system: VssSystem) -> Sequence[CVssWriter]:
        return [CleanupWriter()]


class FixedWriterMachine(VssStateMachine):
    def make_writers(self, system: VssSystem) -> Sequence[CVssWriter]:
        return [CleanupWriter(fixed=True)]


TestBuggyWriterMachine = BuggyWriterMachine.TestCase
TestBuggyWriterMachine.settings = LESSON_SETTINGS
TestFixedWriterMachine = FixedWriterMachine.TestCase
TestFixedWriterMachine.settings = LESSON_SETTINGS


# -- the lesson ----------------------------------------------------------------------------------


def main() -> int:
    """Run this file's tests with pytest; 0 when exactly the buggy writer's machine failed."""
    here = Path(__file__).resolve()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(here),
            "-v",
            "--tb=short",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        cwd=here.parent.parent,
    )
    outcomes: dict[str, str] = {}
    for line in result.stdout.splitlines():
        found = re.match(r"\S*08_testing_your_writer\.py::(\S+) (PASSED|FAILED)", line)
        if found:
            outcomes[found.group(1)] = found.group(2)
    print("pytest examples/08_testing_your_writer.py:")
    for test, outcome in outcomes.items():
        print(f"  {test}: {outcome}")
    violation = next(
        (line.strip(" E-") for line in result.stdout.splitlines() if "[wrong-thread]" in line),
        None,
    )
    print(f"\nwhat the state machine found: {violation or 'nothing'}")
    expected = {
        "test_buggy_writer_in_a_complete_backup": "PASSED",
        "test_fixed_writer_in_a_complete_backup": "PASSED",
        "TestBuggyWriterMachine::runTest": "FAILED",
        "TestFixedWriterMachine::runTest": "PASSED",
    }
    ok = outcomes == expected and violation is not None
    print(
        "\nThe happy-path test passes for both writers; only the state machine, which aborts "
        f"backups, catches the buggy one: {'as expected' if ok else 'NOT as expected'}"
    )
    if not ok:
        print(result.stdout[-3000:], result.stderr[-2000:])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
