"""Seed-sweep throughput: seeds per second on one worker, on every local core, on a local cluster.

Throughput is what a sweep is for, so the measure is wall time: seeds done per second of wall
clock, for a whole sweep as a user runs it (a local sweep starts its worker processes inside the
timing; the Dask cluster is started once beforehand, as a long-lived cluster is). Each figure is
the median of several rounds, and each is given as a ratio to one worker.

The scenario is the lesson's: a backup and a writer check overlapping, two writers
(examples/11_sweep_and_explore.py:buggy_backups).

    python benchmarks/sweep.py [--seeds 6000] [--rounds 3] [--no-cluster]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from simulator.harness import SweepResult, sweep

SPEC = f"{Path(__file__).resolve().parent.parent / 'examples' / '11_sweep_and_explore.py'}:buggy_backups"


def rate(run: Callable[[], SweepResult], rounds: int) -> float:
    """Median seeds per wall-clock second over ``rounds`` sweeps."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = run()
        rates.append(result.done / (time.perf_counter() - started))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-cluster", action="store_true")
    args = parser.parse_args()
    seeds = range(args.seeds)
    cores = os.cpu_count() or 1
    print(f"{args.seeds} seeds of {Path(SPEC).name}, median of {args.rounds} rounds, {cores} cores")
    rows: list[tuple[str, float]] = []
    one = rate(lambda: sweep(SPEC, seeds, workers=1), args.rounds)
    rows.append(("1 worker (this process)", one))
    rows.append(
        (f"{cores} local processes", rate(lambda: sweep(SPEC, seeds, workers=cores), args.rounds))
    )
    if not args.no_cluster:
        try:
            import distributed
        except ImportError:
            print("local cluster: skipped (pip install 'vss-simulator[cluster]')")
        else:
            from simulator.harness import cluster_sweep

            with (
                distributed.LocalCluster(
                    n_workers=cores,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                ) as cluster,
                distributed.Client(cluster) as client,
            ):
                rows.append(
                    (
                        f"local Dask cluster, {cores} workers",
                        rate(lambda: cluster_sweep(SPEC, seeds, client), args.rounds),
                    )
                )
    for name, value in rows:
        print(f"  {name:<34} {value:8.0f} seeds/s  {value / one:5.2f}x one worker")
    print(
        "Seeds are independent, so throughput grows with workers until the per-sweep costs "
        "(starting processes, shipping batches) dominate: on N cores expect close to N times one "
        f"worker for long sweeps; here {cores} core(s) bound it at {cores}x."
    )


if __name__ == "__main__":
    main()
