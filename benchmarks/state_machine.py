"""Examples per second of the exported ``VssStateMachine`` with its default settings, and the
model's share of that time (the rest is Hypothesis choosing and shrinking).

    python benchmarks/state_machine.py [--examples 100] [--rounds 3]

CPU time (``time.process_time``), garbage collector collected and frozen before each round, the
same examples every time (``derandomize``); the
figure printed is the median over the rounds. The share is measured with pyinstrument (the
``bench`` extra): the self time of frames in ``simulator/`` and ``fakes/`` against the whole run.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's simulator)
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from simulator.testing import VssStateMachine

ROOT = Path(__file__).resolve().parent.parent
MODEL = (str(ROOT / "simulator"), str(ROOT / "fakes"))


def run(examples: int) -> None:
    run_state_machine_as_test(
        VssStateMachine,
        settings=settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples in every round and every checkout
            suppress_health_check=list(HealthCheck),
        ),
    )


def examples_per_second(examples: int) -> float:
    gc.collect()
    gc.freeze()
    try:
        start = time.process_time()
        run(examples)
        return examples / (time.process_time() - start)
    finally:
        gc.unfreeze()


def model_share(examples: int) -> float:
    """The share of the run's time spent in the model's own frames (pyinstrument)."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002)
    profiler.start()
    run(examples)
    session = profiler.stop()
    root = session.root_frame()
    if root is None:
        return 0.0
    model = 0.0
    stack = [root]
    while stack:
        frame = stack.pop()
        own = frame.total_self_time
        if (frame.file_path or "").startswith(MODEL):
            model += own
        stack.extend(frame.children)
    return model / root.time


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rates = [examples_per_second(args.examples) for _ in range(args.rounds)]
    print(f"VssStateMachine, default settings: {statistics.median(rates):.1f} examples/s (median)")
    try:
        share = model_share(args.examples)
    except ImportError:
        print("the model's share: install the bench extra (pyinstrument) to measure it")
    else:
        print(f"the model's share of the time: {share * 100:.0f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
