"""``vss-sim sweep``, ``vss-sim replay`` and ``vss-sim explore`` (see docs/sweeps.md).

Exit codes: 0 when every run passed, 1 when a run failed (or traces differed under
``--check-determinism``), 2 for a usage error, 130 when Ctrl-C ended a sweep early.
"""

from __future__ import annotations

import sys

import click

from .scenario import load_scenario, replay
from .sweep import SweepResult, format_seeds, parse_seeds, replay_command, write_results

__all__ = ["explore_command", "register_commands", "replay_scenario_command", "sweep_command"]

#: Replay commands printed per kind of failure; results.jsonl has one for every failing seed.
SHOWN_PER_KIND = 5


def _seeds(ctx: click.Context, param: click.Parameter, value: str) -> range:
    try:
        return parse_seeds(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


def _check_loads(spec: str) -> None:
    try:
        load_scenario(spec)
    except Exception as error:
        raise click.UsageError(f"cannot load scenario {spec}: {error}") from error


def _summary(result: SweepResult, spec: str) -> list[str]:
    lines = []
    state = "interrupted: partial results" if result.interrupted else "done"
    failing = result.failing
    lines.append(
        f"{state}: {result.done} of {len(result.seeds)} seeds in {result.elapsed:.2f}s "
        f"({result.rate:.0f} seeds/s, {result.workers} worker{'s' if result.workers != 1 else ''}, "
        f"{result.where}); {len(failing)} failed"
    )
    groups = result.groups()
    for kind, seeds in groups.items():
        lines.append("")
        lines.append(f"{kind}: {len(seeds)} seed{'s' if len(seeds) != 1 else ''}")
        example = result.results[seeds[0]]
        if example.detail and example.detail != kind:
            lines.append(f"  e.g. {example.detail}")
        for seed in seeds[:SHOWN_PER_KIND]:
            lines.append(f"  {replay_command(spec, seed)}")
        if len(seeds) > SHOWN_PER_KIND:
            lines.append(f"  ... and {len(seeds) - SHOWN_PER_KIND} more")
    differing = result.nondeterministic_seeds
    if differing:
        lines.append("")
        shown = ", ".join(map(str, differing[:20])) + (" ..." if len(differing) > 20 else "")
        lines.append(
            f"not deterministic: {len(differing)} seeds gave two different traces: {shown}"
        )
    return lines


@click.command("sweep")
@click.argument("scenario")
@click.option(
    "--seeds",
    callback=_seeds,
    default="100",
    show_default=True,
    help="N (seeds 0..N-1), A..B (A to B-1) or A..=B (A to B).",
)
@click.option(
    "--workers", type=click.IntRange(1), default=None, help="Local processes [every core]."
)
@click.option("--cluster", "address", default=None, help="Run on the Dask scheduler at ADDRESS.")
@click.option("--batch-size", type=click.IntRange(1), default=None, help="Seeds per task.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write one JSON line per seed here (atomically).",
)
@click.option("--check-determinism", is_flag=True, help="Run each seed twice; compare traces.")
@click.option("--quiet", is_flag=True, help="No progress display.")
def sweep_command(
    scenario: str,
    seeds: range,
    workers: int | None,
    address: str | None,
    batch_size: int | None,
    out: str | None,
    check_determinism: bool,
    quiet: bool,
) -> None:
    """Run SCENARIO (module:function or file.py:function) once per seed; group the failures."""
    from .sweep import sweep

    _check_loads(scenario)
    where = f"cluster {address}" if address else f"{workers or 'every core'} worker(s)"
    click.echo(f"sweep {scenario}: seeds {format_seeds(seeds)} ({len(seeds)}), {where}")
    shown = {"done": 0}
    with click.progressbar(
        length=len(seeds),
        label="seeds",
        file=sys.stderr,
        item_show_func=lambda text: text,
        show_eta=True,
    ) as bar:

        def progress(result: SweepResult) -> None:
            if quiet:
                return
            bar.update(
                result.done - shown["done"],
                f"{len(result.failing)} failed, {result.rate:.0f}/s",
            )
            shown["done"] = result.done

        if address is not None:
            from .cluster import ClusterUnavailable, cluster_sweep

            try:
                result = cluster_sweep(
                    scenario,
                    seeds,
                    address,
                    batch_size=batch_size,
                    check_determinism=check_determinism,
                    progress=progress,
                )
            except ClusterUnavailable as error:
                raise click.ClickException(str(error)) from error
        else:
            result = sweep(
                scenario,
                seeds,
                workers=workers,
                batch_size=batch_size,
                check_determinism=check_determinism,
                progress=progress,
            )
    for line in _summary(result, scenario):
        click.echo(line)
    if out is not None:
        write_results(out, result)
        click.echo(f"results: {result.done} lines written to {out}")
    if result.interrupted:
        sys.exit(130)
    if result.failing or result.nondeterministic_seeds:
        sys.exit(1)


@click.command("replay")
@click.argument("scenario")
@click.option("--seed", type=int, default=None, help="The seed to replay.")
@click.option(
    "--schedule",
    default=None,
    help="Replay a schedule from `vss-sim explore` instead: its choices, comma-separated.",
)
@click.option("--tail", type=click.IntRange(1), default=30, show_default=True, help="Trace lines.")
def replay_scenario_command(
    scenario: str, seed: int | None, schedule: str | None, tail: int
) -> None:
    """Run SCENARIO once with --seed N (or --schedule); print the trace tail and the violations."""
    _check_loads(scenario)
    if (seed is None) == (schedule is None):
        raise click.UsageError("give exactly one of --seed and --schedule")
    if schedule is not None:
        from .explore import replay_schedule

        try:
            choices = [int(c) for c in schedule.split(",") if c.strip()]
        except ValueError as error:
            raise click.UsageError(f"a schedule is comma-separated integers: {error}") from error
        outcome = replay_schedule(load_scenario(scenario), choices)
        click.echo(f"replay {scenario} schedule {','.join(map(str, choices))}")
    else:
        assert seed is not None
        outcome = replay(scenario, seed)
        click.echo(f"replay {scenario} --seed {seed}")
    lines = outcome.trace_tail(tail)
    click.echo(f"trace (last {len(lines)} of {len(outcome.system.trace)} records):")
    for line in lines:
        click.echo(f"  {line}")
    violations = outcome.violations
    click.echo(f"violations: {len(violations)}")
    for violation in violations:
        click.echo(f"  {violation}")
    if outcome.error is not None:
        click.echo("the scenario raised:")
        click.echo(outcome.format_error())
    failure = outcome.failure
    if failure is None:
        click.echo("passed")
        return
    click.echo(f"FAILED: {failure[0]}")
    sys.exit(1)


@click.command("explore")
@click.argument("scenario")
@click.option("--max-schedules", type=click.IntRange(1), default=None, help="Stop after N runs.")
@click.option("--no-reduce", is_flag=True, help="Also run reorderings of independent steps.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the GUID draws.")
def explore_command(scenario: str, max_schedules: int | None, no_reduce: bool, seed: int) -> None:
    """Run SCENARIO under every distinct interleaving (depth first); report the failing ones."""
    from .explore import explore

    _check_loads(scenario)
    result = explore(
        load_scenario(scenario), max_schedules=max_schedules, reduce=not no_reduce, seed=seed
    )
    click.echo(f"explore {scenario}: {result.summary()}")
    kinds: dict[str, list[tuple[int, ...]]] = {}
    for failing in result.failing:
        kinds.setdefault(failing.failure, []).append(failing.choices)
    for kind, schedules in kinds.items():
        click.echo(f"{kind}: {len(schedules)} schedule{'s' if len(schedules) != 1 else ''}")
        click.echo(f"  vss-sim replay {scenario} --schedule {','.join(map(str, schedules[0]))}")
    if result.failing:
        sys.exit(1)


def register_commands(group: click.Group) -> None:
    """Add ``sweep``, ``replay`` and ``explore`` to the ``vss-sim`` group."""
    for command in (sweep_command, replay_scenario_command, explore_command):
        group.add_command(command)
