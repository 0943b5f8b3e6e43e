"""Machines rebuilt from diskshadow metadata folders (``fakes.machine_from_capture``): the real
captures of ``KevinGoode/vssbackup`` (read from ``tests.helpers.REAL_DATA``; skipped when absent),
bad and partial folders made in ``tmp_path``, and the lesson examples/09_regression_fixture.py.

"Equal documents" means equal parsed ``WriterMetadata`` values (docs/reference.md §7.1): the saved
XML differs from diskshadow's in whitespace, attribute order and GUID case.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

import fakes
from fakes import CaptureError, bcd_selection, faults, machine_from_capture, read_capture
from simulator import (
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_WRITER_STATE,
    VssSystem,
    WriterEvent,
    WriterMetadata,
)
from tests.helpers import PROJECT_ROOT, REAL_DATA

REAL = REAL_DATA / "kevingoode-vssbackup"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real captures not found at {REAL}")
FOLDERS = ["no_sql", "with_sql"]
WS = VSS_WRITER_STATE


@pytest.fixture(scope="module")
def no_sql() -> fakes.Capture:
    return read_capture(REAL / "no_sql")


@needs_real
def test_each_writer_identifies_with_its_captured_document() -> None:
    """with_sql here; no_sql, with its 2 MB System Writer document, in the lesson's test."""
    machine = machine_from_capture(REAL / "with_sql", allow_missing=True)
    captured = {m.identity.instance_id: m for m in machine.capture.writers}
    with machine, machine.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        saved = {}
        for index in range(bc.GetWriterMetadataCount()):
            instance_id, examine = bc.GetWriterMetadata(index)
            saved[instance_id] = WriterMetadata.from_xml(examine.SaveAsXML())
    assert saved == captured
    assert [w.name for w in machine.writers] == [m.identity.writer_name for m in captured.values()]
    assert machine.violations == []


@needs_real
@pytest.mark.parametrize("folder", FOLDERS)
def test_replaying_the_backup_selects_what_the_capture_selected(folder: str) -> None:
    """The VShadow-style full backup of the Manifest's volumes, the writers the captured BCD
    leaves out excluded, saves a BCD with the captured writers and components (with_sql lacks
    the System Writer's document, so its entry is the one difference)."""
    machine = machine_from_capture(REAL / folder, allow_missing=True)
    with machine:
        report = machine.replay()
    assert report.ok, report.error
    assert report.backup_components is not None
    replayed = bcd_selection(report.backup_components)
    expected = dict(machine.capture.selection)
    if folder == "with_sql":
        assert machine.capture.missing == ("WM3.xml",)
        [system_writer] = [k for k in expected if str(k[1]).startswith("e8132975")]
        del expected[system_writer]
    assert replayed == expected
    assert machine.shadow_copies() == []


@needs_real
def test_the_replay_without_exclusions_differs_only_by_the_excluded_writer() -> None:
    """no_sql was taken with the SQL Server writer excluded: left in, VShadow's selection adds
    its one component on C:\\ (the databases on E: and F: are outside the set)."""
    machine = machine_from_capture(REAL / "no_sql")
    with machine:
        report = machine.replay(exclude=[])
    assert report.backup_components is not None
    replayed = bcd_selection(report.backup_components)
    extra = {k: v for k, v in replayed.items() if k not in machine.capture.selection}
    sql = machine.writer("SqlServerWriter")
    assert [(k[1], sorted(c[2] for c in v)) for k, v in extra.items()] == [
        (sql.writer_id, ["local1"])
    ]


@needs_real
def test_the_machine_has_the_volumes_the_documents_name(no_sql: fakes.Capture) -> None:
    assert no_sql.volumes == ("C:\\",)
    assert no_sql.named_volumes() == (
        "C:\\",
        "\\\\?\\Volume{c7463aba-f40d-11e9-80c7-806e6f6e6963}\\",
        "E:\\",
        "F:\\",
    )
    machine = machine_from_capture(REAL / "no_sql")
    assert machine.volume_names == list(no_sql.named_volumes())
    assert machine.machine_name == "WIN2012-SQL17-2"


@needs_real
def test_a_captured_writer_is_a_script_a_test_changes() -> None:
    machine = machine_from_capture(REAL / "with_sql", allow_missing=True)
    sql = machine.writer("SqlServerWriter")
    assert machine.writer(str(sql.writer_id)) is sql
    assert sql.instance_name == "Microsoft SQL Server 2017:SQLWriter"
    sql.on(WriterEvent.FREEZE, fakes.Veto(VSS_E_WRITERERROR_RETRYABLE))
    with machine:
        report = machine.replay()
    status = report.status_of("SqlServerWriter")
    assert status is not None
    assert (report.error, status.state, status.hr_failure) == (
        "VSS_E_UNEXPECTED_WRITER_ERROR",
        WS.VSS_WS_FAILED_AT_FREEZE,
        VSS_E_WRITERERROR_RETRYABLE,
    )
    with faults.checked():
        faults.WRITER_NOT_RESPONDING.apply(machine.writer("WMI Writer"))
        with machine:
            assert machine.replay().error == "VSS_E_UNEXPECTED_WRITER_ERROR"
    with pytest.raises(KeyError, match="no captured writer 'Exchange Writer'"):
        machine.writer("Exchange Writer")


@needs_real
def test_the_system_writer_document_loads_fast() -> None:
    """The 2 MB System Writer document (18925 file sets) is parsed once per process; a machine
    built from the folder a second time takes far less."""
    started = time.perf_counter()
    read_capture(REAL / "no_sql")
    first = time.perf_counter() - started
    started = time.perf_counter()
    machine_from_capture(REAL / "no_sql")
    again = time.perf_counter() - started
    assert first < 3.0 and again < 1.0, (first, again)


