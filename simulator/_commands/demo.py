"""``vss-sim demo``: concurrent backups (VShadow-style and restic-style requesters, from ``fakes``)
against the in-box writers plus SQL Server's on a fresh machine, with one injected fault
(``--fault``, default: SqlServerWriter vetoes once and asks for a retry).

It prints the seed and the replay command first, a line per failed attempt and per finished
backup, a table with a legend, and totals. A backup keeps its number (#1, #2, ...) across its
attempts; each attempt is a new VSS session with an id of its own (docs/reference.md §8). Two
kinds of retry are told apart: the writer asked for one (a transient failure code, retried after
600 s, docs/reference.md §6), or another backup was creating its set (VSS_E_SNAPSHOT_SET_IN_PROGRESS,
retried after 5 s). On a terminal a progress bar shows the backups finished and the virtual time.
The trace is saved for ``vss-sim trace``, beside the machine state file (``trace.last_trace_path``). Everything printed comes from
the seeded machine except the one "wall time" line.
"""

from __future__ import annotations

import collections
import os
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from .. import hresults
from .._system import VssSystem
from .demo_faults import DEFAULT_FAULT, FAULTS, apply_fault, fault_help, time_handlers
from .files import check_target, write_atomically
from .trace import STATE_HELP, save_last_trace
from .version import VERSION, version_option

if TYPE_CHECKING:
    import fakes

__all__ = ["demo"]

_WAIT = 600.0
_BUSY_WAIT = 5.0
_DEFAULT_SESSIONS = 4
_LEGEND = (
    "columns: # is the backup's number, the same on the lines above; tries: attempts made; "
    "VSS session ids: the id VSS gave each attempt, in order (a retry is a new session); "
    "in backup: the writers the last attempt backed up, of those installed; states at end: the "
    "state of every installed writer after the last attempt, as GatherWriterStatus reads it "
    "(writers left out of the backup report too); start, end: virtual seconds; retried "
    "because: why each earlier attempt was repeated."
)


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 session``, ``2 sessions``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def _short_state(name: str) -> str:
    return name.removeprefix("VSS_WS_")


def _why_retry(report: fakes.BackupReport) -> str:
    if report.error == "VSS_E_SNAPSHOT_SET_IN_PROGRESS":
        return "another backup was creating its set"
    return "the writer asked us to retry"


def _grouped(reasons: Sequence[str]) -> str:
    """Why each attempt was repeated, runs of one reason as a range: "1-3: ...; 4: ..."."""
    parts: list[str] = []
    start = 0
    for end in range(1, len(reasons) + 1):
        if end == len(reasons) or reasons[end] != reasons[start]:
            numbers = f"{start + 1}" if end == start + 1 else f"{start + 1}-{end}"
            parts.append(f"{numbers}: {reasons[start]}")
            start = end
    return "; ".join(parts)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _states(report: fakes.BackupReport) -> str:
    states = collections.Counter(_short_state(s.state.name) for s in report.writer_statuses)
    if not states:
        return "not read"
    if len(states) == 1:
        state, count = next(iter(states.items()))
        return f"all {count} {state}"
    return ", ".join(f"{n} {state}" for state, n in sorted(states.items()))


def _failure(report: fakes.BackupReport) -> str:
    failed = "; ".join(
        f"{s.writer_name} {_short_state(s.state.name)} {hresults.name_of(s.hr_failure)}"
        for s in report.failures
    )
    return f"{report.error}" + (f" [{failed}]" if failed else "")


class _Output:
    """Lines to standard output; on a terminal, above a progress bar (rich)."""

    def __init__(self, total: int) -> None:
        self._progress = None
        if sys.stdout.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("backups finished"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[now]}"),
                console=Console(highlight=False, emoji=False, markup=False, soft_wrap=True),
                transient=True,
            )
            self._task = self._progress.add_task("backups", total=total, now="")

    def __enter__(self) -> _Output:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def line(self, text: str = "") -> None:
        if self._progress is None:
            click.echo(text)
        else:
            self._progress.console.print(text)

    def advance(self, now: float, finished: bool) -> None:
        if self._progress is not None:
            self._progress.update(
                self._task, advance=1 if finished else 0, now=f"virtual time {now:.3f}s"
            )


