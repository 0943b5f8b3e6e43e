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


def test_the_instruction_count_counts_the_least_model_on_the_same_workload() -> None:
    import instructions

    assert instructions.run("least", "describing", 2, writers=2, tell=True) == 5 * 2 * 8


class _VetoingFreeze:
    """A describing writer whose OnFreeze vetoes."""

    def OnFreeze(self) -> bool:
        return False


def test_the_least_model_delivers_the_whole_backup_and_records_each_step() -> None:
    import hot_path
    import least_model as lm

    system = lm.LeastSystem(hot_path.DescribingWriter, 2)
    hot_path.backup(system)
    events = [(r[1], r[3], r[6]) for r in system.trace if type(r) is list]
    first, second = (w.key for w in system.writers)
    assert events == [(event, writer, True) for event in range(8) for writer in (first, second)]
    calls = [r[1] for r in system.trace if type(r) is tuple]
    assert calls == [
        "InitializeForBackup",
        "SetBackupState",
        "GatherWriterMetadata",
        "GetWriterMetadataCount",
        "GetWriterMetadata",
        "AddComponent",
        "GetWriterMetadata",
        "AddComponent",
        "StartSnapshotSet",
        "AddToSnapshotSet",
        "PrepareForBackup",
        "DoSnapshotSet",
        "copy",
        "BackupComplete",
        "violation",
        "violation",
        "release",
    ]
    assert [w.state for w in system.writers] == [lm.STABLE, lm.STABLE]
    documents = [w.document for w in system.writers]
    hot_path.backup(system)
    assert [w.document for w in system.writers] == documents  # an unchanged Identify reuses


def test_the_least_model_refuses_what_the_workload_must_not_do() -> None:
    import hot_path
    import least_model as lm

    from simulator import VssBadState, VssSnapshotSetInProgress

    system = lm.LeastSystem(hot_path.DescribingWriter, 1)
    first = system.CreateVssBackupComponents()
    with pytest.raises(VssBadState):
        first.SetBackupState(True, False, 1)
    first.InitializeForBackup()
    first.SetBackupState(True, False, 1)
    first.GatherWriterMetadata().Wait()
    first.StartSnapshotSet()
    second = system.CreateVssBackupComponents()
    with pytest.raises(VssSnapshotSetInProgress):
        second.StartSnapshotSet()


def test_the_least_model_records_a_veto_and_the_writer_stays_where_it_was() -> None:
    # the least model prices the success path only: after a veto it delivers nothing more
    import hot_path
    import least_model as lm

    vetoing = type("Vetoing", (_VetoingFreeze, hot_path.DescribingWriter), {})
    system = lm.LeastSystem(vetoing, 1)
    hot_path.backup(system)
    events = [(r[1], r[6]) for r in system.trace if type(r) is list]
    assert events == [(0, True), (1, True), (2, True), (3, False)]
    assert system.writers[0].state == lm.PREPARED_SNAPSHOT
