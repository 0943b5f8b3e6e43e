"""The robustness soak: the fuzz of ``tests/service/robustness_fuzz.py`` over many seeds.

    python benchmarks/robustness_soak.py [EXAMPLES] [FIRST_SEED]

Runs EXAMPLES examples (default 100,000) and prints how many passed, how many failed (with the
first failing seed of each kind, to replay with ``run_example(seed)``), the violations and
faults the misbehaving writers caused, and the wall time.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.service.robustness_fuzz import cheap_collections, run_example


def main(examples: int = 100_000, first: int = 0) -> int:
    with cheap_collections():
        return _soak(examples, first)


def _soak(examples: int, first: int) -> int:
    started = time.perf_counter()
    failures: Counter[str] = Counter()
    first_seed: dict[str, int] = {}
    totals: Counter[str] = Counter()
    for seed in range(first, first + examples):
        try:
            totals.update(run_example(seed))
        except AssertionError as exc:
            kind = f"{type(exc).__name__}: {str(exc)[:160]}"
            failures[kind] += 1
            if kind not in first_seed:
                first_seed[kind] = seed
                print(f"  seed {seed}: {kind}", flush=True)
        if (seed - first + 1) % 10_000 == 0:
            print(f"{seed - first + 1} examples, {sum(failures.values())} failed", flush=True)
    failed = sum(failures.values())
    print(
        f"{examples} examples: {examples - failed} passed, {failed} failed; "
        f"{totals['violations']} violations and {totals['faults']} faults recorded; "
        f"{time.perf_counter() - started:.1f} s"
    )
    for kind, count in failures.most_common():
        print(f"  {count} x {kind} (first seed {first_seed[kind]})")
    return 1 if failed else 0


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    raise SystemExit(main(*arguments))
