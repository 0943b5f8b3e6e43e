"""Windows versions, with expected results written from the documentation (docs/reference.md
§12, and §3.4, §4.4, §5, §6, §8, §10.1 where each difference is stated). Literal data, never read
from the model's table.
"""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    E_INVALIDARG,
    E_NOTIMPL,
    E_UNEXPECTED,
    VSS_CTX_NAS_ROLLBACK,
    VSS_E_INSUFFICIENT_STORAGE,
    VSS_E_UNEXPECTED,
    VSS_PROV_SOFTWARE,
    IVssBackupComponents,
    TraceKind,
    VssError,
    VssProvider,
    VssSystem,
    hresults,
)
from simulator.rules import DEFAULT_WINDOWS, VERSION_ORDER, WINDOWS_VERSIONS
from tests.helpers import begin_backup, make_writer

MB = 1024 * 1024

#: §12: the versions the machine models, oldest first; the newest is the default.
VERSIONS = ["2003", "2008", "2008 R2", "2012", "2012 R2", "2016", "2019", "2022"]

#: §5 / §12: E_UNEXPECTED before Windows 7 / Server 2008 R2.
UNEXPECTED = {
    "2003": E_UNEXPECTED,
    "2008": E_UNEXPECTED,
    "2008 R2": VSS_E_UNEXPECTED,
    "2022": VSS_E_UNEXPECTED,
}
#: §10.1 / §12: vssadmin's copyright line.
COPYRIGHT = {
    "2003": "(C) Copyright 2001 Microsoft Corp.",
    "2008": "(C) Copyright 2001-2005 Microsoft Corp.",
    "2008 R2": "(C) Copyright 2001-2005 Microsoft Corp.",
    "2012": "(C) Copyright 2001-2013 Microsoft Corp.",
    "2022": "(C) Copyright 2001-2013 Microsoft Corp.",
}
#: §3.2 Ex table / §12: the first version with each method.
INTRODUCED = {
    "UnexposeSnapshot": "2008",
    "GetSessionId": "2008 R2",
    "GetWriterStatusEx": "2008 R2",
    "GetRootAndLogicalPrefixPaths": "2012",
}


def test_the_versions_and_the_default() -> None:
    assert list(VERSION_ORDER) == VERSIONS
    assert DEFAULT_WINDOWS == "2022"
    assert VssSystem().windows.name == "2022"
    with pytest.raises(ValueError, match="2008 R2"):
        VssSystem(windows="XP")


@pytest.mark.parametrize(("windows", "code"), sorted(UNEXPECTED.items()))
def test_unexpected_error_code_row(windows: str, code: int) -> None:
    assert WINDOWS_VERSIONS[windows].unexpected_code == code


class _Crash(BaseException):
    """Not an HRESULT at all: VSS's operation dies of something it did not expect."""


class _CrashingProvider(VssProvider):
    provider_id = uuid.UUID("99999999-9999-4999-8999-999999999999")
    provider_name = "Crashing provider"
    provider_type = VSS_PROV_SOFTWARE

    def PreCommitSnapshots(self, snapshot_set_id: uuid.UUID) -> None:
        raise _Crash()


@pytest.mark.parametrize(("windows", "code"), sorted(UNEXPECTED.items()))
def test_an_unexpected_failure_reports_the_versions_code(windows: str, code: int) -> None:
    """§5 / §12: an operation that fails unexpectedly reports E_UNEXPECTED through QueryStatus
    before Windows 7 / Server 2008 R2, VSS_E_UNEXPECTED from then on. The set is aborted first
    (AbortSnapshots), and the original exception reaches the requester from Wait."""
    with VssSystem(windows=windows) as system:
        system.register_provider(_CrashingProvider())
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetContext(VSS_CTX_NAS_ROLLBACK)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("C:\\")
            op = bc.DoSnapshotSet()
            with pytest.raises(_Crash):
                op.Wait()
            assert op.QueryStatus() == code
            assert hresults.name_of(code) == (
                "E_UNEXPECTED" if windows in ("2003", "2008") else "VSS_E_UNEXPECTED"
            )
            bc.AbortBackup()
        calls = [r.name for r in system.trace if r.kind is TraceKind.PROVIDER]
        assert calls[calls.index("PreCommitSnapshots") + 1] == "AbortSnapshots"
        assert "CommitSnapshots" not in calls
        assert system.shadow_copies() == []


@pytest.mark.parametrize(("windows", "line"), sorted(COPYRIGHT.items()))
def test_vssadmin_copyright_follows_the_version(windows: str, line: str) -> None:
    system = VssSystem(windows=windows)
    for command in ("list providers", "list shadows"):
        assert system.vssadmin(command).splitlines()[1] == line
    assert system.shadow_storage_text().splitlines()[1] == line


def _call(bc: IVssBackupComponents, method: str) -> object:
    if method == "UnexposeSnapshot":
        return bc.UnexposeSnapshot(bc.session_id)  # VSS_E_OBJECT_NOT_FOUND where it exists
    if method == "GetWriterStatusEx":
        bc.GatherWriterStatus().Wait()
        return bc.GetWriterStatusEx(0)
    if method == "GetRootAndLogicalPrefixPaths":
        return bc.GetRootAndLogicalPrefixPaths("C:\\x")
    return bc.GetSessionId()


@pytest.mark.parametrize(("method", "since"), sorted(INTRODUCED.items()))
def test_methods_appear_in_their_version(method: str, since: str) -> None:
    """§12: on a version before ``since`` the method is E_NOTIMPL ([INF]: COM's QueryInterface
    would fail); from ``since`` on it works."""
    before = VERSIONS[VERSIONS.index(since) - 1]
    for windows, works in ((before, False), (since, True)):
        with VssSystem(windows=windows) as system:
            make_writer(system)
            bc = begin_backup(system.CreateVssBackupComponents())
            try:
                _call(bc, method)
            except VssError as exc:
                assert (exc.hresult == E_NOTIMPL) is not works, str(exc)
            else:
                assert works
            bc.Release()


def test_wait_takes_only_infinite_on_2003() -> None:
    """§3.4: on Server 2003 only INFINITE is accepted, anything else is E_INVALIDARG."""
    with VssSystem(windows="2003") as system:
        bc = system.CreateVssBackupComponents()
        bc.InitializeForBackup()
        op = bc.GatherWriterMetadata()
        with pytest.raises(VssError) as refused:
            op.Wait(1000)
        assert refused.value.hresult == E_INVALIDARG
        op.Wait()
    with VssSystem(windows="2008") as system:
        bc = system.CreateVssBackupComponents()
        bc.InitializeForBackup()
        bc.GatherWriterMetadata().Wait(1000)


#: §6: the smallest diff area: 100 MB on Server 2003, 320 MB on a large volume from 2012.
@pytest.mark.parametrize(("windows", "fits"), [("2003", True), ("2012", False)])
def test_minimum_diff_area_by_version(windows: str, fits: bool) -> None:
    with VssSystem(windows=windows) as system:
        system.add_volume("D:\\")
        system.resize_shadow_storage("D:\\", 150 * MB)
        with system.CreateVssBackupComponents() as bc:
            bc.InitializeForBackup()
            bc.SetContext(VSS_CTX_NAS_ROLLBACK)
            bc.StartSnapshotSet()
            bc.AddToSnapshotSet("D:\\")
            op = bc.DoSnapshotSet()
            try:
                op.Wait()
            except VssError as exc:
                assert not fits
                assert exc.hresult == VSS_E_INSUFFICIENT_STORAGE
                bc.AbortBackup()
            else:
                assert fits