# -- bad and partial folders ------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A small capture of one writer, with the Manifest in UTF-16 LE without BOM (as diskshadow
    writes it) and the WMD in UTF-16 LE without BOM as well."""
    sample = fakes.SampleWriter()
    with VssSystem(seed=0) as system, system.CreateVssBackupComponents() as bc:
        fakes.install(system, [sample])
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait()
        wmd = bc.GetWriterMetadata(0)[1].SaveAsXML()
    manifest = (
        "<Manifest ><ShadowCopySet GUID = '{e109943b-232e-4b52-8dc4-62b7de94761b}' "
        "MachineName = 'LAB' ><ShadowCopy GUID = '{c1749777-4753-44f0-a078-05c23c8771fa}' "
        "OriginalVolume = 'C:\\' Provider = '{00000000-0000-0000-0000-000000000000}' >"
        "</ShadowCopy></ShadowCopySet><Writers Count = '1' ><Writer Name = "
        "'MSDNSampleWriter' MetadataFile = 'C:\\Temp\\WM0.xml' ></Writer></Writers></Manifest>"
    )
    (tmp_path / "Manifest.xml").write_bytes(manifest.encode("utf-16-le"))
    (tmp_path / "WM0.xml").write_bytes(wmd.encode("utf-16-le"))
    return tmp_path


def test_utf16_without_bom_loads(folder: Path) -> None:
    machine = machine_from_capture(folder)
    assert [w.name for w in machine.captured] == ["MSDNSampleWriter"]
    assert machine.capture.machine_name == "LAB" and machine.capture.backup_components is None
    with machine:
        assert fakes.vshadow_backup(machine).ok


def test_a_missing_manifest_is_named(folder: Path) -> None:
    (folder / "Manifest.xml").unlink()
    with pytest.raises(CaptureError, match=r"Manifest\.xml: no such file") as caught:
        machine_from_capture(folder)
    assert caught.value.path == folder / "Manifest.xml"
    assert isinstance(caught.value, ValueError)


def test_a_missing_document_is_named_unless_allowed(folder: Path) -> None:
    (folder / "WM0.xml").unlink()
    with pytest.raises(CaptureError, match=r"WM0\.xml: no such file"):
        machine_from_capture(folder)
    assert machine_from_capture(folder, allow_missing=True).capture.missing == ("WM0.xml",)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"<WRITER_METADATA", "is not a Writer Metadata Document"),
        (b"\xff\xfe<\x00W\x00R\x00I\x00", "is not a Writer Metadata Document"),
        (b"<\x00W\x00R\x00I\x00\x00\xd8", "is not valid UTF-16-LE text"),
        (b"", "is empty"),
        (b"<BACKUP_COMPONENTS/>", "expected root element WRITER_METADATA"),
    ],
)
def test_a_document_that_does_not_parse_is_named(
    folder: Path, content: bytes, problem: str
) -> None:
    (folder / "WM0.xml").write_bytes(content)
    with pytest.raises(CaptureError, match=r"WM0\.xml") as caught:
        machine_from_capture(folder)
    assert problem in str(caught.value)


def test_a_document_of_another_writer_is_named(folder: Path) -> None:
    text = (folder / "WM0.xml").read_bytes().decode("utf-16-le")
    (folder / "WM0.xml").write_text(text.replace("MSDNSampleWriter", "Other"), encoding="utf-8")
    with pytest.raises(CaptureError, match=r"describes writer 'Other', but Manifest\.xml names"):
        machine_from_capture(folder)


def test_a_manifest_that_does_not_parse_is_named(folder: Path) -> None:
    (folder / "Manifest.xml").write_text("<Manifest><Writers Count='2'>", encoding="utf-8")
    with pytest.raises(CaptureError, match=r"Manifest\.xml: is not a well-formed manifest"):
        machine_from_capture(folder)
    (folder / "Manifest.xml").write_text(
        "<Manifest><Writers Count='2'></Writers></Manifest>", encoding="utf-8"
    )
    with pytest.raises(CaptureError, match="Writers Count is 2 but 0 are listed"):
        machine_from_capture(folder)


@needs_real
def test_a_bad_bcd_is_named(tmp_path: Path) -> None:
    for name in ("Manifest.xml", "WM0.xml", "WM1.xml"):
        shutil.copy(REAL / "no_sql" / name, tmp_path / name)
    (tmp_path / "BCDocument.xml").write_text("<WRITER_METADATA/>", encoding="utf-8")
    with pytest.raises(CaptureError, match=r"BCDocument\.xml: is not a Backup Components"):
        machine_from_capture(tmp_path, allow_missing=True)


# -- the lesson --------------------------------------------------------------------------------


def lesson() -> ModuleType:
    name = "examples_09_regression_fixture"
    if name in sys.modules:
        return sys.modules[name]
    path = PROJECT_ROOT / "examples" / "09_regression_fixture.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@needs_real
def test_the_lesson_prints_writers_components_and_selection(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert lesson().main(REAL / "no_sql") == 0
    out = capsys.readouterr().out
    assert "11 writers:" in out
    assert "  System Writer: 2 component(s), 18925 file set(s)" in out
    assert "documents equal to the captured ones: 11 of 11" in out
    assert "  System Writer: System Files, Win32 Services Files" in out
    assert "same selection as the captured BCD: True" in out
    assert (
        "SqlServerWriter vetoing Freeze: VSS_E_UNEXPECTED_WRITER_ERROR, VSS_WS_FAILED_AT_FREEZE"
        in out
    )
