"""Seed sweeps on a Dask distributed cluster (the optional ``cluster`` extra).

Each batch of seeds is one task, ``run_batch(spec, seeds)``. Results come only from tasks that
finished, and are merged by seed, so a batch that Dask re-runs elsewhere after losing its worker
is counted once. The scenario must be importable on the workers: by the same module name, or at
the same absolute file path (a shared folder, or the same machine).
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from .scenario import load_scenario, resolve_spec, run_batch
from .sweep import Progress, SweepResult, batches, default_batch_size

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["ClusterUnavailable", "cluster_sweep", "connect"]

INSTALL_HINT = "--cluster needs Dask: pip install 'vss-simulator[cluster]'"


class ClusterUnavailable(RuntimeError):
    """Dask distributed is not installed."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise ClusterUnavailable(INSTALL_HINT) from error
    return distributed


def connect(address: str) -> Client:
    """A client of the Dask scheduler at ``address`` (``tcp://host:8786``)."""
    client: Client = _distributed().Client(address)
    return client


def cluster_sweep(
    spec: str,
    seeds: range,
    client: Client | str,
    *,
    batch_size: int | None = None,
    check_determinism: bool = False,
    retries: int = 2,
    progress: Progress | None = None,
) -> SweepResult:
    """Run the scenario once per seed on a Dask cluster (a ``Client`` or a scheduler address).

    A batch whose worker is lost is re-run by Dask on another worker; ``retries`` also re-runs a
    batch that raised (a scenario's own failures are results, not errors). Ctrl-C cancels what is
    left and returns the batches that finished.
    """
    distributed = _distributed()
    spec = resolve_spec(spec)
    load_scenario(spec)
    own = isinstance(client, str)
    dask_client: Any = connect(client) if isinstance(client, str) else client
    workers = max(1, len(dask_client.scheduler_info().get("workers", {})))
    size = batch_size or default_batch_size(len(seeds), workers)
    result = SweepResult(spec, seeds, workers=workers, where="cluster")
    started = time.perf_counter()
    token = uuid.uuid4().hex[:12]
    futures = [
        dask_client.submit(
            run_batch,
            spec,
            batch,
            check_determinism,
            key=f"vss-sweep-{token}-{batch[0]}",
            retries=retries,
            pure=False,
        )
        for batch in batches(seeds, size)
    ]
    try:
        for future in distributed.as_completed(futures):
            result.add(future.result())
            result.elapsed = time.perf_counter() - started
            if progress is not None:
                progress(result)
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        dask_client.cancel([f for f in futures if not f.done()])
        if own:
            dask_client.close()
    result.elapsed = time.perf_counter() - started
    return result