def _replay(seed: int, sessions: int, fault: str) -> str:
    command = f"vss-sim demo --seed {seed}"
    if sessions != _DEFAULT_SESSIONS:
        command += f" --sessions {sessions}"
    if fault != DEFAULT_FAULT:
        command += f" --fault {fault}"
    return command


@click.command(epilog=fault_help())
@click.option("--seed", type=int, default=None, help="Seed of the machine (default: a random one).")
@click.option(
    "--sessions",
    type=click.IntRange(1, 64),
    default=_DEFAULT_SESSIONS,
    show_default=True,
    help="Concurrent backups (VSS allows up to 64 sessions, docs/reference.md §6).",
)
@click.option(
    "--fault",
    type=click.Choice(list(FAULTS)),
    default=DEFAULT_FAULT,
    show_default=True,
    metavar="PRESET",
    help="The failure to inject: one of the presets listed below, or none.",
)
@click.option(
    "--trace-out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the trace to this file as JSON lines.",
)
@click.option(
    "--save-trace/--no-save-trace",
    default=True,
    show_default=True,
    help="Save the trace in the state folder for `vss-sim trace`.",
)
@click.option("--state", type=click.Path(dir_okay=False), default=None, help=STATE_HELP)
@version_option()
def demo(
    seed: int | None,
    sessions: int,
    fault: str,
    trace_out: str | None,
    save_trace: bool,
    state: str | None,
) -> None:
    """Concurrent backups against the in-box writers, with one injected fault."""
    import fakes

    if trace_out is not None:
        check_target(trace_out)
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    click.echo(f"seed: {seed} (replay with: {_replay(seed, sessions, fault)})")
    wall_start = time.perf_counter()
    with VssSystem(seed=seed) as system:
        system.add_volume("D:\\")
        sql = fakes.SqlServerWriter()
        writers = [*fakes.inbox_writers(), sql]
        time_handlers(writers)
        apply_fault(fault, system, sql)
        fakes.install(system, writers)
        plans = [
            fakes.SessionPlan(
                kind="vshadow" if index % 2 == 0 else "restic",
                volumes=("C:\\", "D:\\") if index % 3 == 2 else ("C:\\",),
                attempts=4,
                hold=30.0 if index % 2 == 0 else 20.0,
            )
            for index in range(sessions)
        ]
        _header(system, writers, fault, plans)
        with _Output(len(plans)) as out:
            outcomes = fakes.run_scenario(
                system,
                plans,
                wait=_WAIT,
                busy_wait=_BUSY_WAIT,
                on_attempt=_attempt_line(out, system),
                on_finish=_finish_line(out, len(writers)),
            )
        _summary(system, outcomes, len(writers))
        records = system.trace
        if trace_out is not None:
            from .._presentation.trace_export import to_jsonl

            written = write_atomically(trace_out, to_jsonl(records))
            click.echo(f"trace: {plural(len(records), 'record')} written to {written}")
        if save_trace:
            saved = save_last_trace(records, state)
            click.echo(
                f"trace saved to {saved}: see it with `vss-sim trace --format html --out run.html`"
                " (or --format chrome for Perfetto, mermaid for a diagram)"
            )
    click.echo(f"wall time: {time.perf_counter() - wall_start:.3f}s")


def _header(
    system: VssSystem,
    writers: Sequence[fakes.ScriptedWriter],
    fault: str,
    plans: Sequence[fakes.SessionPlan],
) -> None:
    click.echo(
        f"vss-sim {VERSION}; machine {system.machine_name}: volumes "
        f"{', '.join(system.volume_names)}; {plural(len(writers), 'writer')} installed "
        f"({', '.join(w.name for w in writers)})"
    )
    click.echo(f"fault {fault}: {FAULTS[fault][1]}")
    click.echo(
        f"retries: when a writer asks us to retry (its failure code is transient: "
        f"VSS_E_WRITERERROR_RETRYABLE, _TIMEOUT or _OUTOFRESOURCES) the requester tries again "
        f"after {_WAIT:.0f} s (docs/reference.md §6); when another backup is creating its set "
        f"(VSS_E_SNAPSHOT_SET_IN_PROGRESS, one set at a time, docs/reference.md §8), after "
        f"{_BUSY_WAIT:.0f} s; at most {plans[0].attempts} attempts"
    )
    kinds = ", ".join(f"#{i + 1} {p.kind} {'+'.join(p.volumes)}" for i, p in enumerate(plans))
    click.echo(f"{plural(len(plans), 'backup')} start at 0 s: {kinds}")
    click.echo("")


