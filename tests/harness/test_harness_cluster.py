"""Cluster sweeps on a real local Dask cluster (two worker processes, loopback only): the same
failing seeds as the local sweep, and no seed lost or counted twice when a worker dies."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.harness import cluster_sweep, sweep
from tests.harness.harness_support import LESSON_SPEC, SEEDS, scenario_spec

distributed = pytest.importorskip("distributed")

from tests.harness import scenarios  # noqa: E402


@pytest.fixture(scope="module")
def marker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("crash") / "crashed"
    old = os.environ.get(scenarios.MARKER_VARIABLE)
    os.environ[scenarios.MARKER_VARIABLE] = str(path)  # the workers inherit it
    yield path
    if old is None:
        del os.environ[scenarios.MARKER_VARIABLE]
    else:
        os.environ[scenarios.MARKER_VARIABLE] = old


@pytest.fixture(scope="module")
def client(marker: Path) -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def test_cluster_sweep_equals_the_local_sweep(client: object) -> None:
    local = sweep(LESSON_SPEC, SEEDS, workers=1)
    remote = cluster_sweep(LESSON_SPEC, SEEDS, client, batch_size=20)  # type: ignore[arg-type]
    assert remote.where == "cluster" and remote.workers == 2
    assert remote.failing_seeds == local.failing_seeds
    assert remote.results == local.results


def test_a_lost_worker_loses_and_doubles_no_seed(client: object, marker: Path) -> None:
    seeds = range(0, 120)
    local = sweep(LESSON_SPEC, seeds, workers=1)
    assert not marker.exists()
    added: list[int] = []

    def progress(result: object) -> None:
        added.append(len(result.results))

    remote = cluster_sweep(
        scenario_spec("crash_once"),
        seeds,
        client,
        batch_size=10,
        progress=progress,  # type: ignore[arg-type]
    )
    assert marker.exists()  # seed 7's first run killed its worker
    assert sorted(remote.results) == list(seeds)
    assert len(added) == 12  # one report per batch: the lost batch was counted once
    assert remote.failing_seeds == local.failing_seeds
    assert {s: r.kind for s, r in remote.results.items()} == {
        s: r.kind for s, r in local.results.items()
    }
