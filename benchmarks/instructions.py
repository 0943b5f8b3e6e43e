"""The hot-path workload counted in CPU instructions (valgrind's callgrind), which the machine's
noise does not move: instructions per session of the model and of the floor, and their ratio.

Each figure is the difference between two runs of the same process, one with N sessions and one
with none, divided by N, so start-up and the machine's set-up cancel out; both run with
``PYTHONHASHSEED=0``. The garbage collector
is off in the counted runs (a collection would land in one run and not the other). Instructions
are not time: the floor's tight loop runs about twice as many instructions per cycle as the
model, so the CPU-time ratio of ``hot_path.py`` is about twice this one.

    python benchmarks/instructions.py [--sessions 50] [--workload describing]

It needs ``valgrind`` on the PATH (Debian: ``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's simulator)
from hot_path import WORKLOADS, backup, floor
from least_model import LeastSystem
from sessions import install

from simulator import VssSystem

_COLLECTED = re.compile(r"Collected : (\d+)")


def run(what: str, workload: str, sessions: int, writers: int = 10, *, tell: bool = False) -> int:
    """What one counted process does: ``sessions`` backups (``what="model"``, or ``"least"`` for
    ``least_model.LeastSystem``) or floor rounds. With ``tell``, how many handler calls they made
    (counting them is not counted)."""
    gc.disable()
    try:
        if what == "least":
            least = LeastSystem(WORKLOADS[workload], writers)
            for _ in range(3 + sessions):
                backup(least)  # type: ignore[arg-type]
            return sum(type(record) is list for record in least.trace) if tell else 0
        with VssSystem(seed=1) as system:
            installed = install(system, writers, WORKLOADS[workload])
            if what == "floor":
                floor(installed, sessions)
                return sessions * writers * 8 if tell else 0
            for _ in range(3):
                backup(system)  # the first sessions build what later ones reuse
            for _ in range(sessions):
                backup(system)
            return len(system.events()) if tell else 0
    finally:
        gc.enable()


def count(what: str, workload: str, sessions: int) -> int:
    """The instructions one process of ``run`` executes, counted by callgrind."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(Path(__file__).resolve()),
        "--run",
        what,
        "--workload",
        workload,
        "--sessions",
        str(sessions),
    ]
    # String hashing is seeded per process: a fixed seed makes the count the same on every run
    # (it moved by up to 7 % between seeds).
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    found = _COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found[1])


def per_session(what: str, workload: str, sessions: int) -> float:
    """Instructions per session: the run with ``sessions`` less the run with none."""
    return (count(what, workload, sessions) - count(what, workload, 0)) / sessions


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="describing")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--run", choices=["model", "least", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.run, args.workload, args.sessions)
        return 0
    if shutil.which("valgrind") is None:
        print("instructions.py needs valgrind on the PATH", file=sys.stderr)
        return 2
    model = per_session("model", args.workload, args.sessions)
    least = per_session("least", args.workload, args.sessions * 4)
    base = per_session("floor", args.workload, args.sessions * 4)
    print(
        f"{args.workload}, 10 writers: model {model / 1000:,.0f} k instructions a session, "
        f"floor {base / 1000:,.0f} k: {model / base:.1f}× the floor; the least model "
        f"{least / 1000:,.0f} k: {least / base:.1f}× the floor"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
