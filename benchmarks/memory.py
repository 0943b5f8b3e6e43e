"""Memory of a long run on one machine, with and without ``VssSystem(trace_limit=N)``.

    python benchmarks/memory.py [SESSIONS] [LIMIT]

Runs SESSIONS complete backups (default 100,000: Identify, PrepareForBackup, DoSnapshotSet,
BackupComplete, Release) with one writer on one machine, in a fresh process per setting, and
prints the peak RSS of each: without a limit (the trace keeps every record) and with
``trace_limit=LIMIT`` (default 1,000).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(sessions: int, limit: int | None) -> None:
    sys.path.insert(0, str(ROOT))
    from simulator import VssSystem
    from tests.helpers import full_backup, make_writer

    started = time.perf_counter()
    with VssSystem(seed=1, trace_limit=limit) as system:
        make_writer(system, "Writer")
        for _ in range(sessions):
            full_backup(system)
        records = len(system.trace)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{sessions} sessions, trace_limit={limit}: peak RSS {peak:.0f} MiB, "
        f"{records} trace records kept, {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def main(sessions: int = 100_000, limit: int = 1_000) -> None:
    for setting in ("none", str(limit)):
        subprocess.run([sys.executable, __file__, "--child", str(sessions), setting], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        count, setting = int(sys.argv[2]), sys.argv[3]
        run(count, None if setting == "none" else int(setting))
    else:
        main(*(int(a) for a in sys.argv[1:3]))
