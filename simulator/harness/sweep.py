"""Seed sweeps: run a scenario once per seed, on every local core, and gather the failures.

Seeds go to worker processes in batches (``run_batch``); results are keyed by seed, so a batch
that is run twice (a lost worker, a retry) can never count a seed twice, and every report lists
seeds in order. ``workers=1`` runs in this process. Ctrl-C stops the sweep and keeps every batch
that finished (``SweepResult.interrupted``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

import attrs

from .scenario import SeedResult, load_scenario, resolve_spec, run_batch, run_seed

__all__ = [
    "Progress",
    "SweepResult",
    "batches",
    "parse_seeds",
    "sweep",
    "write_results",
]

#: Called after each batch with the results gathered so far.
Progress = Callable[["SweepResult"], None]

_RANGE = re.compile(r"^\s*(\d+)\s*\.\.(=?)\s*(\d+)\s*$")


def parse_seeds(text: str) -> range:
    """Seeds from the command line: ``N`` is 0..N-1; ``A..B`` is A to B-1 (B excluded, as in
    ``range``); ``A..=B`` is A to B included."""
    text = text.strip()
    if text.isdigit():
        return range(int(text))
    match = _RANGE.match(text)
    if match is None:
        raise ValueError(f"seeds are N (0..N-1), A..B (B excluded) or A..=B, not {text!r}")
    start, inclusive, stop = int(match[1]), match[2], int(match[3])
    stop += 1 if inclusive else 0
    if stop <= start:
        raise ValueError(f"the seed range {text!r} is empty")
    return range(start, stop)


def format_seeds(seeds: range) -> str:
    """``range(0, 10)`` as ``0..10`` (the end excluded)."""
    return f"{seeds.start}..{seeds.stop}"


def batches(seeds: Sequence[int], size: int) -> Iterator[tuple[int, ...]]:
    """Consecutive batches of at most ``size`` seeds."""
    for start in range(0, len(seeds), size):
        yield tuple(seeds[start : start + size])


def default_batch_size(count: int, workers: int) -> int:
    """About eight batches a worker (for balance and a lively progress display), at most 250."""
    return max(1, min(250, count // (workers * 8) or 1))


@attrs.define
class SweepResult:
    """The results of a sweep so far, keyed by seed."""

    spec: str
    seeds: range
    results: dict[int, SeedResult] = attrs.field(factory=dict)
    interrupted: bool = False
    elapsed: float = 0.0
    workers: int = 1
    where: str = "local"

    def add(self, batch: Iterable[SeedResult]) -> int:
        """Merge one finished batch; a seed already present is kept once. How many were new."""
        new = 0
        for result in batch:
            if result.seed not in self.results:
                self.results[result.seed] = result
                new += 1
        return new

    @property
    def done(self) -> int:
        return len(self.results)

    @property
    def ordered(self) -> list[SeedResult]:
        return [self.results[seed] for seed in sorted(self.results)]

    @property
    def failing(self) -> list[SeedResult]:
        return [r for r in self.ordered if r.failed]

    @property
    def failing_seeds(self) -> list[int]:
        return [r.seed for r in self.failing]

    @property
    def nondeterministic_seeds(self) -> list[int]:
        return [r.seed for r in self.ordered if not r.deterministic]

    @property
    def missing_seeds(self) -> list[int]:
        return [seed for seed in self.seeds if seed not in self.results]

    def groups(self) -> dict[str, list[int]]:
        """Failing seeds by kind of failure; the kinds with the most seeds first."""
        groups: dict[str, list[int]] = {}
        for result in self.failing:
            assert result.kind is not None
            groups.setdefault(result.kind, []).append(result.seed)
        return dict(sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0])))

    @property
    def rate(self) -> float:
        """Seeds per second of wall time."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0


def write_results(path: str, result: SweepResult) -> None:
    """Write one JSON line per seed, in seed order, atomically: a temporary file in the same
    folder replaces ``path`` only once it is complete."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".sweep-", suffix=".jsonl", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for seed_result in result.ordered:
                line = seed_result.to_json()
                if seed_result.failed:
                    line["replay"] = replay_command(result.spec, seed_result.seed)
                out.write(json.dumps(line, sort_keys=True) + "\n")
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def replay_command(spec: str, seed: int) -> str:
    """The command that replays one seed."""
    return f"vss-sim replay {spec} --seed {seed}"


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def sweep(
    spec: str,
    seeds: range,
    *,
    workers: int | None = None,
    batch_size: int | None = None,
    check_determinism: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Run the scenario ``spec`` names once per seed on ``workers`` local processes (default:
    every core). Ctrl-C ends it early with the finished batches (``interrupted`` set)."""
    spec = resolve_spec(spec)
    load_scenario(spec)  # fail here, once, if the scenario cannot be loaded
    workers = workers or os.cpu_count() or 1
    size = batch_size or default_batch_size(len(seeds), workers)
    result = SweepResult(spec, seeds, workers=workers, where="local")
    started = time.perf_counter()
    try:
        if workers == 1:
            scenario = load_scenario(spec)
            for batch in batches(seeds, size):
                result.add(
                    run_seed(scenario, s, check_determinism=check_determinism) for s in batch
                )
                result.elapsed = time.perf_counter() - started
                if progress is not None:
                    progress(result)
        else:
            _sweep_processes(
                spec, seeds, workers, size, check_determinism, result, progress, started
            )
    except KeyboardInterrupt:
        result.interrupted = True
    result.elapsed = time.perf_counter() - started
    return result


def _sweep_processes(
    spec: str,
    seeds: range,
    workers: int,
    size: int,
    check_determinism: bool,
    result: SweepResult,
    progress: Progress | None,
    started: float,
) -> None:
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_ignore_sigint)
    pending: set[Future[list[SeedResult]]] = set()
    try:
        for batch in batches(seeds, size):
            pending.add(pool.submit(run_batch, spec, batch, check_determinism))
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                result.add(future.result())
            result.elapsed = time.perf_counter() - started
            if progress is not None:
                progress(result)
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=not pending, cancel_futures=True)
