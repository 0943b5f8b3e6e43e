"""VShadow's restore, status and metadata flows (docs/field-failures.md §A.6 V-2, V-3, V-4), and
the requesters as pytest fixtures (``fakes.pytest_fixtures``: ``vshadow``, ``restic``,
``vss_faults``, ``vss_capture``)."""

from __future__ import annotations

import pytest

from fakes import (
    SampleWriter,
    SqlServerWriter,
    Veto,
    faults,
    install,
    pytest_fixtures,
    vshadow_backup,
    vshadow_metadata,
    vshadow_restore,
    vshadow_status,
)
from fakes.pytest_fixtures import Restic, VShadow
from simulator import (
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_WRITER_STATE,
    TraceKind,
    VssSystem,
    WriterEvent,
    WriterMetadata,
    current_system,
)
from tests.helpers import PROJECT_ROOT, REAL_DATA

WS = VSS_WRITER_STATE
SAMPLE = "MSDNSampleWriter"


@pytest.fixture
def writers(vss_system: VssSystem) -> list[object]:
    return list(install(vss_system, [SampleWriter(), SqlServerWriter()]))


def test_status_lists_every_writer(vss_system: VssSystem, writers: list[object]) -> None:
    report = vshadow_status(vss_system)
    assert report.ok and report.flow == "status"
    assert report.writers == (SAMPLE, "SqlServerWriter")
    assert {s.state for s in report.writer_statuses} == {WS.VSS_WS_STABLE}
    assert vss_system.events(SAMPLE, report.session_id) == ["OnIdentify", "OnBackupShutdown"]


def test_metadata_levels(vss_system: VssSystem, writers: list[object]) -> None:
    brief = vshadow_metadata(vss_system)
    full = vshadow_metadata(vss_system, 3)
    assert brief.documents == () and len(full.documents) == 2
    assert (SAMPLE, 2, None, "FilesComponent") in brief.components
    assert WriterMetadata.from_xml(full.documents[0]).identity.writer_name == SAMPLE
    with pytest.raises(ValueError, match="level=4"):
        vshadow_metadata(vss_system, 4)  # type: ignore[arg-type]


def test_restore_from_a_saved_bcd(vss_system: VssSystem, writers: list[object]) -> None:
    """V-2: the writers with components in the BCD get PreRestore and PostRestore; the files are
    reported restored (VSS_RS_ALL)."""
    backup = vshadow_backup(vss_system, save_bcd=True)
    assert backup.ok and backup.backup_components is not None
    report = vshadow_restore(vss_system, backup.backup_components)
    assert report.ok and report.flow == "restore"
    assert report.writers == (SAMPLE, "SqlServerWriter")
    assert (SAMPLE, 2, None, "FilesComponent") in report.components
    assert vss_system.events(SAMPLE, report.session_id) == [
        "OnIdentify",
        "OnPreRestore",
        "OnPostRestore",
    ]
    simulated = vshadow_restore(vss_system, backup.backup_components, simulate=True)
    assert simulated.ok and vss_system.events(SAMPLE, simulated.session_id) == ["OnIdentify"]
    excluded = vshadow_restore(vss_system, backup.backup_components, exclude=[SAMPLE])
    assert excluded.writers == ("SqlServerWriter",)


def test_a_pre_restore_veto_stops_the_restore(vss_system: VssSystem, writers: list[object]) -> None:
    backup = vshadow_backup(vss_system, save_bcd=True)
    assert backup.backup_components is not None
    sample = writers[0]
    assert isinstance(sample, SampleWriter)
    sample.on(WriterEvent.PRE_RESTORE, Veto(VSS_E_WRITERERROR_RETRYABLE))
    report = vshadow_restore(vss_system, backup.backup_components)
    assert report.error == "E_UNEXPECTED"
    status = report.status_of(SAMPLE)
    assert status is not None and status.state is WS.VSS_WS_FAILED_AT_PRE_RESTORE
    # VShadow still reports the files not restored and calls PostRestore; the writer that failed
    # PreRestore gets no more events (docs/design.md).
    assert vss_system.events(SAMPLE, report.session_id) == ["OnIdentify", "OnPreRestore"]
    calls = [
        r.name
        for r in vss_system.trace
        if r.session_id == report.session_id and r.kind is TraceKind.CALL
    ]
    assert calls[-4:] == ["SetFileRestoreStatus", "PostRestore", "PostRestore completed", "Release"]


# -- the fixtures -------------------------------------------------------------------------------


def test_the_requester_fixtures_keep_their_records(
    vshadow: VShadow, restic: Restic, vss_system: VssSystem, writers: list[object]
) -> None:
    backup = vshadow.backup(save_bcd=True)
    assert backup.backup_components is not None
    restored = vshadow.restore(backup.backup_components)
    status = vshadow.status()
    copy = restic.backup()
    assert [r.ok for r in (backup, restored, status, copy)] == [True] * 4
    assert vshadow.reports == [backup, restored, status]
    assert restic.reports == [copy]
    assert vshadow.system is restic.system is vss_system
    assert vshadow.metadata(2).writers == (SAMPLE, "SqlServerWriter")
    assert vshadow.simulate_restore(backup.backup_components).flow == "simulated restore"


def test_the_faults_fixture_checks_at_teardown(
    vss_faults: faults.FaultPlan, vshadow: VShadow, vss_system: VssSystem
) -> None:
    [writer] = install(vss_system, [SampleWriter()])
    armed = faults.WRITER_VETOES_PREPARE_SNAPSHOT.apply(writer)
    assert vshadow.backup().error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    assert vss_faults.armed == [armed] and armed.fired == 1


@pytest.mark.skipif(not (REAL_DATA / "kevingoode-vssbackup").is_dir(), reason="no captures")
def test_the_capture_fixture_makes_the_machine_current(vss_capture: object) -> None:
    assert callable(vss_capture)
    machine = vss_capture(REAL_DATA / "kevingoode-vssbackup" / "with_sql", allow_missing=True)
    assert current_system() is machine
    assert len(machine.captured) == 10


def test_the_fixtures_are_registered_through_an_entry_point() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 on
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    plugins = project["project"]["entry-points"]["pytest11"]
    assert plugins["vss_fakes"] == "fakes.pytest_fixtures"
    assert plugins["vss_simulator"] == "simulator.pytest_plugin"
    assert set(pytest_fixtures.__all__) >= {"vshadow", "restic", "vss_faults", "vss_capture"}
