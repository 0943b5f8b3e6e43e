"""The load time of the largest real Writer Metadata Document (the 2 MB System Writer one) through
the project's public loader, next to the bare standard-library parse of the same bytes.

CPU time (``time.process_time``) in interleaved rounds: each round loads the document once with
each parser, with the garbage collector collected and frozen before each sample; the figures are
the medians over the rounds, and the ratio is the median of each round's ratio. The real documents
are read where ``tests.helpers.REAL_DATA`` says; without them the benchmark says so and exits.

* ``CreateVssExamineWriterMetadata``: the public loader (``defusedxml`` with DTDs, entities and
  external references forbidden, a size and a depth cap, then the typed reading of every
  element and attribute into the frozen ``WriterMetadata``).
* ``ElementTree.fromstring``: ``xml.etree.ElementTree`` building its own tree, nothing checked.
* ``defusedxml fromstring``: the same through defusedxml, which the loader uses.

    python benchmarks/metadata_load.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import defusedxml.ElementTree as DefusedElementTree  # noqa: E402

from simulator import CreateVssExamineWriterMetadata  # noqa: E402
from tests.helpers import REAL_DATA  # noqa: E402


def largest_document() -> Path | None:
    """The largest real WMD (the System Writer's), or None without the real documents."""
    documents = sorted(
        (REAL_DATA / "kevingoode-vssbackup").glob("*/WM*.xml"),
        key=lambda path: (path.stat().st_size, str(path)),
    )
    return documents[-1] if documents else None


def sample(load: Callable[[], object]) -> float:
    """CPU seconds of one ``load()``, the collector collected and frozen before it."""
    gc.collect()
    gc.freeze()
    try:
        start = time.process_time()
        load()
        return time.process_time() - start
    finally:
        gc.unfreeze()


def measure(rounds: int) -> tuple[Path, dict[str, list[float]]] | None:
    """CPU seconds of each loader over ``rounds`` interleaved rounds; None without the documents."""
    path = largest_document()
    if path is None:
        return None
    data = path.read_bytes()
    loaders: dict[str, Callable[[], object]] = {
        "CreateVssExamineWriterMetadata": lambda: CreateVssExamineWriterMetadata(data),  # type: ignore[arg-type]
        "ElementTree.fromstring": lambda: ElementTree.fromstring(data),
        "defusedxml fromstring": lambda: DefusedElementTree.fromstring(data),
    }
    times: dict[str, list[float]] = {label: [] for label in loaders}
    for _ in range(rounds):
        for label, load in loaders.items():
            times[label].append(sample(load))
    return path, times


def ratio(times: dict[str, list[float]], label: str) -> float:
    """The median over the rounds of the loader's time over ``label``'s."""
    model = times["CreateVssExamineWriterMetadata"]
    return statistics.median(m / t for m, t in zip(model, times[label], strict=True) if t > 0)


def summary(rounds: int) -> str:
    """One line for ``report.py``: the loader's median and its ratios to the bare parses."""
    measured = measure(rounds)
    if measured is None:
        return "no real documents"
    _, times = measured
    return (
        f"{statistics.median(times['CreateVssExamineWriterMetadata']) * 1e3:.0f} ms; "
        f"{ratio(times, 'ElementTree.fromstring'):.1f}× ElementTree, "
        f"{ratio(times, 'defusedxml fromstring'):.1f}× defusedxml"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    measured = measure(rounds)
    if measured is None:
        print(f"no real Writer Metadata Documents under {REAL_DATA}: nothing to measure")
        return
    path, times = measured
    data = path.read_bytes()
    examine = CreateVssExamineWriterMetadata(data)  # type: ignore[arg-type]
    name = examine.GetIdentity()[2]
    components = examine.GetFileCounts()[2]
    print(
        f"{path.parent.name}/{path.name}: {name!r}, {len(data) / 1e6:.2f} MB, "
        f"{components} components; CPU time, median of {rounds} interleaved rounds"
    )
    for label, measured_times in times.items():
        line = f"  {label:32s} {statistics.median(measured_times) * 1e3:8.1f} ms"
        if label != "CreateVssExamineWriterMetadata":
            line += f"   loader / this: {ratio(times, label):.2f}×"
        print(line)


if __name__ == "__main__":
    main()
