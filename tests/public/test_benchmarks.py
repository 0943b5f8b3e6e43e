"""The benchmarks run and report what ``benchmarks/README.md`` prints (nothing here is timed:
speed is measured by ``benchmarks/report.py``, not asserted by tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.helpers import PROJECT_ROOT, REAL_DATA

BENCHMARKS = PROJECT_ROOT / "benchmarks"


@pytest.fixture(autouse=True)
def benchmarks_importable() -> Iterator[None]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_the_hot_path_rounds_give_medians_and_ratios() -> None:
    import hot_path

    said: list[str] = []
    ratios = hot_path.measure(hot_path.DescribingWriter, 2, 2, 2, 3, said.append)
    assert len(said) == 3 and said[0].startswith("round 1: floor")
    assert 0 < ratios.floor_us < ratios.serial_us and ratios.parallel_us > ratios.floor_us
    assert ratios.serial_ratio > 1 and ratios.parallel_ratio > 1


def test_the_memory_curve_samples_every_tenth_of_the_run() -> None:
    import hot_path

    points = hot_path.memory_curve(hot_path.DoNothingWriter, 1, 20, trace_limit=10)
    assert [done for done, _ in points] == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    assert all(rss > 0 for _, rss in points)


def test_the_state_machine_benchmark_runs_the_exported_machine() -> None:
    import state_machine

    assert state_machine.examples_per_second(2) > 0


@pytest.mark.skipif(not REAL_DATA.exists(), reason="the real documents are not beside the project")
def test_the_metadata_load_compares_the_loader_with_the_bare_parses() -> None:
    import metadata_load

    measured = metadata_load.measure(1)
    assert measured is not None
    path, times = measured
    assert path.name.startswith("WM") and set(times) == {
        "CreateVssExamineWriterMetadata",
        "ElementTree.fromstring",
        "defusedxml fromstring",
    }
    assert "× ElementTree" in metadata_load.summary(1)


def test_the_instruction_count_runs_the_workload_and_the_floor_it_counts() -> None:
    import instructions

    # 3 sessions that warm up, then 2: 8 events for each of 2 describing writers in each
    assert instructions.run("model", "describing", 2, writers=2, tell=True) == 5 * 2 * 8
    assert instructions.run("floor", "describing", 2, writers=2, tell=True) == 2 * 2 * 8
    found = instructions._COLLECTED.search("==7== Collected : 3004117")
    assert found is not None and found[1] == "3004117"
