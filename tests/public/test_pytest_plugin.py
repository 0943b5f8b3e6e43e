"""The pytest plugin (simulator/pytest_plugin.py): the failure report with seed, violations,
trace and replay command; ``@pytest.mark.vss(seed=N)``; ``--vss-check-determinism``;
``vss_system_factory`` inside ``@given``."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

WRITER = """
import uuid
import pytest
from simulator import CVssWriterEx2

class ForgetfulWriter(CVssWriterEx2):
    def OnPrepareSnapshot(self):
        return True
    def OnFreeze(self):
        pass  # forgets return True
    def OnThaw(self):
        return True
    def OnAbort(self):
        return True

def backup(system):
    writer = ForgetfulWriter()
    writer.Initialize(uuid.UUID(int=7), "Forgetful Writer", 1, 1)
    writer.Subscribe()
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetBackupState(False, False, 1)
        bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\\\")
        bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    # Only this plugin and Hypothesis's: the inner runs do not depend on what else is installed.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeconftest("")
    pytester.makepyfile(writer_under_test=WRITER)
    return pytester


def run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    return project.runpytest(
        "-p", "simulator.pytest_plugin", "-p", "_hypothesis_pytestplugin", *args
    )


def test_a_failing_test_reports_seed_violations_trace_and_replay(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_backup="""
from writer_under_test import backup

def test_backup(vss_system):
    backup(vss_system)
"""
    )
    result = run(project, "--vss-seed", "11")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "OnFreeze returned None; handlers return True or False" in text
    assert "vss-simulator" in text
    assert "machine seed 11" in text
    assert "[bad-result] Forgetful Writer in OnFreeze: OnFreeze returned None" in text
    assert "trace records:" in text
    assert "replay: pytest test_backup.py::test_backup --vss-seed 11" in text
    assert "simulator/_service/creation.py" not in text  # library frames are hidden


def test_the_vss_mark_sets_the_seed(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_mark="""
import pytest

@pytest.mark.vss(seed=42)
def test_seeded(vss_system):
    assert vss_system.seed == 42

def test_default(vss_system):
    assert vss_system.seed == 0
"""
    )
    run(project).assert_outcomes(passed=2)


def test_check_determinism_fails_a_test_whose_trace_differs(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_determinism="""
import itertools
from writer_under_test import backup

COUNTER = itertools.count()

def test_steady(vss_system):
    bc = vss_system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    bc.Release()

def test_wobbly(vss_system):
    bc = vss_system.CreateVssBackupComponents()
    bc.InitializeForBackup()
    if next(COUNTER) % 2:
        bc.SetBackupState(False, False, 1)
    bc.Release()
"""
    )
    result = run(project, "--vss-check-determinism")
    result.assert_outcomes(passed=1, failed=1)
    text = result.stdout.str()
    assert "the test is not deterministic" in text
    assert "first difference at trace line 2" in text


def test_the_factory_works_inside_given(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_given="""
from hypothesis import given, settings, strategies as st

SEEN = []

@settings(max_examples=5, database=None)
@given(st.integers(0, 100))
def test_many_machines(vss_system_factory, number):
    with vss_system_factory(seed=number) as system:
        SEEN.append(system)
        assert system.seed == number
        assert system.trace == []

def test_all_distinct():
    assert len({id(s) for s in SEEN}) == len(SEEN) == 5
"""
    )
    result = run(project)
    result.assert_outcomes(passed=2)
    assert "HealthCheck" not in result.stdout.str()
