"""Seed sweeps (local and on a Dask cluster) and exhaustive exploration of small scenarios.

``sweep`` and ``cluster_sweep`` run a scenario once per seed; ``explore`` runs it under every
distinct interleaving. See docs/sweeps.md.
"""

from .cluster import ClusterUnavailable, cluster_sweep
from .explore import ExploreResult, FailingSchedule, ScheduleRandom, explore, replay_schedule
from .scenario import Outcome, Scenario, SeedResult, load_scenario, replay, run_batch, run_scenario
from .sweep import SweepResult, parse_seeds, sweep, write_results

__all__ = [
    "ClusterUnavailable",
    "ExploreResult",
    "FailingSchedule",
    "Outcome",
    "Scenario",
    "ScheduleRandom",
    "SeedResult",
    "SweepResult",
    "cluster_sweep",
    "explore",
    "load_scenario",
    "parse_seeds",
    "replay",
    "replay_schedule",
    "run_batch",
    "run_scenario",
    "sweep",
    "write_results",
]