def _attempt_line(
    out: _Output, system: VssSystem
) -> Callable[[int, fakes.SessionPlan, fakes.BackupReport, bool], None]:
    attempts: collections.Counter[int] = collections.Counter()

    def attempt_done(
        index: int, plan: fakes.SessionPlan, report: fakes.BackupReport, again: bool
    ) -> None:
        attempts[index] += 1
        number = attempts[index]
        out.advance(system.clock.now, finished=False)
        if report.ok:
            return
        why = _why_retry(report)
        if again:
            delay = _BUSY_WAIT if why.startswith("another") else _WAIT
            then = f"{why}: attempt {number + 1} in {delay:.0f} s"
        elif number >= plan.attempts:
            then = f"giving up after {plural(number, 'attempt')}"
        else:
            then = "giving up: a retry would not help"
        out.line(
            f"[{report.ended:9.3f}s] #{index + 1} {plan.kind} attempt {number} "
            f"(VSS session {str(report.session_id)[:8]}) failed: {_failure(report)}; {then}"
        )

    return attempt_done


def _finish_line(out: _Output, installed: int) -> Callable[[fakes.SessionOutcome], None]:
    def session_done(outcome: fakes.SessionOutcome) -> None:
        out.advance(outcome.ended, finished=True)
        final = outcome.final
        tries = len(outcome.reports)
        word = "completed" if outcome.ok else f"FAILED ({final.error})"
        copies = len(final.devices)
        waits = sum(r.retries for r in outcome.reports)
        waited = (
            f"; StartSnapshotSet waited {plural(waits, 'time')} for another backup's set"
            if waits
            else ""
        )
        out.line(
            f"[{outcome.ended:9.3f}s] #{outcome.index + 1} {outcome.plan.kind} {word} at attempt "
            f"{tries} (VSS session {str(final.session_id)[:8]}): "
            f"{plural(copies, 'shadow copy', 'shadow copies')}; "
            f"{len(final.writers)} of {installed} writers in the backup{waited}"
        )

    return session_done


def _summary(system: VssSystem, outcomes: Sequence[fakes.SessionOutcome], installed: int) -> None:
    rows = [
        [
            "#",
            "requester",
            "result",
            "tries",
            "VSS session ids",
            "in backup",
            "states at end",
            "start",
            "end",
            "retried because",
        ]
    ]
    for outcome in outcomes:
        final = outcome.final
        retried = _grouped([_why_retry(report) for report in outcome.reports[:-1]])
        rows.append(
            [
                f"#{outcome.index + 1}",
                outcome.plan.kind,
                "completed" if outcome.ok else f"FAILED {final.error}",
                str(len(outcome.reports)),
                ", ".join(str(r.session_id)[:8] for r in outcome.reports),
                f"{len(final.writers)} of {installed}",
                _states(final),
                f"{outcome.started:.3f}s",
                f"{outcome.ended:.3f}s",
                retried or "-",
            ]
        )
    click.echo("")
    for line in _table(rows):
        click.echo(line)
    for line in textwrap.wrap(_LEGEND, width=100):
        click.echo(line)
    completed = sum(1 for o in outcomes if o.ok)
    attempts = sum(len(o.reports) for o in outcomes)
    click.echo("")
    click.echo(
        f"totals: {plural(len(outcomes), 'backup')} ({completed} completed) in "
        f"{plural(attempts, 'attempt')}; {plural(len(system.events()), 'event')} delivered; "
        f"{plural(len(system.violations), 'violation')}; virtual time {system.clock.now:.3f}s"
    )
