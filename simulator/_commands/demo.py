"""``vss-sim demo``: concurrent backup sessions (VShadow-style and restic-style requesters, from
``fakes``) against the in-box writers plus SQL Server's on a fresh machine, one writer scripted to
veto once; it prints the seed first, a line per session as it ends, a summary table and totals,
and can save the trace as JSON lines. Everything printed comes from the seeded machine except the
one "wall time" line.
"""

from __future__ import annotations

import collections
import json
import os
import time
from collections.abc import Sequence

import click

from .. import hresults
from .._engine.trace import TraceRecord
from .._system import VssSystem
from .files import check_target, write_atomically

__all__ = ["demo"]


def _short_state(name: str) -> str:
    return name.removeprefix("VSS_WS_")


def _record_json(record: TraceRecord) -> str:
    return json.dumps(
        {
            "time": record.time,
            "kind": record.kind.value,
            "name": record.name,
            "session_id": str(record.session_id) if record.session_id else None,
            "thread": record.thread,
            "writer": record.writer,
            "result": record.result,
            "detail": record.detail,
        }
    )


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return lines


@click.command()
@click.option("--seed", type=int, default=None, help="Seed of the machine (default: a random one).")
@click.option(
    "--sessions",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Concurrent backup sessions (VSS allows up to 64, docs/reference.md §6).",
)
@click.option(
    "--trace-out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the trace to this file as JSON lines.",
)
def demo(seed: int | None, sessions: int, trace_out: str | None) -> None:
    """Concurrent backups against the in-box writers; one writer vetoes once."""
    import fakes

    if trace_out is not None:
        check_target(trace_out)
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    click.echo(f"seed: {seed} (replay with --seed {seed})")
    wall_start = time.perf_counter()
    with VssSystem(seed=seed) as system:
        system.add_volume("D:\\")
        sql = fakes.SqlServerWriter()
        fakes.veto_at_prepare_snapshot(sql, hresults.VSS_E_WRITERERROR_RETRYABLE, times=1)
        writers = fakes.install(system, [*fakes.inbox_writers(), sql])
        plans = [
            fakes.SessionPlan(
                kind="vshadow" if index % 2 == 0 else "restic",
                volumes=("C:\\", "D:\\") if index % 3 == 2 else ("C:\\",),
                attempts=4,
                hold=30.0 if index % 2 == 0 else 20.0,
            )
            for index in range(sessions)
        ]
        click.echo(
            f"machine {system.machine_name}: volumes {', '.join(system.volume_names)}; "
            f"{len(writers)} writers ({', '.join(w.name for w in writers)})"
        )
        click.echo(
            "fault: SqlServerWriter vetoes its first PrepareForSnapshot with "
            "VSS_E_WRITERERROR_RETRYABLE (docs/field-failures.md #4); requesters retry transient writer "
            "errors after 600 s and a busy StartSnapshotSet after 5 s"
        )
        kinds = ", ".join(f"{i + 1} {p.kind} {'+'.join(p.volumes)}" for i, p in enumerate(plans))
        click.echo(f"{len(plans)} sessions start at 0 s: {kinds}")
        click.echo("")

        def attempt_done(
            index: int, plan: fakes.SessionPlan, report: fakes.BackupReport, again: bool
        ) -> None:
            if report.ok:
                return
            failed = "; ".join(
                f"{s.writer_name} {_short_state(s.state.name)} {hresults.name_of(s.hr_failure)}"
                for s in report.failures
            )
            then = "retrying" if again else "giving up"
            click.echo(
                f"[{report.ended:9.3f}s] session {index + 1} ({plan.kind}) "
                f"{str(report.session_id)[:8]} failed: {report.error}"
                + (f" [{failed}]" if failed else "")
                + f"; {then}"
            )

        def session_done(outcome: fakes.SessionOutcome) -> None:
            final = outcome.final
            word = "completed" if outcome.ok else f"FAILED ({final.error})"
            copies = len(final.devices)
            retries = sum(r.retries for r in outcome.reports)
            click.echo(
                f"[{outcome.ended:9.3f}s] session {outcome.index + 1} ({outcome.plan.kind}) "
                f"{str(final.session_id)[:8]} {word} after {len(outcome.reports)} attempt(s): "
                f"{copies} shadow cop{'y' if copies == 1 else 'ies'}, "
                f"{len(final.writers)} writers, {retries} StartSnapshotSet retries"
            )

        outcomes = fakes.run_scenario(
            system, plans, on_attempt=attempt_done, on_finish=session_done
        )
        rows = [
            ["session", "requester", "tries", "writers", "final states", "start", "end", "failures"]
        ]
        for outcome in outcomes:
            final = outcome.final
            states = collections.Counter(_short_state(s.state.name) for s in final.writer_statuses)
            failures = []
            for number, report in enumerate(outcome.reports, 1):
                if report.ok:
                    continue
                who = ", ".join(
                    f"{s.writer_name} {hresults.name_of(s.hr_failure)}" for s in report.failures
                )
                failures.append(f"#{number} {report.error}" + (f" ({who})" if who else ""))
            rows.append(
                [
                    str(final.session_id)[:8],
                    outcome.plan.kind,
                    str(len(outcome.reports)),
                    str(len(final.writers)),
                    ", ".join(f"{n} {state}" for state, n in sorted(states.items())) or "-",
                    f"{outcome.started:.3f}s",
                    f"{outcome.ended:.3f}s",
                    "; ".join(failures) or "-",
                ]
            )
        click.echo("")
        for line in _table(rows):
            click.echo(line)
        completed = sum(1 for o in outcomes if o.ok)
        attempts = sum(len(o.reports) for o in outcomes)
        click.echo("")
        click.echo(
            f"totals: {len(outcomes)} session{'s' if len(outcomes) != 1 else ''} ({completed} completed), {attempts} attempts, "
            f"{len(system.events())} events delivered, {len(system.violations)} violations, "
            f"virtual time {system.clock.now:.3f}s"
        )
        if trace_out is not None:
            records = system.trace
            write_atomically(trace_out, "".join(_record_json(r) + "\n" for r in records))
            click.echo(f"trace: {len(records)} records written to {trace_out}")
    click.echo(f"wall time: {time.perf_counter() - wall_start:.3f}s")
