"""Every figure of ``benchmarks/README.md``, measured in one run and printed as its table.

    python benchmarks/report.py            # the README's figures (about 10 minutes)
    python benchmarks/report.py --quick    # fewer rounds and 20,000 sessions for memory

CPU time in interleaved rounds with the garbage collector collected and frozen before each sample
(``hot_path.py``); memory in a fresh process per setting; the state machine with its default
settings (``state_machine.py``); the System Writer document's load against the bare parse
(``metadata_load.py``). The machines are shared and noisy: read the medians and the ratios.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's simulator)
import hot_path
import least_model
import state_machine

HERE = Path(__file__).resolve().parent


def _memory(sessions: int, limit: int | None) -> tuple[float, float]:
    """RSS at the start and the end of ``sessions`` on one machine, in a fresh process."""
    code = (
        "import json, hot_path; "
        f"print(json.dumps(hot_path.memory_curve(hot_path.DescribingWriter, 10, {sessions}, "
        f"{limit})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=HERE, check=True, capture_output=True, text=True
    ).stdout
    points = json.loads(out)
    return points[0][1], points[-1][1]


def _metadata_load(rounds: int) -> str:
    try:
        import metadata_load
    except ImportError:
        return "n/a"
    return str(metadata_load.summary(rounds))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    sessions = 20_000 if args.quick else 100_000
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    rows: list[tuple[str, str, str]] = []
    for name, kind in hot_path.WORKLOADS.items():
        say(f"{name} workload, {rounds} interleaved rounds")
        r = hot_path.measure(kind, 10, 100, 64, rounds, say)
        rows.append(
            (
                f"{name}: one session at a time",
                f"{r.serial_us:.0f} µs",
                f"**{r.serial_ratio:.1f}×** floor ({r.floor_us:.1f} µs)",
            )
        )
        rows.append(
            (
                f"{name}: 64 sessions at once",
                f"{r.parallel_us:.0f} µs",
                f"**{r.parallel_ratio:.1f}×**",
            )
        )
    say("the least model, one session at a time")
    least = least_model.measure(hot_path.DescribingWriter, 100, rounds, say)
    rows.append(
        (
            "the least model (`least_model.py`): one session at a time",
            f"{least.least_us:.0f} µs",
            f"**{least.least_ratio:.1f}×** floor; the model {least.model_over_least:.1f}× it",
        )
    )
    say("scale curve")
    curve = hot_path.scale_curve(hot_path.DescribingWriter, max(1, rounds // 2))
    rows.append(
        (
            "cost per writer at 1 / 10 / 100 / 1,000 writers",
            " / ".join(f"{cost:.1f}" for cost in curve.per_writer_us.values()) + " µs",
            f"1,000 over 10: **{curve.growth:.2f}×**",
        )
    )
    rows.append(
        (
            "64 sessions × 100 writers, per session",
            f"{curve.parallel_100_us:.0f} µs",
            f"**{curve.parallel_ratio:.2f}×** one at a time",
        )
    )
    for limit in (None, 1_000):
        say(f"memory over {sessions:,} sessions, trace_limit={limit}")
        start, end = _memory(sessions, limit)
        rows.append(
            (
                f"RSS over {sessions:,} sessions, trace_limit={limit}",
                f"{start:.0f} → {end:.0f} MiB",
                f"{end / start:.2f}×",
            )
        )
    say("state machine")
    rate = state_machine.examples_per_second(100)
    try:
        share = f"model {state_machine.model_share(100) * 100:.0f} % of the time"
    except ImportError:
        share = "model share: needs the bench extra"
    rows.append(("`VssStateMachine`, default settings", f"{rate:.1f} examples/s", share))
    say("metadata load")
    rows.append(("System Writer document (2 MB), load", _metadata_load(rounds), ""))
    print("| | measured | ratio |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
