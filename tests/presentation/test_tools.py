"""vssadmin and diskshadow output, in the formats of real captures (docs/reference.md §10)."""

from __future__ import annotations

import uuid

import pytest

from simulator import (
    VSS_BT_FULL,
    VSS_CTX_APP_ROLLBACK,
    VSS_CTX_CLIENT_ACCESSIBLE,
    VSS_E_WRITERERROR_RETRYABLE,
    VSS_ST_OTHER,
    VSS_UT_USERDATA,
    CVssWriterEx2,
    VssError,
    VssSystem,
)
from tests.helpers import make_writer

WRITER_ID = uuid.UUID("e8132975-6f93-4464-a53e-1050253ae220")


class FreezeVetoWriter(CVssWriterEx2):
    def OnPrepareSnapshot(self) -> bool:
        return True

    def OnFreeze(self) -> bool:
        self.SetWriterFailure(VSS_E_WRITERERROR_RETRYABLE)
        return False

    def OnThaw(self) -> bool:
        return True

    def OnAbort(self) -> bool:
        return True


def _snapshot(system: VssSystem, context: int) -> None:
    with system.CreateVssBackupComponents() as bc:
        bc.InitializeForBackup()
        bc.SetContext(context)
        bc.SetBackupState(False, False, VSS_BT_FULL)
        if context == VSS_CTX_APP_ROLLBACK:
            bc.GatherWriterMetadata().Wait()
        bc.StartSnapshotSet()
        bc.AddToSnapshotSet("C:\\")
        if context == VSS_CTX_APP_ROLLBACK:
            bc.PrepareForBackup().Wait()
        bc.DoSnapshotSet().Wait()


def test_list_shadows_matches_the_observed_format(vss_system: VssSystem) -> None:
    """docs/reference.md §10.2: the captured ClientAccessible block, line for line."""
    _snapshot(vss_system, VSS_CTX_CLIENT_ACCESSIBLE)
    (copy,) = vss_system.shadow_copies()
    lines = vss_system.vssadmin("list shadows").splitlines()
    assert lines[0] == "vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool"
    assert lines[1] == "(C) Copyright 2001-2013 Microsoft Corp."
    assert lines[3] == f"Contents of shadow copy set ID: {{{copy.snapshot_set_id}}}"
    assert lines[4] == "   Contained 1 shadow copies at creation time: 1/1/2026 12:00:00 AM"
    assert lines[5] == f"      Shadow Copy ID: {{{copy.snapshot_id}}}"
    assert lines[6] == f"         Original Volume: (C:){copy.volume_guid_path}"
    assert (
        lines[7]
        == "         Shadow Copy Volume: \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1"
    )
    assert lines[10] == "         Provider: 'Microsoft Software Shadow Copy provider 1.0'"
    assert lines[11] == "         Type: ClientAccessible"
    assert lines[12] == (
        "         Attributes: Persistent, Client-accessible, No auto release, No writers, Differential"
    )


def test_list_shadows_when_there_are_none(vss_system: VssSystem) -> None:
    assert vss_system.vssadmin("list shadows").endswith("No items found that satisfy the query.\n")


def test_list_writers_shows_the_last_state_and_error(vss_system: VssSystem) -> None:
    """docs/reference.md §10.1: a writer that vetoed Freeze shows [9] Failed / Retryable error."""
    writer = FreezeVetoWriter()
    writer.Initialize(WRITER_ID, "System Writer", VSS_UT_USERDATA, VSS_ST_OTHER)
    writer.Subscribe()
    with pytest.raises(VssError):
        _snapshot(vss_system, VSS_CTX_APP_ROLLBACK)
    text = vss_system.vssadmin("list writers")
    assert (
        "Writer name: 'System Writer'\n"
        "   Writer Id: {e8132975-6f93-4464-a53e-1050253ae220}\n"
        f"   Writer Instance Id: {{{writer._vss.instance_id}}}\n"
        "   State: [9] Failed\n"
        "   Last error: Retryable error\n"
    ) in text
    status = vss_system.diskshadow("list writers status")
    assert '* WRITER "System Writer"\n        - Status: 9 (VSS_WS_FAILED_AT_FREEZE)' in status
    assert "- Writer Failure code: 0x800423f3 (VSS_E_WRITERERROR_RETRYABLE)" in status
    assert status.endswith("1 writers listed.\n")


def test_the_tools_send_identify_but_no_backup_shutdown(vss_system: VssSystem) -> None:
    """docs/reference.md §1.4: management tools trigger Identify too."""
    writer = FreezeVetoWriter()
    writer.Initialize(WRITER_ID, "System Writer", VSS_UT_USERDATA, VSS_ST_OTHER)
    writer.Subscribe()
    vss_system.vssadmin("list writers")
    assert vss_system.events(writer) == ["OnIdentify"]


def test_list_providers(vss_system: VssSystem) -> None:
    assert (
        "Provider name: 'Microsoft Software Shadow Copy provider 1.0'\n"
        "   Provider type: System\n"
        "   Provider Id: {b5946137-7b9f-4925-af80-51abd60b20d5}\n"
        "   Version: 1.0.0.7\n"
    ) in vss_system.vssadmin("list providers")


def test_an_unknown_vssadmin_command_prints_the_usage_screen(vss_system: VssSystem) -> None:
    lines = vss_system.vssadmin("list bogus").splitlines()
    assert lines[3:6] == ["Error: Invalid command.", " ", "---- Commands Supported ----"]
    assert lines[-2:] == [
        "Query Reverts         - Query the progress of in-progress revert operations.",
        "",
    ]
    assert vss_system.vssadmin("delete shadows") == vss_system.vssadmin("list bogus")


def test_listings_end_with_their_last_item(vss_system: VssSystem) -> None:
    """As every capture ends: no trailing blank line, no "Waiting for responses" line."""
    writer = FreezeVetoWriter()
    writer.Initialize(WRITER_ID, "System Writer", VSS_UT_USERDATA, VSS_ST_OTHER)
    writer.Subscribe()
    for command in ("list writers", "list providers", "list shadows"):
        text = vss_system.vssadmin(command)
        assert not text.endswith("\n\n"), command
        assert "Waiting for responses" not in text


def test_commands_that_change_the_machine_are_left_to_the_cli(vss_system: VssSystem) -> None:
    with pytest.raises(ValueError, match="vss-sim vssadmin"):
        vss_system.vssadmin("delete shadows /all")
    with pytest.raises(ValueError, match="list writers"):
        vss_system.diskshadow("create")


def test_diskshadow_list_writers_metadata(vss_system: VssSystem) -> None:
    """docs/reference.md §10.3: the writer's identity and restore fields, then its components."""
    writer = make_writer(vss_system, name="My Writer")
    lines = vss_system.diskshadow("list writers").splitlines()
    assert lines[:3] == [
        '        * WRITER "My Writer"',
        f"                - Writer ID   = {{{writer._vss.writer_id}}}",
        f"                - Writer instance ID = {{{writer._vss.instance_id}}}",
    ]
    assert "                - Excluded files:" in lines
    assert '                + Component "My Writer:\\Files"' in lines
    assert lines[-1] == "                        - Name: Files"
