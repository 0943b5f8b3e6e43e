"""Lesson 5, when writers fail: vetoes, timeouts, and what the failure code tells the requester
to do next.

What it teaches: a writer vetoes by calling ``SetWriterFailure(code)`` and returning false; the
requester sees DoSnapshotSet fail, then reads each writer's state and failure code with
GatherWriterStatus / GetWriterStatus. The code is the advice: VSS_E_WRITERERROR_RETRYABLE,
_TIMEOUT and _OUTOFRESOURCES mean "wait ten minutes and try again, at most three times"
(docs/reference.md §6, docs/field-failures.md #17); VSS_E_WRITERERROR_NONRETRYABLE means a retry
will fail too. A handler that runs past the Freeze window times out (docs/field-failures.md #7).

Three backups of Microsoft's sample writer, each on a fresh machine, by a VShadow-style requester
under ``fakes.retry_backup`` (wait 600 virtual seconds between attempts, at most 4 attempts):

1. the writer vetoes its first PrepareForSnapshot with VSS_E_WRITERERROR_RETRYABLE;
2. its first OnFreeze takes 90 s, past the 60 s window: VSS_E_WRITERERROR_TIMEOUT;
3. it vetoes every PrepareForSnapshot with VSS_E_WRITERERROR_NONRETRYABLE.

The failure presets come from ``fakes.presets`` (the field failures of docs/field-failures.md);
``vss-sim demo --fault PRESET`` runs the same presets against concurrent backups.

Read next: "Writer Errors and Vetoes",
https://learn.microsoft.com/en-us/windows/win32/vss/writer-errors-and-vetoes

Run it: ``python examples/05_when_writers_fail.py [--seed N]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import fakes
from simulator import VssSystem, hresults

#: Seconds between attempts after a transient writer error (Microsoft: ten minutes).
WAIT = 600.0

CASES: tuple[tuple[str, Callable[[fakes.ScriptedWriter], object]], ...] = (
    (
        "1. a veto that asks for a retry (docs/field-failures.md #4)",
        lambda w: fakes.veto_at_prepare_snapshot(w, hresults.VSS_E_WRITERERROR_RETRYABLE, times=1),
    ),
    (
        "2. a Freeze that takes too long (docs/field-failures.md #7)",
        lambda w: fakes.slow_freeze(w, 90, times=1),
    ),
    (
        "3. a veto no retry helps (docs/field-failures.md #9)",
        lambda w: fakes.stuck_writer(w, hresults.VSS_E_WRITERERROR_NONRETRYABLE),
    ),
)


def advice(code: int) -> str:
    """What Microsoft advises a requester to do about a writer's failure code."""
    if code in fakes.TRANSIENT_WRITER_ERRORS:
        return "transient: wait 10 minutes and retry, at most 3 times"
    if code == hresults.VSS_E_WRITERERROR_NONRETRYABLE:
        return "not retryable: fix the writer or its service first"
    return "no advice"


def run_case(seed: int, script: Callable[[fakes.ScriptedWriter], object]) -> list[str]:
    """One backup with retries; the lines to print."""
    lines: list[str] = []
    attempts = 0
    with VssSystem(seed=seed) as system:
        writer = fakes.SampleWriter()
        script(writer)
        fakes.install(system, [writer])

        def attempt(report: fakes.BackupReport, again: bool) -> None:
            nonlocal attempts
            attempts += 1
            number = attempts
            if report.ok:
                lines.append(f"  attempt {number} at {report.started:g} s: completed")
                return
            status = report.status_of(writer.name)
            assert status is not None
            lines.append(
                f"  attempt {number} at {report.started:g} s: DoSnapshotSet failed with {report.error}"
            )
            lines.append(
                f"    GetWriterStatus: {status.state.name}, {hresults.name_of(status.hr_failure)}"
                f" -> {advice(status.hr_failure)}"
            )
            lines.append(
                f"    the requester {'waits 600 s and tries again' if again else 'gives up'}"
            )

        reports = fakes.retry_backup(
            fakes.vshadow_backup, system, attempts=4, wait=WAIT, on_attempt=attempt
        )
        final = reports[-1]
        events = system.events(writer)
        lines.append(
            f"  result: {'completed' if final.ok else 'FAILED ' + str(final.error)} after "
            f"{len(reports)} attempt{'s' if len(reports) != 1 else ''}, virtual time "
            f"{system.clock.now:g} s; OnAbort received {events.count('OnAbort')} time(s)"
        )
    return lines


def main(seed: int = 0) -> int:
    """Run the three cases; 0 when the transient failures were retried to success and the
    non-retryable one was not retried."""
    results = []
    for title, script in CASES:
        print(f"== {title} ==")
        lines = run_case(seed, script)
        print("\n".join(lines))
        results.append(lines[-1])
        print()
    ok = (
        results[0].startswith("  result: completed after 2 attempts")
        and results[1].startswith("  result: completed after 2 attempts")
        and results[2].startswith("  result: FAILED VSS_E_UNEXPECTED_WRITER_ERROR after 1 attempt,")
    )
    codes = ", ".join(sorted(hresults.name_of(code) for code in fakes.TRANSIENT_WRITER_ERRORS))
    print(f"Transient writer errors (retry after a wait): {codes}")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Writer vetoes, timeouts and retry advice.")
    parser.add_argument("--seed", type=int, default=0, help="the VssSystem seed (default 0)")
    raise SystemExit(main(parser.parse_args().seed))
